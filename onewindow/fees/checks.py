"""The fees app's e-supervision check, run by every sweep through the kernel's check registry:
each refused attempt to bill a fee off the item's schedule is a "目录外收费" finding against the
department (LEGAL-RULES §4: fees off the schedule are an e-supervision trigger).

This module reads the supervision app's pure rules (its ``Finding`` and rule codes); supervision
never imports fees.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from onewindow.lifecycle.registry import Check, register_check
from onewindow.supervision.rules import Code, Finding

from .models import OffScheduleAttempt

# A fact is found once (the warning's identity is the attempt); older attempts are not rescanned.
LOOKBACK = timedelta(days=31)


def off_schedule(run: Any) -> None:
    attempts = (OffScheduleAttempt.objects.filter(attempted_at__gte=run.now - LOOKBACK)
                .select_related("region", "department", "case").order_by("id"))
    for a in attempts:
        where = f"办件 {a.case.number} " if a.case_id else ""
        run.found(Finding(rule=Code.FEES_OFF_SCHEDULE, subject=f"fee-attempt:{a.pk}", region_id=a.region_id,
                          department_id=a.department_id, case_id=a.case_id, staff_id=a.actor_id,
                          message=f"{a.department.name}{where}试图收取目录外费用“{a.fee_name}”（{a.source}），已拒绝",
                          details={"fee": a.fee_name, "source": a.source}), a.region.code)


def register() -> None:
    register_check(Check(name="fees.off_schedule", run=off_schedule))
