"""The hall's county with a joint item (tests/crossing), an investor company with joint cases, and
the people of a major project: the center administrator, the proxy (a clerk of the center), the
chief representatives of the two responsible departments, a supervisor and an outsider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.organization.models import Staff
from onewindow.organization.rules import Power, Role
from onewindow.projects import services as s
from onewindow.projects.models import Project
from tests.cases.helpers import Hall, at, hall_staff
from tests.crossing.helpers import Joint, build_joint

__all__ = ["COMPANY", "COMPANY_CODE", "World", "at", "build_world", "company_case", "project"]

COMPANY = "云溪县光华新能源科技有限公司"
COMPANY_CODE = "91990121MA0000010U"


@dataclass
class World:
    hall: Hall
    joint: Joint
    admin: Staff
    proxy: Staff  # a clerk of the center, the project's 全程代办员
    supervisor: Staff
    zjj_chief: Staff  # chief representative of 住建局 (the second line's department)
    other_admin: Staff  # 邻水县


def build_world(hall: Hall) -> World:
    joint = build_joint(hall)
    return World(
        hall=hall, joint=joint,
        admin=hall_staff("xm_admin", hall.county, None, Role.CENTER_ADMIN),
        proxy=hall_staff("xm_proxy", hall.county, None, Role.CLERK),
        supervisor=hall_staff("xm_supervisor", hall.county, None, Role.SUPERVISOR),
        zjj_chief=hall_staff("xm_zjj_chief", hall.county, joint.co_dept, Role.CHIEF_REPRESENTATIVE,
                             power=Power.DECIDE),
        other_admin=hall_staff("xm_other", hall.other_county, None, Role.CENTER_ADMIN))


def company_case(w: World, *, name: str = COMPANY, joint: bool = True, when: datetime | None = None) -> Case:
    """A case of the investor accepted at window 01: of the joint item, or (``joint=False``) of the
    committed single-department item."""
    hall = w.hall
    item = w.joint.item if joint else hall.item
    materials = [MaterialCheck("申请书", "received")] if joint else hall.checklist()
    applicant = Applicant(kind="company", name=name, id_type="uscc", id_number=COMPANY_CODE, phone="13800000000",
                          legal_representative="李四")
    when = when or at(2026, 10, 12)
    case = case_services.case_submit(actor=hall.clerk, item_code=item.implementation_code, applicant=applicant,
                                     materials=materials, window_number="01", at=when)
    return case_services.case_accept(case_id=case.id, actor=hall.clerk, at=when)


def project(w: World, *, when: datetime | None = None, planned: date = date(2026, 11, 20)) -> Project:
    """光华新能源 项目 (县重点), proxy ``xm_proxy``: 用地预审 by 工商局 (the hall's department) and
    施工许可 by 住建局."""
    return s.project_create(
        actor=w.admin, region_id=w.hall.county.pk, name="光华新能源电池材料项目", investor=COMPANY,
        investment="52000", level="county", proxy_id=w.proxy.pk, starts_on=date(2026, 10, 1),
        due_on=date(2026, 12, 31), lines=[
            s.LineInput("建设项目用地预审与选址意见书", w.hall.dept.pk, planned),
            s.LineInput("建筑工程施工许可", w.joint.co_dept.pk, date(2026, 12, 20))],
        note="年产 2 万吨电池材料", at=when or at(2026, 10, 12))
