"""Deadlines as rows, described purely: what a record's deadlines are now, and which rows must
change for the table to say so. Pure: no Django.

An owning app describes its record's deadlines as :class:`DeadlineSpec` values — one per
(kind, key) — each time its record changes; :func:`changes` compares that description with the one
from before the change, so a transition that moves no deadline writes no deadline row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    """What a deadline is for. The supervision sweep maps each kind to its warning rules."""

    ACCEPTANCE = "acceptance"  # 受理决定期限 (Art. 32: deemed accepted after it)
    PROMISED = "promised"  # 承诺办结期限
    STATUTORY = "statutory"  # 法定办结期限
    ISSUANCE = "issuance"  # 制证送达期限 (Art. 44)
    STAGE = "stage"  # 审核环节期限
    SUPPLEMENT = "supplement"  # 补正期限
    REPLY = "reply"  # 回复期限 (督办单, 答复 …)


KIND_LABELS = {Kind.ACCEPTANCE: "受理决定期限", Kind.PROMISED: "承诺办结期限", Kind.STATUTORY: "法定办结期限",
               Kind.ISSUANCE: "制证期限", Kind.STAGE: "环节期限", Kind.SUPPLEMENT: "补正期限", Kind.REPLY: "回复期限"}


class State(StrEnum):
    OPEN = "open"  # running: the sweep watches it
    PAUSED = "paused"  # stopped (a special procedure): not watched until it runs again
    CLOSED = "closed"  # answered, cancelled or superseded: warnings about it resolve


@dataclass(frozen=True)
class DeadlineSpec:
    """One deadline of one record as its owner sees it now.

    ``yellow_from`` is the first day of the yellow warning (None: no yellow line); ``lapses_after``
    ends the watch of a deadline that a larger one then speaks for (a review stage once the whole
    case is past its promised date); ``closed_reason`` says in Chinese why a closed deadline no
    longer runs (the warnings about it resolve with these words).
    """

    kind: Kind
    due_on: date | None
    key: str = ""
    state: State = State.OPEN
    statutory: bool = False
    yellow_from: date | None = None
    lapses_after: date | None = None
    provisional: bool = False
    department_id: int | None = None
    responsible_id: int | None = None
    closed_reason: str = ""
    explanation: str = ""
    title: str = ""

    @property
    def identity(self) -> tuple[str, str]:
        return (self.kind.value, self.key)

    def closed(self, reason: str) -> DeadlineSpec:
        """The same deadline, no longer running."""
        return DeadlineSpec(self.kind, self.due_on, self.key, State.CLOSED, self.statutory, self.yellow_from,
                            self.lapses_after, self.provisional, self.department_id, self.responsible_id, reason,
                            self.explanation, self.title)


def by_identity(specs: Iterable[DeadlineSpec]) -> dict[tuple[str, str], DeadlineSpec]:
    return {spec.identity: spec for spec in specs}


def changes(before: Mapping[tuple[str, str], DeadlineSpec], after: Iterable[DeadlineSpec],
            *, vanished_reason: str = "期限已不再适用") -> list[DeadlineSpec]:
    """The rows to write so the table says ``after``: new or changed deadlines, and every
    deadline of ``before`` that ``after`` no longer names, closed (a row is never deleted: the
    warnings about it need to know why it ended)."""
    now = by_identity(after)
    out = [spec for identity, spec in now.items() if before.get(identity) != spec]
    out += [old.closed(vanished_reason) for identity, old in before.items()
            if identity not in now and old.state != State.CLOSED]
    return out


def watched(spec_state: str, due_on: date | None, lapses_after: date | None, today: date) -> bool:
    """Whether the sweep still watches a deadline on ``today``."""
    if spec_state != State.OPEN or due_on is None:
        return False
    return lapses_after is None or today <= lapses_after
