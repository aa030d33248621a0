"""Demo of 决定前公示: 云溪县's 最低生活保障审批 asks for 7 calendar days of publicity before its
decision (《最低生活保障审核确认办法》第十九条), and one 低保 case waits in its publicity period —
accepted three days ago, reviewed, its publication out two days ago (the clock paused).

Idempotent: the item's setting is left as found once set; the case is made once.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction

from onewindow.cases import services as cs
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.catalog.models import ServiceItem
from onewindow.core.timesource import local_date
from onewindow.core.timesource import now as current_time
from onewindow.demo.cases import fictional_id_number
from onewindow.organization.models import Staff

from .models import Publication

COUNTY = "990121000000"
ITEM_NAME = "最低生活保障审批"
BASIS = "《最低生活保障审核确认办法》第十九条"
DAYS = 7


def load_demo(*, today: date | None = None) -> str:
    """Configure the item and put one case in its publicity period (once)."""
    today = today or local_date()
    item = ServiceItem.objects.filter(region__code=COUNTY, current_version__name=ITEM_NAME).first()
    staff = {s.user.username: s for s in Staff.objects.filter(user__username__in=["clerk", "mzj.reviewer", "mzj.chief"])
             .select_related("user")}
    if item is None or len(staff) < 3:
        return "决定前公示：缺少演示事项或工作人员，未载入"
    with transaction.atomic():
        if not item.publicity_days:
            item.publicity_days, item.publicity_calendar_days, item.publicity_basis = DAYS, True, BASIS
            item.save(update_fields=["publicity_days", "publicity_calendar_days", "publicity_basis"])
        if Publication.objects.filter(case__item=item).exists():
            return "决定前公示：演示办件已在公示中，未重复载入"
        now = current_time()
        start = now - timedelta(days=3)
        rng = random.Random(19)  # the same fictional family on every install
        applicant = Applicant(kind="person", name="韦桂兰", id_type="resident_id",
                              id_number=fictional_id_number(rng, born=date(1968, 4, 12), male=False),
                              phone="13907770000")
        names = item.current_version.materials.values_list("name", flat=True)
        case = cs.case_submit(actor=staff["clerk"], item_code=item.implementation_code, applicant=applicant,
                              materials=[MaterialCheck(n, "received") for n in names], window_number="01", at=start)
        case = cs.case_accept(case_id=case.id, actor=staff["clerk"], at=start + timedelta(minutes=30))
        case = cs.case_complete_stage(case_id=case.id, actor=staff["mzj.reviewer"], stage_order=2,
                                      opinion="经入户调查和家庭经济状况核对，人均收入低于当地保障标准，拟予纳入",
                                      at=now - timedelta(days=2))
        case = cs.case_start_publicity(case_id=case.id, actor=staff["mzj.chief"],
                                       at=now - timedelta(days=2) + timedelta(hours=1))
    return f"决定前公示：{ITEM_NAME}公示期{DAYS}日，办件 {case.number} 公示中"
