"""Disclosure requests (依申请公开) on the same clock as cases, with the limits of their regulation.

政府信息公开条例 (2019):

- 第三十一条: the request is received on the submission date (in person), the day the registered
  mail is signed for, or the day an online request is confirmed — the caller turns that into the
  ``submitted`` event's date;
- 第三十条: an unclear request gets one supplement request within 7 working days of receipt, and
  the reply period restarts on the day the supplement arrives (a second request may only repeat
  what the first asked for);
- 第三十二条: time spent consulting a third party (15 working days for its answer) is not counted
  — recorded as ``special_procedure_started`` / ``_ended`` with procedure
  ``third_party_consultation``, and paused exactly like an Art. 45 procedure;
- 第三十三条: reply within 20 working days of receipt, extendable once by at most 20 with the
  consent of the head of the disclosure office;
- 第四十二条 with 国办函〔2020〕109号: where a processing fee is charged, the time from the fee notice
  to the payment (the applicant has 20 working days) is not counted either — procedure
  ``fee_payment``, paused like the consultation.

There is no acceptance decision and no deemed acceptance: the reply clock runs from receipt.
Events and results are the same :class:`~onewindow.workdays.clock.ClockEvent` and
:class:`~onewindow.workdays.clock.ClockState`; ``statutory_due`` is the reply due date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from fractions import Fraction

from onewindow.catalog.rules import HandlingType

from .arithmetic import CalendarSnapshot
from .clock import (
    DEFAULT_YELLOW_SHARE,
    FEE_PAYMENT,
    THIRD_PARTY_CONSULTATION,
    ClockEvent,
    ClockLimits,
    ClockState,
    Regime,
    clock,
)

REPLY_WORKDAYS = 20  # 第三十三条第二款
REPLY_EXTENSION_CAP = 20  # 第三十三条第二款
SUPPLEMENT_REQUEST_WORKDAYS = 7  # 第三十条
THIRD_PARTY_WORKDAYS = 15  # 第三十二条: the time the third party has to answer
FEE_PAYMENT_WORKDAYS = 20  # 国办函〔2020〕109号: the applicant pays within 20 working days of the notice


def disclosure_limits(*, promised: int = REPLY_WORKDAYS, yellow_share: Fraction | float | str = DEFAULT_YELLOW_SHARE,
                      approver_roles: Iterable[str] = ()) -> ClockLimits:
    """The limits of a disclosure request; ``promised`` may be shorter than the 20 working days."""
    return ClockLimits(
        statutory=REPLY_WORKDAYS, promised=promised, handling=HandlingType.COMMITTED,
        yellow_share=yellow_share, intake_workdays=SUPPLEMENT_REQUEST_WORKDAYS,
        handling_starts_on_receipt=True, extension_cap=REPLY_EXTENSION_CAP, issuance_workdays=None,
        pause_kinds=frozenset({THIRD_PARTY_CONSULTATION, FEE_PAYMENT}), approver_roles=frozenset(approver_roles),
        regime=Regime.DISCLOSURE,
    )


DISCLOSURE_LIMITS = disclosure_limits()


def disclosure_clock(events: Iterable[ClockEvent], calendar: CalendarSnapshot, as_of: datetime | date,
                     limits: ClockLimits = DISCLOSURE_LIMITS) -> ClockState:
    """The clock of a disclosure request: :func:`~onewindow.workdays.clock.clock` with its limits."""
    return clock(events, limits, calendar, as_of)
