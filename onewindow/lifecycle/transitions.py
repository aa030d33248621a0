"""A transition table: state × action → next state, with the permission an actor needs and the
refusal code. Pure: no Django.

Every record type with a lifecycle (the case, the supervision order, and the record types to come)
declares one :class:`TransitionTable` and asks it — its services before they write, its pages and
its API before they offer an action — instead of testing ``state == …`` in place. A move that is
not in the table is refused with the same code and message everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


@dataclass(frozen=True)
class Move(Generic[S]):
    """One action of a table: the states it may start from and the state it leads to.

    ``target`` None keeps the state (an inbox move, a request); ``None`` among the ``sources``
    means "before the record exists" (its creation). ``permission`` names the permission an actor
    needs (a value of ``organization.permissions.Action``), for pages that list what an actor may
    do; the owning service still checks it against the record's region and department.
    """

    sources: frozenset[S | None]
    target: S | None
    permission: str | None = None
    label: str = ""

    def target_from(self, source: S) -> S:
        return self.target if self.target is not None else source


class Refused(Exception):
    """The table has no such move from the record's state: ``code`` is the English error code,
    the message says in Chinese what the state is and what cannot be done."""

    def __init__(self, code: str, message: str, action: StrEnum, state: StrEnum | None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.action = action
        self.state = state


@dataclass(frozen=True)
class TransitionTable(Generic[S, A]):
    """The lifecycle of one record type.

    ``name`` prefixes the refusal codes (``<name>.transition_refused.<action>``); ``noun`` is the
    record's Chinese name in messages (办件, 督办单 …).
    """

    name: str
    noun: str
    moves: Mapping[A, Move[S]]
    state_labels: Mapping[S, str]
    terminal: frozenset[S] = field(default_factory=frozenset)
    refusal_message: Callable[[A, S | None], str] | None = None

    def move(self, action: A) -> Move[S]:
        return self.moves[action]

    def allows(self, action: A, current: S | None) -> bool:
        """Whether ``action`` may start from ``current`` (the table alone; no permission, no guard)."""
        return current in self.moves[action].sources

    def next_state(self, action: A, current: S | None) -> S:
        """The state after ``action``, or :class:`Refused` if the table has no such move."""
        move = self.moves[action]
        if current not in move.sources:
            raise Refused(self.refusal_code(action), self.refusal(action, current), action, current)
        if current is None:
            assert move.target is not None, f"{self.name}: a creating move needs a target"
            return move.target
        return move.target_from(current)

    def actions_from(self, current: S | None) -> list[A]:
        """Every action the table allows from ``current``, in declaration order."""
        return [action for action, move in self.moves.items() if current in move.sources]

    def refusal_code(self, action: A) -> str:
        return f"{self.name}.transition_refused.{action.value}"

    def refusal(self, action: A, current: S | None) -> str:
        if self.refusal_message is not None:
            return self.refusal_message(action, current)
        state = self.state_labels.get(current, str(current)) if current is not None else "未创建"
        what = self.moves[action].label or action.value
        return f"{self.noun}当前状态为“{state}”，不能{what}"

    def open_states(self) -> frozenset[S]:
        return frozenset(self.state_labels) - self.terminal

    def check(self) -> None:
        """Every state a move names has a label, and every labelled state is reachable or a start:
        a table that fails this is a typo, caught by the app's tests."""
        named: set[S] = set()
        for move in self.moves.values():
            named |= {s for s in move.sources if s is not None}
            if move.target is not None:
                named.add(move.target)
        unlabelled = named - set(self.state_labels)
        if unlabelled:
            raise ValueError(f"{self.name}: states without a label: {sorted(unlabelled)}")
        unreachable = set(self.state_labels) - named
        if unreachable:
            raise ValueError(f"{self.name}: states no move names: {sorted(unreachable)}")


def lawful(table: TransitionTable[S, A], current: S | None, actions: Iterable[A] | None = None,
           *, permitted: Callable[[str | None], bool] = lambda _perm: True) -> list[A]:
    """The actions of ``table`` (or of ``actions``) allowed from ``current`` whose permission the
    actor holds, as ``permitted(permission)`` says."""
    chosen = table.actions_from(current) if actions is None else [a for a in actions if table.allows(a, current)]
    return [a for a in chosen if permitted(table.move(a).permission)]
