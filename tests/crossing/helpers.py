"""The crossing flows' county: the cases' ``hall`` plus a joint item (联办件) of two departments,
the co-handling department's reviewer, and the heads of the two counties' governments; and the
bundle 我要开餐馆 (一件事) of four items in two departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from onewindow.cases import bundle_services
from onewindow.cases import services as case_services
from onewindow.cases.models import BundleApplication, Case
from onewindow.cases.receiving import Authorization as AgentAuthorization
from onewindow.cases.rules import MaterialCheck
from onewindow.catalog.models import (
    Bundle,
    BundleItem,
    Material,
    ReceivingPoint,
    ServiceItem,
    ServiceItemVersion,
    Stage,
)
from onewindow.core.timesource import now
from onewindow.online.models import ApplicantProfile
from onewindow.organization.models import Authorization, Department, Posting, Region, Staff, Window
from onewindow.organization.rules import Power, Role
from tests.cases.helpers import VALID_ID, Hall, at, hall_item, hall_staff


@dataclass
class Joint:
    hall: Hall
    item: ServiceItem
    co_dept: Department  # 云溪县住建局, the co-handler
    co_reviewer: Staff
    head: Staff  # 云溪县人民政府负责人
    other_head: Staff  # 邻水县人民政府负责人
    co_dept2: Department | None = None  # 云溪县环保局, the second co-handler (``co_handlers=2``)
    co_reviewer2: Staff | None = None


def build_joint(hall: Hall, *, co_handlers: int = 1) -> Joint:
    """A joint item of the hall's county: 受理 (clerk), then 工商 and 住建 review in parallel, then
    the decision; statutory limit 45 working days (行政许可法 第四十二条第二款). With
    ``co_handlers=2`` 环保 reviews in parallel too (stage 4) and the decision is stage 5."""
    co_dept = Department.objects.create(region=hall.county, code="ZJJ", name="云溪县住建局")
    co_dept2 = Department.objects.create(region=hall.county, code="HBJ", name="云溪县环保局") if co_handlers > 1 else None
    item = ServiceItem.objects.create(region=hall.county, department=hall.dept,
                                      implementation_code="990121GSJ0000000009", basic_code="990121GSJ000")
    v = ServiceItemVersion.objects.create(
        item=item, version=1, name="联办测试事项", item_type="licensing", implementing_body=hall.dept.name,
        legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="符合条件", statutory_limit=45,
        promised_limit=30, handling_type="committed", result_type="certificate", result_name="许可证",
        is_joint=True)
    Material.objects.create(version=v, order=1, name="申请书", required=True)
    stages = [("受理", hall.dept.code, "clerk", 0, None), ("工商审查", hall.dept.code, "reviewer", 5, 1),
              ("住建会审", "ZJJ", "reviewer", 5, 1), *([("环保会审", "HBJ", "reviewer", 5, 1)] if co_dept2 else []),
              ("决定", hall.dept.code, "chief_representative", 1, None)]
    for order, (name, code, role, budget, group) in enumerate(stages, start=1):
        Stage.objects.create(version=v, order=order, name=name, department_code=code, role=role,
                             budget_workdays=budget, parallel_group=group)
    item.current_version = v
    item.save()
    return Joint(hall=hall, item=item, co_dept=co_dept,
                 co_reviewer=hall_staff("co_reviewer", hall.county, co_dept, Role.REVIEWER),
                 head=hall_staff("xianzhang", hall.county, None, Role.GOVERNMENT_HEAD),
                 other_head=hall_staff("linshui_head", hall.other_county, None, Role.GOVERNMENT_HEAD),
                 co_dept2=co_dept2,
                 co_reviewer2=hall_staff("co_reviewer2", hall.county, co_dept2, Role.REVIEWER) if co_dept2 else None)


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


# --- one-thing bundles (一件事) -------------------------------------------------------------------------

RESTAURANT = "990121-YJS-001"
PERSONAL_SHOP = "以个体工商户形式经营的"
COMPANY = "以公司形式经营的"
SIGNBOARD = "设置户外招牌的"


@dataclass
class Restaurant:
    """我要开餐馆 in the hall's county: 工商 registers the business (as an individual or a company,
    by situation), 食药监 licenses the food business (always), 工商 approves the signboard (if one
    is put up). 经营场所证明 and 身份证明 are asked by several items: the one form asks once."""

    hall: Hall
    bundle: Bundle
    food_dept: Department  # 云溪县食药监局
    shop: ServiceItem
    company: ServiceItem
    food: ServiceItem
    signboard: ServiceItem
    food_reviewer: Staff
    food_chief: Staff

    def checklist(self, *names: str, missing: tuple[str, ...] = ()) -> list[MaterialCheck]:
        """The one checklist: ``names`` received, ``missing`` marked missing."""
        return [MaterialCheck(n, "received") for n in names] + [MaterialCheck(n, "missing") for n in missing]


def _bundle_item(region: Region, dept: Department, code: str, name: str, materials: list[tuple[str, bool]],
                 *, promised: int = 5) -> ServiceItem:
    item = ServiceItem.objects.create(region=region, department=dept, implementation_code=code, basic_code=code[:12])
    v = ServiceItemVersion.objects.create(
        item=item, version=1, name=name, item_type="licensing", implementing_body=dept.name,
        legal_basis="《中华人民共和国行政许可法》", acceptance_conditions="符合条件", statutory_limit=20,
        promised_limit=promised, handling_type="committed", result_type="certificate", result_name=f"{name}证",
        delivery_methods=["window", "post"])
    for order, (material, required) in enumerate(materials, start=1):
        Material.objects.create(version=v, order=order, name=material, required=required)
    for order, (stage, role, budget) in enumerate([("受理", "clerk", 0), ("审查", "reviewer", 2),
                                                   ("决定", "chief_representative", 1)], start=1):
        Stage.objects.create(version=v, order=order, name=stage, department_code=dept.code, role=role,
                             budget_workdays=budget)
    item.current_version = v
    item.save()
    return item


def build_restaurant(hall: Hall) -> Restaurant:
    """The bundle 我要开餐馆 (lead: 工商局) of four items, and the 食药监局 with its reviewer and chief;
    the hall's clerk (general window 01) may accept the 食药监局's items too."""
    food = Department.objects.create(region=hall.county, code="SYJ", name="云溪县食药监局")
    Authorization.objects.create(staff=hall.clerk, power=Power.ACCEPT, department=food, valid_from=date(2020, 1, 1))
    shop = _bundle_item(hall.county, hall.dept, "990121GSJ0000000101", "个体工商户设立登记",
                        [("个体工商户登记申请书", True), ("经营者身份证明", True), ("经营场所证明", True)], promised=3)
    company = _bundle_item(hall.county, hall.dept, "990121GSJ0000000102", "有限责任公司设立登记",
                           [("公司登记申请书", True), ("经营者身份证明", True), ("经营场所证明", True),
                            ("公司章程", True)])
    licence = _bundle_item(hall.county, food, "990121SYJ0000000103", "食品经营许可证核发",
                           [("食品经营许可申请书", True), ("经营场所 证明", True), ("食品安全管理制度", False)],
                           promised=10)
    sign = _bundle_item(hall.county, hall.dept, "990121GSJ0000000104", "户外招牌设置审批",
                        [("招牌设置申请书", True), ("招牌效果图", True)])
    bundle = Bundle.objects.create(region=hall.county, code=RESTAURANT, name="我要开餐馆", life_event="我要开餐馆",
                                   lead_department=hall.dept)
    for order, (item, situation) in enumerate([(shop, PERSONAL_SHOP), (company, COMPANY), (licence, ""),
                                               (sign, SIGNBOARD)], start=1):
        BundleItem.objects.create(bundle=bundle, item=item, order=order, situation=situation)
    return Restaurant(hall=hall, bundle=bundle, food_dept=food, shop=shop, company=company, food=licence,
                      signboard=sign,
                      food_reviewer=hall_staff("food_reviewer", hall.county, food, Role.REVIEWER),
                      food_chief=hall_staff("food_chief", hall.county, food, Role.CHIEF_REPRESENTATIVE,
                                            power=Power.DECIDE))


SHOP_SET = ("个体工商户登记申请书", "经营者身份证明", "经营场所证明", "食品经营许可申请书")


def restaurant_application(world: Restaurant, *, missing: tuple[str, ...] = (), situations: tuple[str, ...] = (
        PERSONAL_SHOP,), when: datetime | None = None) -> BundleApplication:
    """An individual's restaurant application at window 01 (Mon 2026-09-28 by default): every
    material of the individual shop and the food licence received but those ``missing``."""
    received = [n for n in SHOP_SET if n not in missing]
    if SIGNBOARD in situations:
        received += [n for n in ("招牌设置申请书", "招牌效果图") if n not in missing]
    return bundle_services.bundle_apply(
        actor=world.hall.clerk, bundle_code=RESTAURANT, applicant=world.hall.applicant(),
        situations=list(situations), materials=world.checklist(*received, missing=missing), window_number="01",
        at=when or at(2026, 9, 28))


def child(app: BundleApplication, item: ServiceItem) -> Case:
    return Case.objects.get(bundle_application=app, item=item)


def settle_child(world: Restaurant, case: Case, when: datetime | None) -> Case:
    """Accept (if not yet), review, grant and issue the certificate of one child, all at ``when``
    (None: now, for the API and the pages, which act at the present)."""
    food = case.department_id == world.food_dept.pk
    reviewer, chief = (world.food_reviewer, world.food_chief) if food else (world.hall.reviewer, world.hall.chief)
    if case.status == "submitted":
        case = case_services.case_accept(case_id=case.id, actor=world.hall.clerk, at=when)
    case = case_services.case_complete_stage(case_id=case.id, actor=reviewer, stage_order=2, opinion="同意", at=when)
    case = case_services.case_decide(case_id=case.id, actor=chief, grant=True, reasons="符合条件", at=when)
    return case_services.case_issue_certificate(case_id=case.id, actor=world.hall.clerk, at=when)


def applicant_account(phone: str = "13912345678", *, name: str = "张三", id_number: str = VALID_ID):
    """An applicant's online account (registered as the online tests register, without the code)."""
    user = get_user_model().objects.create_user(username=f"applicant-{phone}", password=None)
    ApplicantProfile.objects.create(user=user, phone=phone, phone_verified_at=now(), created_at=now(),
                                    real_name=name, id_type="resident_id", id_number=id_number)
    return user


@dataclass
class Township:
    """城关镇 under the hall's 云溪县: its center (window 01, a clerk), 河湾村's and 桃源村's proxy
    agents posted at the township, the county item receivable there (上报件), and a township item
    receivable at the county center (下放) with the township's clerk who accepts it."""

    hall: Hall
    town: Region
    villages: tuple[Region, Region]
    town_clerk: Staff
    agents: tuple[Staff, Staff]
    town_dept: Department
    town_item: ServiceItem


def build_township(hall: Hall) -> Township:
    town = Region.objects.create(code="990121100000", name="城关镇", level=4, parent=hall.county, has_center=True)
    villages = (Region.objects.create(code="990121100201", name="河湾村委会", level=5, parent=town),
                Region.objects.create(code="990121100202", name="桃源村委会", level=5, parent=town))
    window = Window.objects.create(region=town, number="01", name="综合窗口", kind="general")
    town_dept = Department.objects.create(region=town, code="SHSW", name="城关镇社会事务办")
    town_clerk = hall_staff("town.clerk", town, None, Role.CLERK, window=window, power=Power.ACCEPT,
                            power_dept=town_dept)
    agents = []
    for username, village in (("agent", villages[0]), ("agent2", villages[1])):
        user = get_user_model().objects.create_user(username=username, password="x-unused-Password1")
        agent = Staff.objects.create(user=user, name=f"{village.name[:2]}代办员", employee_number=username,
                                     region=village)
        Posting.objects.create(staff=agent, role=Role.PROXY_AGENT, region=town)
        agents.append(agent)
    ReceivingPoint.objects.create(item=hall.item, region=town, forward_workdays=2)
    town_item = hall_item(town, town_dept, "990121100SHSW000001", handling="committed", promised=10,
                          stages=[{"name": "审查", "role": "clerk", "budget_workdays": 3}])
    ReceivingPoint.objects.create(item=town_item, region=hall.county, forward_workdays=1)
    return Township(hall=hall, town=town, villages=(villages[0], villages[1]), town_clerk=town_clerk,
                    agents=(agents[0], agents[1]), town_dept=town_dept, town_item=town_item)


def agent_filing(world: Township, *, agent: int = 0, when: datetime | None = None, **kw: Any) -> Case:
    """A villager's application of the county item filed by a village agent at the township."""
    hall = world.hall
    return case_services.case_submit(
        actor=world.agents[agent], item_code=hall.item.implementation_code, applicant=hall.applicant(),
        materials=hall.checklist(), channel=Case.Channel.PROXY, at=when or at(2026, 11, 2),
        authorization=kw.pop("authorization", AgentAuthorization("esign", "ES-20261102-0001")), **kw)
