"""The demo county's one-thing bundle applications (一件事一次办), relative to today.

Two applications of 我要开餐馆 at the general window 01:

- a company that discharges kitchen water into the sewers (以公司形式经营的; 向城镇排水管网排放餐饮污水的):
  three children — the company registration granted with its licence issued and waiting for the one
  delivery, the food business licence in review (its stage claimed), the drainage permit accepted;
- an individual business, 经营场所使用证明 missing for both its items: the window's acceptance review
  asked it of both, and the applicant has one combined notice (one material, once) to answer.

Everything goes through the services as the demo logins that hold the posting and the
authorization for each step (``clerk`` at window 01 receives, each department's clerk accepts, its
reviewer and chief representative review and decide), at office-hours moments of past working
days, so the clocks, chains, notices and permissions are the real ones. Idempotent: once the
county has a bundle application, nothing more is loaded.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction

from onewindow.cases import bundle_services, services
from onewindow.cases.bundle_rules import BUNDLE_STATUS_LABELS, BundleStatus
from onewindow.cases.bundle_selectors import bundle_guide
from onewindow.cases.bundle_services import ChildDecision
from onewindow.cases.models import BundleApplication, Case
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.core.timesource import local_date
from onewindow.organization.models import Staff
from onewindow.workdays.selectors import snapshot_for

from .cases import DEMO_COUNTY, fictional_credit_code, fictional_id_number, office_moment, workday_before
from .errors import DemoDataError

RESTAURANT = "990121-YJS-001"
COMPANY = "以公司形式经营的"
DRAINAGE = "向城镇排水管网排放餐饮污水的"
PERSONAL = "以个体工商户形式经营的"
SHARED = "经营场所使用证明"  # asked by 个体工商户设立登记 and 食品经营许可证核发 alike
LOGINS = ("clerk", "gsj.clerk", "chief", "syj.clerk", "syj.reviewer", "zjj.clerk")

Moment = Callable[[int, int], datetime]  # (working days ago, minutes after 09:00) → the moment


def load_demo(*, today: date | None = None) -> str:
    """Give the demo county its bundle applications (see the module docstring); one Chinese line."""
    today = today or local_date()
    if BundleApplication.objects.filter(region__is_demo=True).exists():
        return "一件事申请：已存在，未重复载入"
    staff = {s.user.username: s for s in Staff.objects.filter(user__username__in=LOGINS, region__is_demo=True)
             .select_related("user")}
    if set(LOGINS) - set(staff):
        return f"一件事申请：缺少演示账户{'、'.join(sorted(set(LOGINS) - set(staff)))}，未载入"
    calendar = snapshot_for(DEMO_COUNTY)

    def moment(ago: int, minutes: int) -> datetime:
        return office_moment(workday_before(calendar, today, ago), minutes)

    with transaction.atomic():
        company = _company(staff, moment)
        individual = _individual(staff, moment)
    counts = Counter(BUNDLE_STATUS_LABELS[BundleStatus(a.status)] for a in (company, individual))
    children = Case.objects.filter(bundle_application__in=[company, individual]).count()
    return (f"一件事申请：{sum(counts.values())}件（{'、'.join(f'{k}{v}件' for k, v in counts.items())}），"
            f"子办件{children}件")


def _checklist(situations: list[str], missing: tuple[str, ...] = ()) -> list[MaterialCheck]:
    """The one checklist: every required material received but those ``missing``; the optional ones
    not applicable."""
    guide = bundle_guide(RESTAURANT, situations)
    return [MaterialCheck(m.name, "missing" if m.name in missing else "received" if m.required else "not_applicable")
            for m in guide.materials]


def _child(app: BundleApplication, name: str) -> Case:
    found = app.children.filter(item__current_version__name=name).first()
    if found is None:
        raise DemoDataError(f"bundles: {name}", "演示一件事中没有该事项")
    return found


def _company(staff: dict[str, Staff], moment: Moment) -> BundleApplication:
    situations = [COMPANY, DRAINAGE]
    applicant = Applicant(kind="company", name="云溪县味之源餐饮管理有限公司", id_type="uscc",
                          id_number=fictional_credit_code(random.Random("onewindow-demo:bundle-company"), "91"),
                          phone="13905810021", legal_representative="周建国")
    app = bundle_services.bundle_apply(actor=staff["clerk"], bundle_code=RESTAURANT, applicant=applicant,
                                       situations=situations, materials=_checklist(situations), window_number="01",
                                       at=moment(6, 20))
    registration = _child(app, "有限责任公司设立登记")
    food = _child(app, "食品经营许可证核发")
    drainage = _child(app, "城镇污水排入排水管网许可证核发")
    services.case_accept(case_id=registration.pk, actor=staff["gsj.clerk"], at=moment(5, 10), note="材料齐全，予以受理。")
    services.case_decide(case_id=registration.pk, actor=staff["chief"], grant=True, reasons="符合公司登记条件，准予登记。",
                         at=moment(4, 30))
    services.case_issue_certificate(case_id=registration.pk, actor=staff["gsj.clerk"], at=moment(4, 90))
    services.case_accept(case_id=food.pk, actor=staff["syj.clerk"], at=moment(5, 40), note="材料齐全，予以受理。")
    services.case_claim_task(case_id=food.pk, actor=staff["syj.reviewer"], stage_order=2, at=moment(3, 15))
    services.case_accept(case_id=drainage.pk, actor=staff["zjj.clerk"], at=moment(5, 70), note="材料齐全，予以受理。")
    app.refresh_from_db()
    return app


def _individual(staff: dict[str, Staff], moment: Moment) -> BundleApplication:
    situations = [PERSONAL]
    number = fictional_id_number(random.Random("onewindow-demo:bundle-person"), born=date(1986, 5, 17), male=False)
    applicant = Applicant(kind="person", name="林秀英", id_type="resident_id", id_number=number, phone="13905810022")
    app = bundle_services.bundle_apply(actor=staff["clerk"], bundle_code=RESTAURANT, applicant=applicant,
                                       situations=situations, materials=_checklist(situations, (SHARED,)),
                                       window_number="01", at=moment(2, 30))
    decisions = [ChildDecision(c.number, "request_supplement", (SHARED,), "请提供房屋产权证明或租赁合同。")
                 for c in app.children.order_by("pk")]
    return bundle_services.bundle_review(application_id=app.pk, actor=staff["clerk"], decisions=decisions,
                                         at=moment(1, 20))
