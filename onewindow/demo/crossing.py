"""The demo county's cases that cross desks and levels, relative to today (issue 16's demo).

- 上报件: 城关镇 and 白沙镇 may receive three of 民政局's items (receiving points); at 城关镇 a case
  the township clerk received at its window waits for its check and referral, one is on its way to
  民政局 (pickup due), one came back with 民政局's reasons, and one went through to its result;
- 村代办: 河湾村's agent (陈大山, login ``agent``) and 桃源村's (李秀英, ``agent2``) filed those, each
  with the villager's e-signature authorization; one filing's paper is still owed at the township,
  one result waits for the agent to hand it to the villager;
- 容缺受理: 劳务派遣经营许可 accepted with 劳务派遣管理制度 owed;
- 告知承诺制: 公共场所卫生许可证核发 granted on a commitment awaiting verification, and one revoked
  after the verification found the commitment false.

Everything goes through the services as the demo logins that hold the posting and authorization
for each step, at office-hours moments of past working days, so the clocks, chains, notices and
permissions are the real ones. Idempotent: once a demo case has a receiving point, nothing more.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction

from onewindow.cases import referral_services, services
from onewindow.cases.models import Case, CaseTask
from onewindow.cases.receiving import Authorization
from onewindow.cases.rules import Applicant, MaterialCheck
from onewindow.catalog.models import ReceivingPoint, ServiceItem
from onewindow.core.timesource import local_date
from onewindow.organization.models import Region, Staff
from onewindow.workdays.selectors import snapshot_for

from .cases import DEMO_COUNTY, fictional_credit_code, fictional_id_number, office_moment, workday_before
from .errors import DemoDataError

TOWNS = ("990121100000", "990121101000")  # 城关镇, 白沙镇
RECEIVABLE = ("最低生活保障审批", "特困人员救助供养审批", "临时救助审批")
LOGINS = ("agent", "agent2", "town.clerk", "mzj.clerk", "mzj.reviewer", "mzj.chief", "rsj.clerk", "wsj.clerk",
          "wsj.reviewer", "wsj.chief")

Moment = Callable[[int, int], datetime]  # (working days ago, minutes after 09:00) → the moment


def load_demo(*, today: date | None = None) -> str:
    """Give the demo county its crossing cases (see the module docstring); one Chinese line."""
    today = today or local_date()
    if Case.objects.filter(region__is_demo=True, received_region__isnull=False).exists():
        return "跨层级办件：已存在，未重复载入"
    staff = {s.user.username: s for s in Staff.objects.filter(user__username__in=LOGINS, region__is_demo=True)
             .select_related("user", "region")}
    if set(LOGINS) - set(staff):
        return f"跨层级办件：缺少演示账户{'、'.join(sorted(set(LOGINS) - set(staff)))}，未载入"
    calendar = snapshot_for(DEMO_COUNTY)

    def moment(ago: int, minutes: int) -> datetime:
        return office_moment(workday_before(calendar, today, ago), minutes)

    with transaction.atomic():
        items = _receiving_points()
        cases = [*_referrals(staff, items, moment), _deferred(staff, moment), *_commitments(staff, moment)]
    return (f"跨层级办件：代收件点{ReceivingPoint.objects.filter(region__is_demo=True).count()}个，"
            f"上报件与代办件{len(cases) - 3}件，容缺受理1件，告知承诺2件")


def _item(name: str) -> ServiceItem:
    found = ServiceItem.objects.filter(region__code=DEMO_COUNTY, current_version__name=name).first()
    if found is None:
        raise DemoDataError(f"crossing: {name}", "演示目录中没有该事项")
    return found


def _receiving_points() -> dict[str, ServiceItem]:
    items = {name: _item(name) for name in RECEIVABLE}
    for town in Region.objects.filter(code__in=TOWNS):
        for item in items.values():
            ReceivingPoint.objects.get_or_create(item=item, region=town, defaults={"forward_workdays": 2})
    return items


def _villager(seed: str, name: str, phone: str) -> Applicant:
    rng = random.Random(f"onewindow-demo:crossing-{seed}")
    return Applicant(kind="person", name=name, id_type="resident_id",
                     id_number=fictional_id_number(rng, born=date(1958 + rng.randrange(20), 3, 12), male=True),
                     phone=phone)


def _all_received(item: ServiceItem, missing: tuple[str, ...] = ()) -> list[MaterialCheck]:
    return [MaterialCheck(m.name, "missing" if m.name in missing else "received" if m.required else "not_applicable")
            for m in item.current_version.materials.order_by("order")]


def _agent_files(staff: dict[str, Staff], login: str, item: ServiceItem, applicant: Applicant, at: datetime) -> Case:
    return services.case_submit(actor=staff[login], item_code=item.implementation_code, applicant=applicant,
                                materials=_all_received(item), channel=Case.Channel.PROXY, at=at,
                                authorization=Authorization("esign", f"ES-{at:%Y%m%d}-{login}"))


def _referrals(staff: dict[str, Staff], items: dict[str, ServiceItem], moment: Moment) -> list[Case]:
    town, county = staff["town.clerk"], staff["mzj.clerk"]
    dibao, tekun, linshi = (items[n] for n in RECEIVABLE)
    # Received at the township's own window yesterday: its check and referral are due.
    held = services.case_submit(actor=town, item_code=dibao.implementation_code, window_number="01",
                                applicant=_villager("held", "赵桂芳", "13905810031"), materials=_all_received(dibao),
                                at=moment(1, 40))
    # 河湾村's filing on its way to 民政局: to be picked up by today.
    sent = _agent_files(staff, "agent", dibao, _villager("sent", "孙德旺", "13905810032"), moment(2, 20))
    referral_services.case_receive_paper(case_id=sent.pk, actor=town, note="代办员送来纸质材料，已核对原件",
                                         at=moment(2, 300))
    referral_services.case_refer(case_id=sent.pk, actor=town, at=moment(1, 30),
                                 opinion="初审：入户调查和民主评议已完成，公示无异议，材料齐全，报县民政局审批。")
    # 桃源村's filing of today: the paper is still owed at the township.
    owed = _agent_files(staff, "agent2", tekun, _villager("owed", "周大勇", "13905810033"), moment(1, 200))
    # Returned by 民政局 with its reasons: back at the township.
    back = _agent_files(staff, "agent2", linshi, _villager("back", "吴春花", "13905810034"), moment(3, 30))
    referral_services.case_receive_paper(case_id=back.pk, actor=town, at=moment(3, 240))
    referral_services.case_refer(case_id=back.pk, actor=town, opinion="初审：因病致困，材料齐全。", at=moment(2, 60))
    referral_services.case_return_referral(case_id=back.pk, actor=county, at=moment(1, 90),
                                           reasons="缺少乡镇人民政府审核意见，请补充后重新上报。")
    # 河湾村's filing that went through: the result waits for the agent to take it to the villager.
    done = _agent_files(staff, "agent", linshi, _villager("done", "郑有福", "13905810035"), moment(7, 30))
    referral_services.case_receive_paper(case_id=done.pk, actor=town, at=moment(7, 200))
    referral_services.case_refer(case_id=done.pk, actor=town, opinion="初审：符合临时救助条件。", at=moment(6, 30))
    referral_services.case_accept_referral(case_id=done.pk, actor=county, at=moment(6, 120))
    services.case_accept(case_id=done.pk, actor=county, at=moment(5, 30), note="材料齐全，予以受理。")
    _review_and_grant(done, staff, "mzj", moment, 4)
    return [held, sent, owed, back, done]


def _review_and_grant(case: Case, staff: dict[str, Staff], dept: str, moment: Moment, ago: int) -> Case:
    """Every open review stage by the department's reviewer (a second signature by its chief), the
    grant by its chief, the certificate by its clerk, on the working days from ``ago`` on."""
    people = {"reviewer": staff[f"{dept}.reviewer"], "chief_representative": staff[f"{dept}.chief"],
              "clerk": staff[f"{dept}.clerk"]}
    for _round in range(8):
        task = CaseTask.objects.filter(case=case, state=CaseTask.State.OPEN).order_by("stage_order").first()
        if task is None:
            break
        signed = case.events.filter(kind="stage_signed", payload__stage=task.stage_order).exists()
        actor = people["chief_representative"] if signed else people.get(task.role, people["reviewer"])
        case = services.case_complete_stage(case_id=case.pk, actor=actor, stage_order=task.stage_order,
                                            opinion="经审查，符合条件。", at=moment(ago, 60 + 30 * _round))
    case = services.case_decide(case_id=case.pk, actor=people["chief_representative"], grant=True,
                                reasons="符合法定条件，准予。", at=moment(ago - 1, 60))
    return services.case_issue_certificate(case_id=case.pk, actor=people["clerk"], at=moment(ago - 2, 60))


def _deferred(staff: dict[str, Staff], moment: Moment) -> Case:
    item = _item("劳务派遣经营许可")
    rng = random.Random("onewindow-demo:crossing-deferred")
    applicant = Applicant(kind="company", name="云溪县恒信人力资源有限公司", id_type="uscc",
                          id_number=fictional_credit_code(rng, "91"), phone="13905810041", legal_representative="钱立新")
    case = services.case_submit(actor=staff["rsj.clerk"], item_code=item.implementation_code, applicant=applicant,
                                materials=_all_received(item, ("劳务派遣管理制度",)), window_number="09",
                                at=moment(3, 60))
    return services.case_accept_with_deferred_materials(
        case_id=case.pk, actor=staff["rsj.clerk"], materials=["劳务派遣管理制度"], workdays=5, at=moment(3, 90),
        note="劳务派遣管理制度尚在董事会审议，容缺受理。")


def _commitments(staff: dict[str, Staff], moment: Moment) -> list[Case]:
    item = _item("公共场所卫生许可证核发")
    report = "公共场所卫生检测或者评价报告"
    conditions = ["公共场所卫生检测结果符合国家卫生标准", "检测报告将于核查期内提交或备查"]
    made = []
    for seed, name, ago in (("waiting", "云溪县悦来宾馆有限公司", 8), ("revoked", "云溪县清泉浴池有限公司", 14)):
        rng = random.Random(f"onewindow-demo:crossing-{seed}")
        applicant = Applicant(kind="company", name=name, id_type="uscc", id_number=fictional_credit_code(rng, "91"),
                              phone="13905810051", legal_representative="冯志强")
        case = services.case_submit(actor=staff["wsj.clerk"], item_code=item.implementation_code, applicant=applicant,
                                    materials=_all_received(item, (report,)), window_number="10", at=moment(ago, 60))
        case = services.case_accept_on_commitment(case_id=case.pk, actor=staff["wsj.clerk"], materials=[report],
                                                  conditions=conditions, at=moment(ago, 120),
                                                  note="申请人书面承诺，以承诺代替检测报告。")
        case = _review_and_grant(case, staff, "wsj", moment, ago - 1)
        if seed == "revoked":
            case = services.case_deliver(case_id=case.pk, actor=staff["wsj.clerk"], method="window",
                                         at=moment(ago - 4, 60))
            case = services.case_record_verification(
                case_id=case.pk, actor=staff["wsj.chief"], truthful=False, at=moment(ago - 5, 60),
                findings="现场抽检：浴池水质细菌总数超标，申请人未能提供承诺的合格检测报告。")
            case = services.case_revoke(case_id=case.pk, actor=staff["wsj.chief"], at=moment(ago - 5, 120),
                                        reason="申请人作出的告知承诺不实（《优化营商环境条例》第十九条）。")
        made.append(case)
    return made
