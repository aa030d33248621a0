"""Which due dates a case shows, and how: the ones still running, and for a closed (or decided)
case the dates as they ended. Pure: no Django.

A date that no longer runs is not a deadline any more: an instant case done on the spot has no
certificate due, a refused case no acceptance due. The staff case page and the applicant's
progress page both ask :func:`shown_dues`, so they never disagree on what still runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from onewindow.workdays.clock import ClockState, Phase, StopReason, Timeliness

# In the order a case meets them; each is an attribute of ClockState.
DUE_NAMES = ("acceptance_due", "supplement_request_due", "promised_due", "statutory_due", "certificate_due")
_ACCEPTANCE = ("acceptance_due", "supplement_request_due")
_HANDLING = ("promised_due", "statutory_due")

# How a date ended, in the words of the applicant's notices (``%(day)s`` is the day it ended).
ENDED_TEXT = {
    "refused": "已于%(day)s作出不予受理决定",
    "withdrawn": "申请已于%(day)s撤回",
    "decided": "已于%(day)s作出决定",
    "on_the_spot": "已于%(day)s当场办结",
    "delivered": "已于%(day)s送达",
}
TIMELINESS_TEXT = {Timeliness.EARLY: "提前办结", Timeliness.ON_TIME: "按时办结", Timeliness.OVERDUE: "超期办结"}


@dataclass(frozen=True)
class ShownDue:
    """One due date as a case page shows it: running, or ended (``ended_by`` says how)."""

    name: str
    day: date
    ended_by: str = ""  # a key of ENDED_TEXT; empty while the date still runs
    ended_on: date | None = None
    timeliness: Timeliness | None = None  # for the promised date of a decided case

    @property
    def running(self) -> bool:
        return not self.ended_by


def _pick(state: ClockState, names: tuple[str, ...]) -> list[tuple[str, date]]:
    return [(name, day) for name in names if (day := getattr(state, name, None)) is not None]


def shown_dues(state: ClockState, *, instant: bool, closed_on: date | None = None) -> list[ShownDue]:
    """The due dates to show for a case whose clock is ``state``.

    ``instant``: the item is an instant one (即办件); ``closed_on``: the day a refused or withdrawn
    case ended (the clock keeps only the conclusion's day). Running dates come first, then the
    ones that ended, each with how and when.
    """
    phase = state.phase
    if phase == Phase.ACCEPTANCE:
        return [ShownDue(name, day) for name, day in _pick(state, _ACCEPTANCE)]
    if phase == Phase.HANDLING:
        return [ShownDue(name, day) for name, day in _pick(state, _HANDLING)]
    if phase in (Phase.NOT_SUBMITTED, Phase.AWAITING_SUPPLEMENT):
        # The supplement notice stops the acceptance clock; it starts anew with the supplement.
        return []
    decided_on = state.decided_on or state.finished_on
    if phase in (Phase.ISSUANCE, Phase.DECIDED):
        running = [ShownDue(name, day) for name, day in _pick(state, ("certificate_due",))]
        return running + _decided(state, decided_on)
    # Stopped: concluded, refused or withdrawn.
    if state.stop_reason == StopReason.REFUSED:
        return [ShownDue(name, day, "refused", closed_on) for name, day in _pick(state, ("acceptance_due",))]
    if state.stop_reason == StopReason.WITHDRAWN:
        names = ("acceptance_due",) if state.accepted_on is None else _HANDLING
        return [ShownDue(name, day, "withdrawn", closed_on) for name, day in _pick(state, names)]
    if instant:
        # Done on the spot: what was promised (the same day) and when it was done; no certificate
        # is still to come, and the statutory limit never came into play.
        return [ShownDue(name, day, "on_the_spot", state.finished_on, state.timeliness)
                for name, day in _pick(state, ("promised_due",))]
    ended = _decided(state, decided_on)
    if state.certificate_due is not None and state.delivered_on is not None:
        ended.append(ShownDue("certificate_due", state.certificate_due, "delivered", state.delivered_on))
    return ended


def _decided(state: ClockState, decided_on: date | None) -> list[ShownDue]:
    return [ShownDue(name, day, "decided", decided_on, state.timeliness if name == "promised_due" else None)
            for name, day in _pick(state, _HANDLING)]


def ended_text(due: ShownDue, day_text: str) -> str:
    """``已于2026年12月3日作出决定（按时办结）``: how a date ended, the day written by the caller."""
    text = ENDED_TEXT[due.ended_by] % {"day": day_text}
    if due.timeliness is not None:
        text += f"（{TIMELINESS_TEXT[due.timeliness]}）"
    return text
