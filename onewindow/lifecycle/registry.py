"""How a record type plugs into the kernel: its name, how to show it, how to verify its chains,
which warning rules its deadlines raise, and its own anomaly checks for the supervision sweep.

An app registers its record types in its ``AppConfig.ready()``; the supervision sweep, the
warning pages and ``verify_history`` then work for it without naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .chain import ChainBreak
from .deadlines import Kind


@dataclass(frozen=True)
class DeadlineRules:
    """The warning rules a deadline kind raises: on its yellow line, once it has passed, and once a
    statutory deadline has passed (None: no such warning)."""

    yellow: str | None = None
    overdue: str | None = None


@dataclass(frozen=True)
class ChainReport:
    """One record's chain as ``verify_history`` reports it."""

    subject_type: str
    label: str
    breaks: list[ChainBreak]

    @property
    def ok(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class Described:
    """A record as warning lists show it: its title (办件 990121-2026-000001), the staff page that
    shows it, and the columns a warning about it fills besides the generic ones (its own foreign
    key, the window it came in at …)."""

    title: str
    warning_fields: Mapping[str, Any] = field(default_factory=dict)
    url: str = ""  # filled in by :func:`link` for pages (the sweep never needs it)
    noun: str = ""  # what kind of record it is, in Chinese (办件, 督办单): filled in by :func:`describe`

    @property
    def named(self) -> str:
        """``办件 990121-2026-000001``: the kind and the title, as a sentence names the record."""
        return f"{self.noun} {self.title}".strip()


@dataclass(frozen=True)
class SubjectType:
    """A record type the kernel knows.

    ``describe(ids)`` gives each record's own title (its number) and warning columns (one query for
    many), ``url(id, described)`` its staff page;
    ``verify(label)`` yields the report of every chain of the type (or of the one record labelled
    so); ``deadline_rules`` maps a deadline kind to its warning rules where the type's own words
    differ from the generic ones.
    """

    key: str
    noun: str
    describe: Callable[[Sequence[int]], dict[int, Described]]
    url: Callable[[int, Described], str] = lambda _pk, _d: ""
    verify: Callable[[str | None], Iterator[ChainReport]] | None = None
    deadline_rules: Mapping[Kind, DeadlineRules] = field(default_factory=dict)


_subjects: dict[str, SubjectType] = {}


def register_subject(subject: SubjectType) -> None:
    """Make a record type known (idempotent per key: the app's ``ready()`` may run twice in tests)."""
    _subjects[subject.key] = subject


def subject(key: str) -> SubjectType:
    try:
        return _subjects[key]
    except KeyError:
        raise LookupError(f"record type {key!r} is not registered with the lifecycle kernel") from None


def subjects() -> list[SubjectType]:
    return list(_subjects.values())


def link(key: str, pk: int, described: Described) -> Described:
    """``described`` with its page's address (a page shows it; the sweep does without)."""
    found = _subjects.get(key)
    return replace(described, url=found.url(pk, described)) if found is not None else described


def describe(key: str, ids: Sequence[int]) -> dict[int, Described]:
    """Title, link and warning columns of each record of type ``key``; unknown ids are left out."""
    found = _subjects.get(key)
    if found is None or not ids:
        return {}
    return {pk: replace(d, noun=found.noun) for pk, d in found.describe(ids).items()}


# -- the sweep's own checks of each record type --------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """An app's anomaly check, run by every supervision sweep after the deadline scans.

    ``run(context)`` gets the sweep's context (its moment, the last swept day, and ``found(…)``
    to report a finding); ``rules`` are the warning codes it decides, so the sweep resolves the
    live warnings of those rules about the records the check looked at and no longer found.
    """

    name: str
    run: Callable[[Any], None]


_checks: dict[str, Check] = {}


def register_check(check: Check) -> None:
    _checks[check.name] = check


def checks() -> list[Check]:
    return list(_checks.values())


# -- guards other apps add to a record type's actions ----------------------------------------------


@dataclass(frozen=True)
class Guard:
    """A rule an app above a record type's own app adds to one of its actions (fees: an unpaid bill
    blocks a case's certificate), so the record's app never imports the app above it.

    ``refuse(record)`` returns ``(code, reason)`` — an English code and the Chinese reason — when the
    action is not lawful now, or None. The record's own guards ask :func:`guard_refusal` wherever
    they decide the action (its service and the pages that offer it).
    """

    subject_type: str
    action: str
    name: str
    refuse: Callable[[Any], tuple[str, str] | None]


_guards: dict[tuple[str, str, str], Guard] = {}


def register_guard(guard: Guard) -> None:
    """Add a guard (idempotent per subject type, action and name: ``ready()`` may run twice)."""
    _guards[(guard.subject_type, guard.action, guard.name)] = guard


def guard_refusal(subject_type: str, action: str, record: Any) -> tuple[str, str] | None:
    """The first refusal of the guards registered for ``action`` on ``record``, or None."""
    for (kind, act, _name), guard in _guards.items():
        if kind == subject_type and act == action:
            found = guard.refuse(record)
            if found is not None:
                return found
    return None
# -- event tables the history anchors cover besides the ChainedEvent subclasses ---------------------------

_anchored: list[Any] = []


def register_anchored_table(model: Any) -> None:
    """Anchor this event table too (:mod:`onewindow.lifecycle.anchors`): one that is not a
    ChainedEvent subclass but has ``id``, ``hash`` and a foreign key to its record (the case's)."""
    if model not in _anchored:
        _anchored.append(model)


def anchored_tables() -> list[Any]:
    return list(_anchored)
