"""The legal clock of a case: a pure function of its events. No Django, no I/O.

``clock(events, limits, calendar, as_of)`` replays a case's events on a calendar snapshot and
returns a :class:`ClockState`: the acceptance due date, the statutory and promised due dates,
pauses, the extension, the certificate due date, remaining working days, the warning level, and
every rule the events broke. ``check_transition`` asks the same question for one new event before
it is appended, so live actions, the importer and the sweep share one reading of the law.

The ten conventions of DESIGN.md §4 are implemented here and nowhere else:

1. limits are working days on the snapshot's calendar (行政许可法 第八十二条);
2. the day of the triggering event is not counted: an N-day limit from D ends on the N-th working
   day strictly after D, at 23:59:59 Asia/Shanghai (:func:`deadline_moment`);
3. acceptance is due on the 5th working day after receipt R (or the latest supplement); without a
   decision by then the case is deemed accepted on R (第三十二条) — :func:`deemed_acceptance_due`;
4. one supplement notice may add materials (一次告知); a later one may only repeat them;
5. the handling clocks start on the acceptance date; instant items are due the same day; joint
   cases have 45 statutory working days (第四十二条第二款);
6. a special procedure (第四十五条) consumes its start day, and the working days after it up to and
   including its end day are not counted;
7. one extension, before the statutory due date passes, of at most 10 (joint: 15) working days,
   moves both due dates by exactly that many counted working days;
8. the certificate is due 10 working days after a grant decision (第四十四条);
9. warning levels on the promised clock: yellow / red / statutory breach;
10. results that touch a year without a published holiday arrangement are provisional.

Disclosure requests (依申请公开, 政府信息公开条例) run on the same code with other limits: see
:func:`onewindow.workdays.disclosure.disclosure_limits`.

Counting model. A handling clock that starts on A with N working days and pauses (S₁, E₁], (S₂, E₂] …
is due on the N-th working day after A that lies in no pause interval. Rule 6 read literally is the
same thing: the days in (A, S] are counted (the start day S is consumed), (S, E] are not, and the
count continues after E by rule 2. Two pauses in a row (E₁ = S₂) do not give the day E₁ back. Every
computation is a handful of bisections on the snapshot, never a loop over days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from onewindow.catalog.rules import (
    EXTENSION_CAP,
    JOINT_EXTENSION_CAP,
    JOINT_STATUTORY_LIMIT,
    SPECIAL_PROCEDURE_LABELS,
    HandlingType,
    SpecialProcedure,
)

from .arithmetic import CalendarSnapshot

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59)
_ONE_DAY = timedelta(days=1)

# 行政许可法 第三十二条: acceptance (or the one supplement notice) within 5 days of receipt.
ACCEPTANCE_WORKDAYS = 5
# 行政许可法 第四十四条: certificate issued and delivered within 10 days of the grant decision.
ISSUANCE_WORKDAYS = 10

# 政府信息公开条例 第三十二条: consulting a third party is not counted (15 working days to answer).
THIRD_PARTY_CONSULTATION = "third_party_consultation"

# 国办函〔2020〕109号《政府信息公开信息处理费管理办法》: from the fee notice to the payment the
# reply period does not run either.
FEE_PAYMENT = "fee_payment"

# 决定前公示 (e.g. 最低生活保障审核确认办法 第十九条): a benefit case waits for its publication's
# comment period (and the answers to its objections) before the decision; the time is not counted.
PUBLICITY = "publicity"

PAUSE_LABELS: dict[str, str] = {str(k): v for k, v in SPECIAL_PROCEDURE_LABELS.items()}
PAUSE_LABELS[THIRD_PARTY_CONSULTATION] = "征求第三方意见"
PAUSE_LABELS[FEE_PAYMENT] = "缴纳信息处理费"
PAUSE_LABELS[PUBLICITY] = "决定前公示"


class EventKind(StrEnum):
    """The case events the clock reads (DESIGN.md §3); other kinds are ignored."""

    SUBMITTED = "submitted"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENTED = "supplemented"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    DEEMED_ACCEPTED = "deemed_accepted"
    SPECIAL_PROCEDURE_STARTED = "special_procedure_started"
    SPECIAL_PROCEDURE_ENDED = "special_procedure_ended"
    EXTENSION_GRANTED = "extension_granted"
    DECIDED = "decided"
    CERTIFICATE_ISSUED = "certificate_issued"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"
    CONCLUDED = "concluded"


class Regime(StrEnum):
    LICENSING = "licensing"  # 行政许可法 and the center's promises
    DISCLOSURE = "disclosure"  # 政府信息公开条例, requests (依申请公开)


class Phase(StrEnum):
    NOT_SUBMITTED = "not_submitted"
    ACCEPTANCE = "acceptance"  # acceptance window running (rule 3)
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # acceptance clock stopped (rule 4)
    HANDLING = "handling"  # statutory and promised clocks running (or paused)
    ISSUANCE = "issuance"  # granted, certificate due (rule 8)
    DECIDED = "decided"  # handling clock answered; no clock running
    STOPPED = "stopped"  # concluded, refused or withdrawn


class StopReason(StrEnum):
    CONCLUDED = "concluded"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class WarningLevel(StrEnum):
    NORMAL = "normal"
    YELLOW = "yellow"
    RED = "red"
    STATUTORY_BREACH = "statutory_breach"


class Timeliness(StrEnum):
    """How a finished case met its promised due date (按时办结 / 提前办结 / 超时)."""

    EARLY = "early"
    ON_TIME = "on_time"
    OVERDUE = "overdue"


class StartKind(StrEnum):
    """What happened on the day a due date is counted from (for explanations)."""

    RECEIPT = "receipt"  # 收件 / 收到申请
    SUPPLEMENT = "supplement"  # 补正材料收到
    ACCEPTANCE = "acceptance"  # 受理
    DEEMED_ACCEPTANCE = "deemed_acceptance"  # 视为受理 (= the receipt day)
    DECISION = "decision"  # 准予许可决定


GRANT = "grant"
DENY = "deny"

_STOP_LABELS = {StopReason.CONCLUDED: "办结", StopReason.REFUSED: "不予受理", StopReason.WITHDRAWN: "撤回"}


# -- time helpers ----------------------------------------------------------------------------------


def deadline_moment(d: date) -> datetime:
    """The last moment of the legal day ``d``: 23:59:59 Asia/Shanghai (DESIGN.md §4 rule 2)."""
    return datetime.combine(d, END_OF_DAY, tzinfo=SHANGHAI)


def local_date(moment: date | datetime) -> date:
    """The legal day (Asia/Shanghai) of an aware datetime; a ``date`` is returned as it is."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("时间必须带时区（aware datetime）")
        return moment.astimezone(SHANGHAI).date()
    return moment


def _local_key(moment: date | datetime) -> tuple[date, time]:
    if isinstance(moment, datetime):
        local = moment.astimezone(SHANGHAI)
        return local.date(), local.time()
    return moment, time.min


# -- inputs ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One case event as the clock sees it.

    ``at`` is a local legal date or an aware datetime (converted to Asia/Shanghai inside). ``seq``
    is the event's place in the case history and breaks ties between events of the same moment.
    The other fields are the payload of the kinds that need one:

    - ``supplement_requested``: ``materials``, the names of the materials to supplement;
    - ``special_procedure_started`` / ``_ended``: ``procedure`` (a :class:`SpecialProcedure` value,
      or ``third_party_consultation`` for disclosure requests) and ``announced_workdays``, the time
      the applicant was told in writing (Art. 45);
    - ``extension_granted``: ``workdays`` and ``approver_role``;
    - ``decided``: ``outcome`` (``grant`` / ``deny``; a disclosure reply may name its reply type).
    """

    kind: str
    at: date | datetime
    seq: int = 0
    materials: tuple[str, ...] = ()
    procedure: str | None = None
    announced_workdays: int | None = None
    workdays: int | None = None
    approver_role: str | None = None
    outcome: str | None = None
    # The legal day and local time of day, computed once (a date-only event sorts first in its day).
    _day: date = field(init=False, repr=False, compare=False)
    _tod: time = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.at, datetime):
            if self.at.tzinfo is None or self.at.utcoffset() is None:
                raise ValueError("事件时间必须带时区（aware datetime）")
        elif not isinstance(self.at, date):
            raise TypeError(f"事件时间必须是日期或时间：{self.at!r}")
        if not isinstance(self.materials, tuple):
            object.__setattr__(self, "materials", tuple(self.materials))
        day, tod = _local_key(self.at)
        object.__setattr__(self, "_day", day)
        object.__setattr__(self, "_tod", tod)

    @property
    def day(self) -> date:
        """The legal day (Asia/Shanghai) of the event."""
        return self._day

    @classmethod
    def from_record(cls, kind: str, at: date | datetime, payload: Mapping[str, Any] | None = None, *,
                    seq: int = 0) -> ClockEvent:
        """Build from a stored event (``CaseEvent.kind``, ``.at``, ``.payload``, ``.seq``).

        Payload keys read: ``materials`` (list of names, or of dicts with a ``name``), ``procedure``,
        ``announced_workdays``, ``workdays``, ``approver_role``, ``outcome``.
        """
        p = payload or {}
        materials = tuple(m["name"] if isinstance(m, Mapping) else str(m) for m in p.get("materials") or ())
        return cls(kind=str(kind), at=at, seq=seq, materials=materials, procedure=p.get("procedure"),
                   announced_workdays=p.get("announced_workdays"), workdays=p.get("workdays"),
                   approver_role=p.get("approver_role"), outcome=p.get("outcome"))


# Rule 9: a record turns yellow once this share of its promised period is used up. A center may set
# its own, from 0.01 to 0.99 in hundredths (electronic supervision's settings); the one rule for both.
DEFAULT_YELLOW_SHARE = Fraction(9, 10)
YELLOW_SHARE_MIN = Fraction(1, 100)
YELLOW_SHARE_MAX = Fraction(99, 100)


def check_yellow_share(value: object) -> Fraction:
    """A yellow share as a Fraction, or ValueError (in Chinese) when it is not a number from 0.01 to
    0.99 with at most two decimals."""
    try:
        share = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"黄牌比例须为 0.01 至 0.99 之间、最多两位小数的数：{value!r}") from None
    if not YELLOW_SHARE_MIN <= share <= YELLOW_SHARE_MAX or (share * 100).denominator != 1:
        raise ValueError(f"黄牌比例须为 0.01 至 0.99 之间、最多两位小数的数：{value!r}")
    return share


@dataclass(frozen=True)
class ClockLimits:
    """The limits one case is timed against.

    ``statutory`` and ``promised`` are working days from the acceptance date (rule 5). An instant
    item (``handling="instant"``) is promised by the end of the acceptance day; its statutory limit
    still runs. A joint case (``is_joint``) has ``joint_statutory`` (45) statutory working days and
    an extension cap of 15. ``yellow_share`` is the share of the promised period after which the
    case turns yellow (rule 9; 0.9 by default, configurable per center).

    The remaining fields make the same engine serve disclosure requests: ``intake_workdays`` is the
    acceptance window (licensing 5) or the window for the one supplement request (disclosure 7);
    ``handling_starts_on_receipt`` starts the reply clock on the day of receipt (and restarts it on
    the supplement) instead of on an acceptance decision; ``issuance_workdays`` is the certificate
    period after a grant (None: no certificate clock); ``pause_kinds`` are the procedures that may
    pause the clock; ``approver_roles`` may approve the extension (empty: not checked).
    """

    statutory: int
    promised: int
    handling: str = HandlingType.COMMITTED
    is_joint: bool = False
    yellow_share: Fraction | float | str = DEFAULT_YELLOW_SHARE
    intake_workdays: int = ACCEPTANCE_WORKDAYS
    handling_starts_on_receipt: bool = False
    extension_cap: int | None = None
    joint_statutory: int = JOINT_STATUTORY_LIMIT
    issuance_workdays: int | None = ISSUANCE_WORKDAYS
    pause_kinds: frozenset[str] = frozenset(str(k) for k in SpecialProcedure)
    approver_roles: frozenset[str] = frozenset({"chief_representative"})
    regime: str = Regime.LICENSING
    # 1 − yellow_share as (numerator, denominator), set once: yellow_threshold runs per clock step.
    _rest: tuple[int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("statutory", "promised", "intake_workdays", "joint_statutory"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} 必须是非负整数：{value!r}")
        if self.handling not in (HandlingType.INSTANT, HandlingType.COMMITTED):
            raise ValueError(f"未知的办件类型：{self.handling!r}")
        # A Fraction, so ceil(20 × (1 − 0.9)) is exactly 2 and never 2.0000000000000004 → 3.
        share = Fraction(str(self.yellow_share)) if isinstance(self.yellow_share, float) else Fraction(self.yellow_share)
        if not 0 <= share <= 1:
            raise ValueError(f"黄牌比例必须在 0 与 1 之间：{self.yellow_share!r}")
        object.__setattr__(self, "yellow_share", share)
        rest = 1 - share
        object.__setattr__(self, "_rest", (rest.numerator, rest.denominator))
        object.__setattr__(self, "pause_kinds", frozenset(self.pause_kinds))
        object.__setattr__(self, "approver_roles", frozenset(self.approver_roles))

    @property
    def statutory_workdays(self) -> int:
        """The statutory limit that applies: 45 for joint handling (Art. 42 para. 2)."""
        return self.joint_statutory if self.is_joint else self.statutory

    @property
    def promised_workdays(self) -> int:
        """The promised limit that applies: 0 (the acceptance day itself) for instant items."""
        return 0 if self.handling == HandlingType.INSTANT else self.promised

    @property
    def max_extension(self) -> int:
        """The extension cap: 10 working days, 15 for joint handling (Art. 42), or as configured."""
        if self.extension_cap is not None:
            return self.extension_cap
        return JOINT_EXTENSION_CAP if self.is_joint else EXTENSION_CAP

    def yellow_threshold(self, limit: int) -> int:
        """Working days left at which the clock turns yellow: ceil(limit × (1 − share)), at least 1."""
        num, den = self._rest
        return max(1, -(-limit * num // den))  # exact integer ceiling


# -- outputs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """A rule an event breaks: an English ``code`` for machines, a Chinese ``message`` for people."""

    code: str
    message: str
    event: ClockEvent | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message,
                "event": None if self.event is None else {"kind": self.event.kind, "at": self.event.at.isoformat(),
                                                          "seq": self.event.seq}}


@dataclass(frozen=True)
class Pause:
    """A special procedure: ``(start, end]`` is not counted; ``end`` is None while it runs."""

    procedure: str
    start: date
    end: date | None = None
    announced_workdays: int | None = None
    expected_end: date | None = None  # start + announced working days, for planning only

    @property
    def label(self) -> str:
        return PAUSE_LABELS.get(self.procedure, self.procedure)


@dataclass(frozen=True)
class DueDerivation:
    """How one due date was reached: enough to explain it (see :mod:`onewindow.workdays.explain`)."""

    name: str  # acceptance_due, supplement_request_due, statutory_due, promised_due, certificate_due
    start: date
    start_kind: str
    base_workdays: int
    due: date
    extension_workdays: int = 0
    pauses: tuple[Pause, ...] = ()

    @property
    def workdays(self) -> int:
        return self.base_workdays + self.extension_workdays


@dataclass(frozen=True)
class ClockState:
    """A case's clock as of ``as_of``. All dates are legal days in Asia/Shanghai."""

    as_of: datetime
    today: date
    phase: Phase
    stop_reason: StopReason | None
    received_on: date | None  # the latest receipt: submission or supplement (R or T)
    acceptance_due: date | None  # licensing: last day for the acceptance decision (rule 3)
    supplement_request_due: date | None  # last day for the one supplement notice
    accepted_on: date | None  # the handling clocks start here (deemed: = received_on)
    deemed_accepted: bool
    deemed_acceptance_pending: bool  # deemed by law, but no event recorded yet: the sweep appends it
    statutory_workdays: int  # the limit that applies, extension included
    promised_workdays: int
    extension_workdays: int
    extension_granted_on: date | None
    statutory_due: date | None  # None before acceptance or while a pause freezes the count
    promised_due: date | None
    yellow_from: date | None  # the warning sweep stores these three
    red_from: date | None
    statutory_breach_from: date | None
    pauses: tuple[Pause, ...]
    paused: bool
    remaining_workdays: int | None  # promised clock; negative once overdue; frozen while paused
    statutory_remaining_workdays: int | None
    decided_on: date | None
    outcome: str | None
    certificate_due: date | None
    certificate_issued_on: date | None
    delivered_on: date | None
    issuance_overdue: bool
    finished_on: date | None  # the day the handling clock was answered (decision or conclusion)
    timeliness: Timeliness | None
    warning_level: WarningLevel
    provisional: bool
    calendar_version: int
    violations: tuple[Violation, ...] = ()
    # What the due dates were counted from, so each can explain itself (see ``derivations``).
    received_kind: str | None = field(default=None, repr=False)
    start_kind: str | None = field(default=None, repr=False)
    intake_workdays: int = field(default=ACCEPTANCE_WORKDAYS, repr=False)
    issuance_workdays: int | None = field(default=ISSUANCE_WORKDAYS, repr=False)
    handling_starts_on_receipt: bool = field(default=False, repr=False)

    @property
    def stopped(self) -> bool:
        return self.phase == Phase.STOPPED

    @cached_property
    def derivations(self) -> tuple[DueDerivation, ...]:
        """How each known due date was reached, built on demand (the sweep never needs it)."""
        result: list[DueDerivation] = []
        if self.received_on is not None and self.supplement_request_due is not None:
            name = "supplement_request_due" if self.handling_starts_on_receipt else "acceptance_due"
            result.append(DueDerivation(name, self.received_on, self.received_kind or StartKind.RECEIPT,
                                        self.intake_workdays, self.supplement_request_due))
        start = self.accepted_on
        if start is not None:
            for name, n, due in (("statutory_due", self.statutory_workdays, self.statutory_due),
                                 ("promised_due", self.promised_workdays, self.promised_due)):
                if due is not None:
                    pauses = tuple(p for p in self.pauses if p.start < due and (p.end is None or p.end > start))
                    result.append(DueDerivation(name, start, self.start_kind or StartKind.ACCEPTANCE,
                                                n - self.extension_workdays, due, self.extension_workdays, pauses))
        if self.certificate_due is not None and self.decided_on is not None:
            result.append(DueDerivation("certificate_due", self.decided_on, StartKind.DECISION,
                                        self.issuance_workdays or 0, self.certificate_due))
        return tuple(result)

    def derivation(self, name: str) -> DueDerivation | None:
        """The derivation of one due date by name (``promised_due`` …), or None."""
        for d in self.derivations:
            if d.name == name:
                return d
        return None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO strings, enums as their values."""

        def iso(v: date | None) -> str | None:
            return None if v is None else v.isoformat()

        return {
            "as_of": self.as_of.isoformat(), "today": iso(self.today), "phase": str(self.phase),
            "stop_reason": None if self.stop_reason is None else str(self.stop_reason),
            "received_on": iso(self.received_on), "acceptance_due": iso(self.acceptance_due),
            "supplement_request_due": iso(self.supplement_request_due), "accepted_on": iso(self.accepted_on),
            "deemed_accepted": self.deemed_accepted, "deemed_acceptance_pending": self.deemed_acceptance_pending,
            "statutory_workdays": self.statutory_workdays, "promised_workdays": self.promised_workdays,
            "extension_workdays": self.extension_workdays, "extension_granted_on": iso(self.extension_granted_on),
            "statutory_due": iso(self.statutory_due), "promised_due": iso(self.promised_due),
            "statutory_deadline": None if self.statutory_due is None else deadline_moment(self.statutory_due).isoformat(),
            "promised_deadline": None if self.promised_due is None else deadline_moment(self.promised_due).isoformat(),
            "yellow_from": iso(self.yellow_from), "red_from": iso(self.red_from),
            "statutory_breach_from": iso(self.statutory_breach_from),
            "pauses": [{"procedure": p.procedure, "label": p.label, "start": iso(p.start), "end": iso(p.end),
                        "announced_workdays": p.announced_workdays, "expected_end": iso(p.expected_end)}
                       for p in self.pauses],
            "paused": self.paused, "remaining_workdays": self.remaining_workdays,
            "statutory_remaining_workdays": self.statutory_remaining_workdays,
            "decided_on": iso(self.decided_on), "outcome": self.outcome,
            "certificate_due": iso(self.certificate_due), "certificate_issued_on": iso(self.certificate_issued_on),
            "delivered_on": iso(self.delivered_on), "issuance_overdue": self.issuance_overdue,
            "finished_on": iso(self.finished_on),
            "timeliness": None if self.timeliness is None else str(self.timeliness),
            "warning_level": str(self.warning_level), "provisional": self.provisional,
            "calendar_version": self.calendar_version,
            "violations": [v.as_dict() for v in self.violations],
        }


# -- counting with pauses --------------------------------------------------------------------------


def due_with_pauses(calendar: CalendarSnapshot, start: date, n: int,
                    pauses: Sequence[tuple[date, date | None]] = ()) -> tuple[date | None, int]:
    """The n-th working day after ``start`` outside every pause ``(s, e]`` (rules 2 and 6).

    ``pauses`` are sorted and do not overlap; a pause with ``e`` None is still running. Returns
    ``(due, counted)``: ``due`` is None when a running pause freezes the count, and ``counted`` is
    the number of days counted so far (``n`` when the due date is known). ``n == 0`` is due on
    ``start`` itself (instant items). O(pauses × log days).
    """
    if n == 0:
        return start, 0
    cursor = start
    remaining = n
    for s, e in pauses:
        if e is not None and e <= cursor:
            continue
        s = max(s, cursor)
        available = calendar.workdays_between(cursor, s)
        if available >= remaining:
            return calendar.add_workdays(cursor, remaining), n
        remaining -= available
        if e is None:
            return None, n - remaining
        cursor = e
    return calendar.add_workdays(cursor, remaining), n


def counted_between(calendar: CalendarSnapshot, a: date, b: date,
                    pauses: Sequence[tuple[date, date | None]] = ()) -> int:
    """Working days in (a, b] outside every pause; negative when ``b`` is before ``a``."""
    if b < a:
        return -counted_between(calendar, b, a, pauses)
    total = calendar.workdays_between(a, b)
    for s, e in pauses:
        lo = max(s, a)
        hi = b if e is None else min(e, b)
        if hi > lo:
            total -= calendar.workdays_between(lo, hi)
    return total


# -- the replay ----------------------------------------------------------------------------------------

_RANK = {k: i for i, k in enumerate((
    EventKind.SUBMITTED, EventKind.SUPPLEMENT_REQUESTED, EventKind.SUPPLEMENTED, EventKind.REFUSED,
    EventKind.ACCEPTED, EventKind.DEEMED_ACCEPTED, EventKind.SPECIAL_PROCEDURE_STARTED,
    EventKind.SPECIAL_PROCEDURE_ENDED, EventKind.EXTENSION_GRANTED, EventKind.DECIDED,
    EventKind.CERTIFICATE_ISSUED, EventKind.DELIVERED, EventKind.CONCLUDED, EventKind.WITHDRAWN,
))}


def _sort_key(ev: ClockEvent) -> tuple:
    return (ev._day, ev._tod, ev.seq, _RANK.get(ev.kind, len(_RANK)), ev.kind, ev.materials,
            ev.procedure or "", ev.announced_workdays or 0, ev.workdays or 0, ev.approver_role or "",
            ev.outcome or "")


def normalize(events: Iterable[ClockEvent]) -> list[ClockEvent]:
    """The events in the one order the clock reads them, whatever order they came in.

    By legal day, then time of day (date-only events first), then ``seq``, then the order of the
    case's life. Where special procedures start and end at the same moment, starts and ends
    alternate: an end comes first when one is running (two procedures in a row), else a start (a
    procedure that starts and ends on one day).
    """
    ordered = sorted(events, key=_sort_key)
    started, ended = EventKind.SPECIAL_PROCEDURE_STARTED, EventKind.SPECIAL_PROCEDURE_ENDED
    if not any(e.kind == started for e in ordered):
        return ordered
    running = 0
    i = 0
    result: list[ClockEvent] = []
    while i < len(ordered):
        j = i + 1
        first = ordered[i]
        head = (first._day, first._tod, first.seq)
        while j < len(ordered) and (ordered[j]._day, ordered[j]._tod, ordered[j].seq) == head:
            j += 1
        group = ordered[i:j]
        kinds = {e.kind for e in group}
        if started in kinds and ended in kinds:
            group = _interleave_pauses(group, running)
        for e in group:
            if e.kind == started:
                running += 1
            elif e.kind == ended and running:
                running -= 1
            result.append(e)
        i = j
    return result


def _interleave_pauses(group: list[ClockEvent], running: int) -> list[ClockEvent]:
    """Order the starts and ends of one moment so each end closes the procedure before it."""
    started, ended = EventKind.SPECIAL_PROCEDURE_STARTED, EventKind.SPECIAL_PROCEDURE_ENDED
    starts = [e for e in group if e.kind == started]
    ends = [e for e in group if e.kind == ended]
    before = [e for e in group if e.kind not in (started, ended) and _RANK.get(e.kind, 99) < _RANK[started]]
    after = [e for e in group if e.kind not in (started, ended) and _RANK.get(e.kind, 99) > _RANK[ended]]
    pauses: list[ClockEvent] = []
    while starts or ends:
        if ends and (running or not starts):
            pauses.append(ends.pop(0))
            running = max(0, running - 1)
        else:
            pauses.append(starts.pop(0))
            running += 1
    return before + pauses + after


def _fmt(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


class _Replay:
    """The state machine the events run through; each ``apply`` returns what the event broke."""

    def __init__(self, limits: ClockLimits, calendar: CalendarSnapshot) -> None:
        self.limits = limits
        self.cal = calendar
        self.on_receipt = limits.handling_starts_on_receipt
        self.disclosure = limits.regime == Regime.DISCLOSURE
        self.phase = Phase.NOT_SUBMITTED
        self.stop_reason: StopReason | None = None
        self.received_on: date | None = None
        self.received_kind = StartKind.RECEIPT
        self.intake_due: date | None = None
        self.listed: set[str] = set()
        self.notices = 0
        self.accepted_on: date | None = None
        self.deemed = False
        self.acceptance_recorded = False
        self.pauses: list[Pause] = []
        self.extension = 0
        self.extension_on: date | None = None
        self.decided_on: date | None = None
        self.outcome: str | None = None
        self.certificate_issued_on: date | None = None
        self.delivered_on: date | None = None
        self.concluded_on: date | None = None
        self.last_key: tuple | None = None

    # -- clocks -------------------------------------------------------------------------------------

    def pause_spans(self) -> list[tuple[date, date | None]]:
        return [(p.start, p.end) for p in self.pauses]

    def statutory_n(self) -> int:
        return self.limits.statutory_workdays + self.extension

    def promised_n(self) -> int:
        return self.limits.promised_workdays + self.extension

    def statutory_due(self) -> date | None:
        if self.accepted_on is None:
            return None
        return due_with_pauses(self.cal, self.accepted_on, self.statutory_n(), self.pause_spans())[0]

    def open_pause(self) -> Pause | None:
        return self.pauses[-1] if self.pauses and self.pauses[-1].end is None else None

    # -- transitions --------------------------------------------------------------------------------

    def advance(self, day: date) -> None:
        """Let the law act before ``day``: an acceptance window that passed is deemed acceptance."""
        if self.phase == Phase.ACCEPTANCE and not self.on_receipt and self.intake_due is not None \
                and day > self.intake_due:
            # 行政许可法 第三十二条: not told within 5 days → accepted from the day of receipt.
            self.accepted_on = self.received_on
            self.deemed = True
            self.phase = Phase.HANDLING

    def receive(self, day: date, kind: StartKind) -> None:
        self.received_on = day
        self.received_kind = kind
        self.intake_due = self.cal.add_workdays(day, self.limits.intake_workdays) \
            if self.limits.intake_workdays else day
        if self.on_receipt:
            # 政府信息公开条例 第三十条: the reply clock (re)starts on the day of receipt.
            self.accepted_on = day
            self.phase = Phase.HANDLING
        else:
            self.phase = Phase.ACCEPTANCE

    def stop(self, day: date, reason: StopReason) -> None:
        open_pause = self.open_pause()
        if open_pause is not None:
            self.pauses[-1] = _ended(open_pause, day)
        self.phase = Phase.STOPPED
        self.stop_reason = reason
        if reason == StopReason.CONCLUDED:
            self.concluded_on = day

    def v(self, code: str, message: str, ev: ClockEvent) -> list[Violation]:
        return [Violation(f"clock.{code}", message, ev)]

    def apply(self, ev: ClockEvent) -> list[Violation]:
        day = ev._day
        kind = ev.kind
        handler = _HANDLERS.get(kind)
        if handler is None:
            return []  # stage_completed, calendar_retimed …: no effect on the clock
        self.advance(day)
        if self.phase == Phase.STOPPED:
            assert self.stop_reason is not None
            return self.v("case_stopped", f"办件已{_STOP_LABELS[self.stop_reason]}，计时已停止，不能再执行此操作", ev)
        if self.phase == Phase.NOT_SUBMITTED and kind != EventKind.SUBMITTED:
            if kind in (EventKind.WITHDRAWN, EventKind.REFUSED):
                self.stop(day, StopReason(kind))
                return []
            return self.v("not_submitted", "办件尚未收件，不能执行此操作", ev)
        return handler(self, ev, day)

    def _on_submitted(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.phase != Phase.NOT_SUBMITTED:
            return self.v("already_submitted", "办件已收件，不能重复收件", ev)
        self.receive(day, StartKind.RECEIPT)
        return []

    def _on_supplement_requested(self, ev: ClockEvent, day: date) -> list[Violation]:
        materials = {m.strip() for m in ev.materials if m and m.strip()}
        if self.phase == Phase.AWAITING_SUPPLEMENT:
            return self.v("supplement_already_requested", "已发出补正告知，申请人尚未补正材料", ev)
        if self.phase in (Phase.ISSUANCE, Phase.DECIDED):
            return self.v("supplement_after_decision", "已作出决定，不能再要求补正材料", ev)
        if self.on_receipt:
            assert self.intake_due is not None
            if day > self.intake_due:
                return self.v("supplement_request_late",
                              f"补正告知须在收到申请之日起 {self.limits.intake_workdays} 个工作日内作出，"
                              f"期限已于 {_fmt(self.intake_due)} 届满（政府信息公开条例 第三十条）", ev)
        elif self.phase == Phase.HANDLING:
            if self.deemed:
                assert self.intake_due is not None
                assert self.received_on is not None
                return self.v("supplement_after_deemed_acceptance",
                              f"受理期限已于 {_fmt(self.intake_due)} 届满，依《行政许可法》第三十二条，"
                              f"自收到申请材料之日（{_fmt(self.received_on)}）起即视为受理，不能再要求补正材料", ev)
            return self.v("supplement_after_acceptance", "办件已受理，不能再要求补正材料", ev)
        if not materials:
            return self.v("supplement_materials_missing", "补正告知须一次性列明需要补正的全部材料", ev)
        if self.notices and not materials <= self.listed:
            added = "、".join(sorted(materials - self.listed))
            return self.v("supplement_adds_materials",
                          f"需要补正的材料应当一次告知（行政许可法 第三十二条）；此前的补正告知未列明：{added}", ev)
        self.listed |= materials
        self.notices += 1
        self.phase = Phase.AWAITING_SUPPLEMENT
        if self.on_receipt:
            self.accepted_on = None  # the reply clock restarts on the supplement
        return []

    def _on_supplemented(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.phase != Phase.AWAITING_SUPPLEMENT:
            return self.v("supplement_not_requested", "未发出补正告知，不能登记补正材料", ev)
        self.receive(day, StartKind.SUPPLEMENT)
        return []

    def _on_accepted(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.on_receipt:
            return []  # a disclosure request runs from receipt; registering it changes nothing
        if self.phase == Phase.AWAITING_SUPPLEMENT:
            return self.v("supplement_pending", "正在等待申请人补正材料，补正后方可受理", ev)
        if self.acceptance_recorded or self.phase != Phase.HANDLING and self.phase != Phase.ACCEPTANCE:
            return self.v("already_accepted", "办件已受理，不能重复受理", ev)
        self.acceptance_recorded = True
        if self.phase == Phase.ACCEPTANCE:
            self.accepted_on = day
            self.phase = Phase.HANDLING
        # Otherwise the window had passed: the case was accepted by law on the receipt day, and a
        # late acceptance only records it; the clocks keep running from that day (Art. 32).
        return []

    def _on_deemed_accepted(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.on_receipt:
            return self.v("deemed_acceptance_not_applicable", "依申请公开自收到申请之日起计算，不适用视为受理", ev)
        if self.phase == Phase.AWAITING_SUPPLEMENT:
            return self.v("supplement_pending", "正在等待申请人补正材料，不能视为受理", ev)
        if self.phase == Phase.ACCEPTANCE:
            assert self.intake_due is not None
            return self.v("deemed_acceptance_premature",
                          f"受理期限至 {_fmt(self.intake_due)} 届满，届满前不能视为受理", ev)
        if self.acceptance_recorded or not self.deemed:
            return self.v("already_accepted", "办件已受理，不能再视为受理", ev)
        self.acceptance_recorded = True
        return []

    def _on_refused(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.phase == Phase.HANDLING and not self.on_receipt:
            if self.deemed:
                return self.v("refusal_after_deemed_acceptance",
                              "受理期限已届满，办件已视为受理（行政许可法 第三十二条），不能再作出不予受理决定；"
                              "不符合条件的，应当作出不予许可决定", ev)
            return self.v("refusal_after_acceptance", "办件已受理，不能再作出不予受理决定", ev)
        if self.phase in (Phase.ISSUANCE, Phase.DECIDED):
            return self.v("refusal_after_decision", "已作出决定，不能再作出不予受理决定", ev)
        self.stop(day, StopReason.REFUSED)
        return []

    def _check_handling(self, ev: ClockEvent, what: str) -> list[Violation]:
        if self.phase == Phase.AWAITING_SUPPLEMENT:
            return self.v("supplement_pending", f"正在等待申请人补正材料，不能{what}", ev)
        if self.phase == Phase.ACCEPTANCE:
            return self.v("not_accepted", f"办件尚未受理，不能{what}", ev)
        if self.phase in (Phase.ISSUANCE, Phase.DECIDED):
            return self.v("already_decided", f"已作出决定，不能{what}", ev)
        return []

    def _on_special_procedure_started(self, ev: ClockEvent, day: date) -> list[Violation]:
        if problems := self._check_handling(ev, "启动特别程序"):
            return problems
        running = self.open_pause()
        if running is not None:
            return self.v("special_procedure_already_running",
                          f"特别程序（{running.label}）自 {_fmt(running.start)} 开始尚未结束，不能再启动新的特别程序", ev)
        if ev.procedure not in self.limits.pause_kinds:
            allowed = "、".join(PAUSE_LABELS.get(k, k) for k in sorted(self.limits.pause_kinds)) or "无"
            return self.v("special_procedure_kind_invalid",
                          f"“{ev.procedure or ''}”不是可以不计入期限的特别程序（可用：{allowed}）", ev)
        announced = ev.announced_workdays
        if announced is not None and (not isinstance(announced, int) or isinstance(announced, bool) or announced < 1):
            return self.v("special_procedure_announced_invalid", "告知申请人的特别程序所需时间必须是正整数个工作日", ev)
        expected = self.cal.add_workdays(day, announced) if announced else None
        self.pauses.append(Pause(ev.procedure, day, None, announced, expected))
        return []

    def _on_special_procedure_ended(self, ev: ClockEvent, day: date) -> list[Violation]:
        running = self.open_pause()
        if running is None:
            return self.v("special_procedure_not_running", "没有正在进行的特别程序，不能结束特别程序", ev)
        if day < running.start:
            return self.v("special_procedure_end_before_start",
                          f"特别程序的结束日期（{_fmt(day)}）早于开始日期（{_fmt(running.start)}）", ev)
        if ev.procedure is not None and ev.procedure != running.procedure:
            return self.v("special_procedure_kind_mismatch",
                          f"正在进行的特别程序是“{running.label}”，不是“{PAUSE_LABELS.get(ev.procedure, ev.procedure)}”", ev)
        self.pauses[-1] = _ended(running, day)
        return []

    def _on_extension_granted(self, ev: ClockEvent, day: date) -> list[Violation]:
        if problems := self._check_handling(ev, "延期"):
            return problems
        law = "政府信息公开条例 第三十三条" if self.disclosure else "行政许可法 第四十二条"
        if self.extension:
            assert self.extension_on is not None
            return self.v("extension_twice",
                          f"每个办件只能延期一次，本件已于 {_fmt(self.extension_on)} 延期 {self.extension} 个工作日（{law}）", ev)
        k = ev.workdays
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            return self.v("extension_workdays_invalid", "延期天数必须是正整数个工作日", ev)
        cap = self.limits.max_extension
        if k > cap:
            return self.v("extension_beyond_cap", f"延期不得超过 {cap} 个工作日（{law}），申请延期 {k} 个工作日", ev)
        roles = self.limits.approver_roles
        if roles and ev.approver_role not in roles:
            return self.v("extension_approver_invalid", "延期须经有审批权限的负责人（如首席代表）批准", ev)
        due = self.statutory_due()
        if due is not None and day > due:
            return self.v("extension_after_statutory_due", f"法定期限已于 {_fmt(due)} 届满，不能再延期（{law}）", ev)
        self.extension = k
        self.extension_on = day
        return []

    def _on_decided(self, ev: ClockEvent, day: date) -> list[Violation]:
        if problems := self._check_handling(ev, "作出决定"):
            return problems
        if not ev.outcome:
            return self.v("decision_outcome_missing", "决定必须写明结果（准予或不予）", ev)
        running = self.open_pause()
        if running is not None:
            # Deciding ends the special procedure that led to the decision.
            self.pauses[-1] = _ended(running, day)
        self.decided_on = day
        self.outcome = ev.outcome
        self.phase = Phase.ISSUANCE if ev.outcome == GRANT and self.limits.issuance_workdays is not None \
            else Phase.DECIDED
        return []

    def _on_certificate_issued(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.outcome != GRANT:
            return self.v("certificate_without_grant", "未作出准予许可决定，不能制发证件", ev)
        if self.certificate_issued_on is not None:
            return self.v("certificate_already_issued", "证件已制发", ev)
        self.certificate_issued_on = day
        self.phase = Phase.DECIDED
        return []

    def _on_delivered(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.decided_on is None:
            return self.v("delivery_before_decision", "尚未作出决定，无可送达的结果", ev)
        if self.delivered_on is None:
            self.delivered_on = day
        return []

    def _on_concluded(self, ev: ClockEvent, day: date) -> list[Violation]:
        if self.phase == Phase.AWAITING_SUPPLEMENT:
            return self.v("supplement_pending", "正在等待申请人补正材料，不能办结", ev)
        if self.phase == Phase.ACCEPTANCE:
            # 即办件: accepted and concluded on the spot, one event for both.
            self.accepted_on = day
            self.acceptance_recorded = True
        self.stop(day, StopReason.CONCLUDED)
        return []

    def _on_withdrawn(self, ev: ClockEvent, day: date) -> list[Violation]:
        self.stop(day, StopReason.WITHDRAWN)
        return []


_HANDLERS = {str(kind): getattr(_Replay, f"_on_{kind}") for kind in EventKind}


def _ended(p: Pause, day: date) -> Pause:
    return Pause(p.procedure, p.start, day, p.announced_workdays, p.expected_end)


def _as_of_key(as_of: date | datetime) -> tuple[date, time]:
    if isinstance(as_of, datetime):
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            raise ValueError("as_of 必须带时区（aware datetime）")
        return _local_key(as_of)
    return as_of, time.max


def _replay(events: Iterable[ClockEvent], limits: ClockLimits, calendar: CalendarSnapshot,
            until: tuple[date, time] | None) -> tuple[_Replay, list[Violation]]:
    r = _Replay(limits, calendar)
    violations: list[Violation] = []
    ordered = normalize(events)
    for i, ev in enumerate(ordered):
        key = (ev._day, ev._tod)
        if until is not None and key > until:
            break
        found = r.apply(ev)
        if found and found[0].code == "clock.special_procedure_not_running" and any(
                later.kind == EventKind.SPECIAL_PROCEDURE_STARTED for later in ordered[i + 1:]):
            # The end is dated before the start it belongs to: say so rather than "not running".
            found = [Violation("clock.special_procedure_end_before_start",
                               f"特别程序的结束日期（{_fmt(ev.day)}）早于其开始日期", ev)]
        violations.extend(found)
        r.last_key = key
    return r, violations


# -- public entry points -----------------------------------------------------------------------------


def clock(events: Iterable[ClockEvent], limits: ClockLimits, calendar: CalendarSnapshot,
          as_of: datetime | date) -> ClockState:
    """The case's clock as of ``as_of`` (DESIGN.md §4 rules 1–10).

    Only events at or before ``as_of`` count (a date-only event counts on its whole day; a date
    passed as ``as_of`` means the end of that day). The function never raises on a bad history:
    an event that breaks a rule is listed in ``violations`` and has no effect on the clock. It
    raises :class:`~onewindow.workdays.arithmetic.CalendarRangeError` when a date falls outside the
    snapshot.
    """
    until = _as_of_key(as_of)
    today = until[0]
    as_of_moment = as_of if isinstance(as_of, datetime) else deadline_moment(as_of)
    r, violations = _replay(events, limits, calendar, until)
    r.advance(today)
    return _state(r, today, as_of_moment, tuple(violations))


def check_transition(events: Iterable[ClockEvent], new_event: ClockEvent, limits: ClockLimits,
                     calendar: CalendarSnapshot) -> list[Violation]:
    """What appending ``new_event`` to the history ``events`` would break; empty when allowed.

    The same rules as :func:`clock` (so a live action, an import and a replay agree), plus one: a
    new event may not be dated before the latest event already recorded.
    """
    r, _ = _replay(events, limits, calendar, None)
    key = (new_event._day, new_event._tod)
    # A date-only event has no time of day: compare it by day alone.
    late = key[0] < r.last_key[0] if r.last_key is not None and not isinstance(new_event.at, datetime) \
        else r.last_key is not None and key < r.last_key
    if late:
        assert r.last_key is not None
        return [Violation("clock.event_out_of_order",
                          f"事件时间（{_fmt(new_event.day)}）早于办件最近一次事件的时间（{_fmt(r.last_key[0])}）",
                          new_event)]
    return r.apply(new_event)


def deemed_acceptance_due(events: Iterable[ClockEvent], limits: ClockLimits, calendar: CalendarSnapshot,
                          as_of: datetime | date) -> date | None:
    """The day the case is deemed accepted on, if the sweep should append ``deemed_accepted`` now.

    That is the receipt day R (or the latest supplement day) once the acceptance window passed
    without a decision or a pending supplement request, and no acceptance is recorded yet
    (行政许可法 第三十二条). None otherwise.
    """
    state = clock(events, limits, calendar, as_of)
    return state.accepted_on if state.deemed_acceptance_pending else None


def _state(r: _Replay, today: date, as_of: datetime, violations: tuple[Violation, ...]) -> ClockState:
    limits, cal = r.limits, r.cal
    acceptance_due = None
    supplement_request_due = r.intake_due if r.received_on is not None else None
    if not r.on_receipt:
        acceptance_due = supplement_request_due
    lo = hi = r.received_on  # the span of days the result depends on (rule 10)
    if supplement_request_due is not None:
        hi = supplement_request_due

    stat_n = r.statutory_n()
    prom_n = r.promised_n()
    spans = r.pause_spans()
    stat_due = prom_due = None
    stat_counted = prom_counted = 0
    start = r.accepted_on
    start_kind = None
    running = r.phase == Phase.HANDLING
    if start is not None:
        start_kind = (StartKind.DEEMED_ACCEPTANCE if r.deemed else
                      r.received_kind if r.on_receipt else StartKind.ACCEPTANCE)
        stat_due, stat_counted = due_with_pauses(cal, start, stat_n, spans)
        prom_due, prom_counted = due_with_pauses(cal, start, prom_n, spans)
        lo = start if lo is None else min(lo, start)
        for due in (stat_due, prom_due, today if running else None):
            if due is not None:
                hi = due if hi is None else max(hi, due)

    # The day the handling clock was answered: the decision (Art. 42 times the decision), or the
    # conclusion of a case that ends without one (an instant item done on the spot).
    finished_on = r.decided_on
    if finished_on is None and r.stop_reason == StopReason.CONCLUDED:
        finished_on = r.concluded_on

    yellow_from = red_from = breach_from = None
    if prom_due is not None and start is not None:
        threshold = limits.yellow_threshold(prom_n)
        if prom_n <= threshold:
            yellow_from = start
        else:
            yellow_from = due_with_pauses(cal, start, prom_n - threshold, spans)[0]
        red_from = prom_due + _ONE_DAY
    if stat_due is not None:
        breach_from = stat_due + _ONE_DAY

    paused = running and r.open_pause() is not None

    remaining = stat_remaining = None
    if running and start is not None:
        remaining = (counted_between(cal, today, prom_due, spans) if prom_due is not None else prom_n - prom_counted)
        stat_remaining = (counted_between(cal, today, stat_due, spans) if stat_due is not None
                          else stat_n - stat_counted)

    timeliness = None
    level = WarningLevel.NORMAL
    if finished_on is not None and start is not None:
        if prom_due is not None:
            timeliness = (Timeliness.EARLY if finished_on < prom_due else
                          Timeliness.ON_TIME if finished_on == prom_due else Timeliness.OVERDUE)
        if stat_due is not None and finished_on > stat_due:
            level = WarningLevel.STATUTORY_BREACH
        elif prom_due is not None and finished_on > prom_due:
            level = WarningLevel.RED
    elif running:
        if stat_due is not None and today > stat_due:
            level = WarningLevel.STATUTORY_BREACH
        elif prom_due is not None and today > prom_due:
            level = WarningLevel.RED
        elif yellow_from is not None and today >= yellow_from:
            level = WarningLevel.YELLOW

    certificate_due = None
    issuance_overdue = False
    if r.outcome == GRANT and r.decided_on is not None and limits.issuance_workdays is not None:
        certificate_due = cal.add_workdays(r.decided_on, limits.issuance_workdays) \
            if limits.issuance_workdays else r.decided_on
        hi = certificate_due if hi is None else max(hi, certificate_due)
        issued = r.certificate_issued_on
        issuance_overdue = issued > certificate_due if issued is not None else (
            today > certificate_due and r.stop_reason is None)

    provisional = lo is not None and hi is not None and cal.is_provisional(lo, hi)

    return ClockState(
        as_of=as_of, today=today, phase=r.phase, stop_reason=r.stop_reason, received_on=r.received_on,
        acceptance_due=acceptance_due, supplement_request_due=supplement_request_due, accepted_on=start,
        deemed_accepted=r.deemed,
        deemed_acceptance_pending=r.deemed and not r.acceptance_recorded and r.phase == Phase.HANDLING,
        statutory_workdays=stat_n, promised_workdays=prom_n, extension_workdays=r.extension,
        extension_granted_on=r.extension_on, statutory_due=stat_due, promised_due=prom_due,
        yellow_from=yellow_from, red_from=red_from, statutory_breach_from=breach_from,
        pauses=tuple(r.pauses), paused=paused, remaining_workdays=remaining,
        statutory_remaining_workdays=stat_remaining, decided_on=r.decided_on, outcome=r.outcome,
        certificate_due=certificate_due, certificate_issued_on=r.certificate_issued_on,
        delivered_on=r.delivered_on, issuance_overdue=issuance_overdue, finished_on=finished_on,
        timeliness=timeliness, warning_level=level, provisional=provisional,
        calendar_version=cal.version, violations=violations, received_kind=r.received_kind,
        start_kind=start_kind, intake_workdays=limits.intake_workdays, issuance_workdays=limits.issuance_workdays,
        handling_starts_on_receipt=r.on_receipt,
    )
