"""The crossing flows' county: the cases' ``hall`` plus a joint item (联办件) of two departments,
the co-handling department's reviewer, and the heads of the two counties' governments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from onewindow.cases import services as case_services
from onewindow.cases.models import Case
from onewindow.cases.rules import MaterialCheck
from onewindow.catalog.models import Material, ServiceItem, ServiceItemVersion, Stage
from onewindow.core.timesource import now
from onewindow.organization.models import Department, Staff
from onewindow.organization.rules import Role
from tests.cases.helpers import Hall, at, hall_staff


@dataclass
class Joint:
    hall: Hall
    item: ServiceItem
    co_dept: Department  # 云溪县住建局, the co-handler
    co_reviewer: Staff
    head: Staff  # 云溪县人民政府负责人
    other_head: Staff  # 邻水县人民政府负责人


def build_joint(hall: Hall) -> Joint:
    """A joint item of the hall's county: 受理 (clerk), then 工商 and 住建 review in parallel, then
    the decision; statutory limit 45 working days (行政许可法 第四十二条第二款)."""
    co_dept = Department.objects.create(region=hall.county, code="ZJJ", name="云溪县住建局")
    item = ServiceItem.objects.create(region=hall.county, department=hall.dept,
                                      implementation_code="990121GSJ0000000009", basic_code="990121GSJ000")
    v = ServiceItemVersion.objects.create(
        item=item, version=1, name="联办测试事项", item_type="licensing", implementing_body=hall.dept.name,
        legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="符合条件", statutory_limit=45,
        promised_limit=30, handling_type="committed", result_type="certificate", result_name="许可证",
        is_joint=True)
    Material.objects.create(version=v, order=1, name="申请书", required=True)
    stages = [("受理", hall.dept.code, "clerk", 0, None), ("工商审查", hall.dept.code, "reviewer", 5, 1),
              ("住建会审", "ZJJ", "reviewer", 5, 1), ("决定", hall.dept.code, "chief_representative", 1, None)]
    for order, (name, code, role, budget, group) in enumerate(stages, start=1):
        Stage.objects.create(version=v, order=order, name=name, department_code=code, role=role,
                             budget_workdays=budget, parallel_group=group)
    item.current_version = v
    item.save()
    return Joint(hall=hall, item=item, co_dept=co_dept,
                 co_reviewer=hall_staff("co_reviewer", hall.county, co_dept, Role.REVIEWER),
                 head=hall_staff("xianzhang", hall.county, None, Role.GOVERNMENT_HEAD),
                 other_head=hall_staff("linshui_head", hall.other_county, None, Role.GOVERNMENT_HEAD))


def joint_case(joint: Joint, *, recent: bool = False) -> Case:
    """Submitted Mon 2026-09-28 and accepted Tue 2026-09-29: both parallel stages open. ``recent``:
    submitted and accepted minutes ago instead (for the API and pages, which act at the present)."""
    hall = joint.hall
    submitted, accepted = at(2026, 9, 28), at(2026, 9, 29)
    if recent:
        submitted, accepted = now() - timedelta(minutes=2), now() - timedelta(minutes=1)
    case = case_services.case_submit(
        actor=hall.clerk, item_code=joint.item.implementation_code, applicant=hall.applicant(),
        materials=[MaterialCheck("申请书", "received")], window_number="01", at=submitted)
    return case_services.case_accept(case_id=case.id, actor=hall.clerk, at=accepted)
