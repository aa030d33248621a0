"""The one reading of a case's warning level that every page, list and chart shows (issue 12
item 3): the level of the clocks that still run, from the due dates stored on the row — the same
dates the supervision sweep reads from the case's deadline rows.

- 审查中 / 特别程序中: statutory breach once the statutory due date has passed, red once the
  promised due date has passed, yellow from the yellow line (DESIGN.md §4 rule 9);
- 准予许可待制证: red once the certificate's due date has passed (Art. 44);
- anything else: no clock runs, so no warning (a finished case says on its page whether it
  finished on time; a case awaiting its acceptance decision is deemed accepted at its due date).
"""

from __future__ import annotations

from datetime import date

from onewindow.workdays.clock import WarningLevel

from .models import Case
from .states import Status

_HANDLING = frozenset({Status.IN_REVIEW, Status.SPECIAL_PROCEDURE})


def live_level(case: Case, today: date) -> WarningLevel:
    """The warning level of ``case`` on ``today``."""
    status = Status(case.status)
    if status in _HANDLING:
        if case.statutory_due is not None and today > case.statutory_due:
            return WarningLevel.STATUTORY_BREACH
        if case.promised_due is not None and today > case.promised_due:
            return WarningLevel.RED
        if case.yellow_from is not None and case.yellow_from <= today:
            return WarningLevel.YELLOW
    elif status == Status.GRANTED and case.issuance_due is not None and today > case.issuance_due:
        return WarningLevel.RED
    return WarningLevel.NORMAL
