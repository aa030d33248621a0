"""The cases' county (``hall``) and the case histories the tests build on it.

Plain functions and constants, shared by the tests of cases, supervision, documents, the online
service and the web pages; the ``hall`` fixture itself is in tests/conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model

from onewindow.cases import services as case_services
from onewindow.cases.models import Case, CaseEvent
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.catalog.models import Material, ServiceItem, ServiceItemVersion, Stage
from onewindow.core.timesource import SHANGHAI
from onewindow.organization.models import Authorization, Department, Posting, Region, Staff, Window
from onewindow.organization.rules import Power, Role

VALID_ID = "11010519491231002X"  # a GB 11643 example number with a valid check character


def at(y: int, m: int, d: int, hh: int = 10) -> datetime:
    """A moment in Asia/Shanghai."""
    return datetime(y, m, d, hh, 0, tzinfo=SHANGHAI)


@dataclass
class Hall:
    county: Region
    other_county: Region
    dept: Department
    window: Window
    item: ServiceItem
    instant_item: ServiceItem
    clerk: Staff
    reviewer: Staff
    reviewer2: Staff
    chief: Staff
    outsider: Staff  # a clerk of the other county

    def applicant(self) -> Applicant:
        return Applicant(kind="person", name="张三", id_type="resident_id", id_number=VALID_ID, phone="13800000000")

    def checklist(self, *, missing: tuple[str, ...] = (), item: ServiceItem | None = None) -> list[MaterialCheck]:
        """The intake checklist of ``item`` (default: the committed item), every material received
        but those ``missing``."""
        names = (item or self.item).current_version.materials.values_list("name", flat=True)
        return [MaterialCheck(n, "missing" if n in missing else "received") for n in names]


def hall_staff(username: str, region: Region, dept: Department | None, role: Role, *, window: Window | None = None,
           power: Power | None = None, power_dept: Department | None = None) -> Staff:
    user = get_user_model().objects.create_user(username=username, password="x-unused-Password1")
    staff = Staff.objects.create(user=user, name=username, employee_number=username, region=region, department=dept)
    Posting.objects.create(staff=staff, role=role, region=region, department=dept, window=window)
    if power is not None:
        Authorization.objects.create(staff=staff, power=power, department=power_dept or dept,
                                     valid_from=date(2020, 1, 1))
    return staff


def hall_item(region: Region, dept: Department, code: str, *, handling: str, promised: int, stages: list[dict]) -> ServiceItem:
    item = ServiceItem.objects.create(region=region, department=dept, implementation_code=code, basic_code=code[:12])
    v = ServiceItemVersion.objects.create(
        item=item, version=1, name=f"测试事项{code[-2:]}", item_type="licensing", implementing_body=dept.name,
        legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="符合条件", statutory_limit=20,
        promised_limit=promised, handling_type=handling, result_type="certificate", result_name="许可证",
        special_procedures=["expert_review", "hearing"],
    )
    for i, name in enumerate(["申请书", "营业执照副本", "场所证明"], start=1):
        Material.objects.create(version=v, order=i, name=name, required=i < 3)
    for i, s in enumerate(stages, start=1):
        Stage.objects.create(version=v, order=i, department_code=dept.code, **s)
    item.current_version = v
    item.save()
    return item


def build_hall() -> Hall:
    """云溪县 with a window, one committed item (review, two-signature verification, decision) and
    one instant item, the staff who handle them, and a clerk of the neighbouring 邻水县."""
    province = Region.objects.create(code="990000000000", name="演示省", level=1)
    city = Region.objects.create(code="990100000000", name="演示市", level=2, parent=province)
    county = Region.objects.create(code="990121000000", name="云溪县", level=3, parent=city, has_center=True)
    other = Region.objects.create(code="990122000000", name="邻水县", level=3, parent=city, has_center=True)
    dept = Department.objects.create(region=county, code="GSJ", name="云溪县工商局")
    other_dept = Department.objects.create(region=other, code="GSJ", name="邻水县工商局")
    window = Window.objects.create(region=county, number="01", name="综合窗口", kind="general")
    window.departments.add(dept)
    stages = [
        {"name": "受理", "role": "clerk", "budget_workdays": 0},
        {"name": "审查", "role": "reviewer", "budget_workdays": 3},
        {"name": "现场核查", "role": "reviewer", "budget_workdays": 2, "requires_two_signatures": True},
        {"name": "决定", "role": "chief_representative", "budget_workdays": 1},
    ]
    item = hall_item(county, dept, "990121GSJ0000000001", handling="committed", promised=10, stages=stages)
    instant = hall_item(county, dept, "990121GSJ0000000002", handling="instant", promised=0,
                    stages=[{"name": "即办", "role": "clerk", "budget_workdays": 0}])
    return Hall(
        county=county, other_county=other, dept=dept, window=window, item=item, instant_item=instant,
        clerk=hall_staff("clerk", county, None, Role.CLERK, window=window, power=Power.ACCEPT, power_dept=dept),
        reviewer=hall_staff("reviewer", county, dept, Role.REVIEWER),
        reviewer2=hall_staff("reviewer2", county, dept, Role.REVIEWER),
        chief=hall_staff("chief", county, dept, Role.CHIEF_REPRESENTATIVE, power=Power.DECIDE),
        outsider=hall_staff("outsider", other, other_dept, Role.CLERK, power=Power.ACCEPT),
    )


def submit(hall: Hall, when: datetime | None = None, *, window: str = "01", **kw) -> Case:
    """A case of the committed item, handed in at window 01 on Mon 2026-09-28; ``missing=(…)``
    names materials not received."""
    return case_services.case_submit(
        actor=hall.clerk, item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(**kw), window_number=window, at=when or at(2026, 9, 28))


def accepted_case(hall: Hall, *, submitted: datetime | None = None, accepted: datetime | None = None,
                  window: str = "01") -> Case:
    """Submitted Mon 2026-09-28, accepted Tue 2026-09-29 (promised due 2026-10-19, yellow from
    2026-10-16, statutory due 2026-11-02 on the 2026 calendar)."""
    case = submit(hall, submitted, window=window)
    return case_services.case_accept(case_id=case.id, actor=hall.clerk, at=accepted or at(2026, 9, 29))


def review_all(hall: Hall, case: Case, when: datetime) -> Case:
    """Complete every review stage (the verification stage with two signatures)."""
    for order, who in [(2, hall.reviewer), (3, hall.reviewer), (3, hall.reviewer2)]:
        case = case_services.case_complete_stage(case_id=case.id, actor=who, stage_order=order, opinion="同意",
                                                 at=when)
    return case


def granted_case(hall: Hall) -> Case:
    """Accepted 2026-09-29, reviewed 2026-09-30, granted 2026-10-09."""
    case = review_all(hall, accepted_case(hall), at(2026, 9, 30))
    return case_services.case_decide(case_id=case.id, actor=hall.chief, grant=True, reasons="符合法定条件",
                                     at=at(2026, 10, 9))


def last_event(case: Case) -> CaseEvent:
    return case.events.order_by("-seq").first()
