"""Open government in the demo county, relative to today, through the app's own services.

- the power list of a dozen demo departments, with flow charts, and discretion standards for a few
  penalty powers (imported as a workbook, the way staff import one);
- three funds (耕地地力保护补贴, 低保金, 危房改造) distributed over the demo villages, some paid late;
- disclosure requests in every state: just received, awaiting clarification, consulting a third
  party, awaiting a processing fee, extended, replied (disclosed, partially disclosed, withheld),
  withdrawn;
- a 低保 publication in its comment period, with one objection;
- the proactive disclosure catalogue: a policy document (and its change, on the schedule), a
  department budget (complete), final accounts (a table missing), a staffing disclosure published
  late, a document overdue, a notice withdrawn after publication, and the quarterly village finance
  disclosures of two villages (the next quarter's scheduled);
- enforcement: certified officers of 市场监管、食药、环保 (one certificate expired, one revoked),
  inspections in the register, and major penalties filed on time, filed late, pending, and overdue.
- the power list of the second demo county (青禾县): its three departments' powers, with the
  discretion standards of its penalty power.

Idempotent: once the funds exist, nothing more is loaded.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from openpyxl import Workbook

from onewindow.core.spreadsheet import append_row
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.demo.cases import fictional_credit_code, fictional_mobile, fictional_person, workday_before
from onewindow.organization.models import Department, Region, Staff
from onewindow.organization.rules import RegionLevel
from onewindow.workdays.selectors import snapshot_for

from . import enforcement_services, fund_services, power_services, publication_services, services, topics
from .models import DisclosureRequest, Fund, PowerListVersion

COUNTY = "990121000000"
SECOND_COUNTY = "990123000000"  # 青禾县
SEED = 20261204

# (department code, power code suffix, name, type, basis, stages, penalty standards or None)
POWERS = [
    ("MZJ", "QR-001", "最低生活保障对象认定", "行政确认", "《社会救助暂行办法》第十一条",
     "申请→受理→入户调查→民主评议→审核公示→审批→发放", None),
    ("MZJ", "GF-001", "临时救助金给付", "行政给付", "《社会救助暂行办法》第四十八条", "申请→审核→审批→发放", None),
    ("MZJ", "XK-001", "社会团体成立登记", "行政许可", "《社会团体登记管理条例》第九条", "受理→审查→决定→发证", None),
    ("GSJ", "XK-001", "个体工商户设立登记", "行政许可", "《促进个体工商户发展条例》第八条", "受理→审查→决定→发照", None),
    ("GSJ", "CF-001", "对无照经营的处罚", "行政处罚", "《无证无照经营查处办法》第十三条",
     "立案→调查取证→审查→告知→决定→送达→执行", [
         ("不予处罚", "初次违法且危害后果轻微并及时改正的", None, None, "《行政处罚法》第三十三条第一款"),
         ("从轻或减轻处罚", "主动消除或者减轻违法行为危害后果的", 0, 3000, "《行政处罚法》第三十二条第一项"),
         ("一般处罚", "经营时间较短、违法所得较少的", 3000, 6000, "《无证无照经营查处办法》第十三条"),
         ("从重处罚", "经责令改正拒不改正或者被投诉举报三次以上的", 6000, 10000, "《无证无照经营查处办法》第十三条")]),
    ("SYJ", "CF-001", "对未取得食品经营许可从事食品经营活动的处罚", "行政处罚", "《中华人民共和国食品安全法》第一百二十二条",
     "立案→调查取证→审查→告知→听证（依申请）→决定→送达→执行", [
         ("从轻或减轻处罚", "货值金额不足一万元且主动消除危害后果的", 50000, 65000, "《行政处罚法》第三十二条"),
         ("一般处罚", "货值金额不足一万元的", 50000, 80000, "《食品安全法》第一百二十二条第一款"),
         ("从重处罚", "货值金额一万元以上的，或造成食源性疾病的", 100000, 200000, "《食品安全法》第一百二十二条第一款")]),
    ("SYJ", "JC-001", "食品生产经营日常监督检查", "其他行政权力", "《中华人民共和国食品安全法》第一百一十条",
     "制定计划→现场检查→结果记录→结果公开", None),
    ("HBJ", "CF-001", "对超标排放大气污染物的处罚", "行政处罚", "《中华人民共和国大气污染防治法》第九十九条",
     "立案→调查取证→审查→告知→听证（依申请）→决定→送达→执行", [
         ("从轻或减轻处罚", "超标倍数在 0.5 倍以下且及时改正的", 100000, 300000, "《行政处罚法》第三十二条"),
         ("一般处罚", "超标倍数在 0.5 倍至 1 倍的", 300000, 600000, "《大气污染防治法》第九十九条"),
         ("从重处罚", "超标倍数在 1 倍以上或拒不改正的", 600000, 1000000, "《大气污染防治法》第九十九条")]),
    ("HBJ", "XK-001", "建设项目环境影响报告表审批", "行政许可", "《中华人民共和国环境影响评价法》第二十二条",
     "受理→技术评估→审查→公示→决定→送达", None),
    ("ZJJ", "XK-001", "建筑工程施工许可", "行政许可", "《中华人民共和国建筑法》第八条", "受理→审查→决定→发证", None),
    ("ZJJ", "GF-001", "农村危房改造补助", "行政给付", "《农村危房改造补助资金管理办法》", "申请→评议→鉴定→审批→验收→拨付", None),
    ("CZJ", "GF-001", "耕地地力保护补贴发放", "行政给付", "财农〔2016〕26号", "核实面积→公示→审核→一卡通发放", None),
    ("RSJ", "QR-001", "工伤认定", "行政确认", "《工伤保险条例》第二十条", "受理→调查核实→认定→送达", None),
    ("WSJ", "CF-001", "对医疗机构使用非卫生技术人员的处罚", "行政处罚", "《医疗机构管理条例》第四十七条",
     "立案→调查取证→审查→告知→决定→送达→执行", [
         ("一般处罚", "使用非卫生技术人员一人的", 0, 5000, "《医疗机构管理条例》第四十七条"),
         ("从重处罚", "使用非卫生技术人员二人以上或造成危害后果的", 5000, 5000, "《医疗机构管理条例》第四十七条")]),
    ("JTJ", "QZ-001", "暂扣违法从事道路运输的车辆", "行政强制", "《中华人民共和国道路运输条例》第六十三条",
     "审批→通知当事人→告知→暂扣→出具凭证→处理", None),
    ("LYJ", "ZS-001", "森林植被恢复费征收", "行政征收", "《中华人民共和国森林法实施条例》第十八条", "核定→缴纳→开票", None),
    ("RFB", "JL-001", "人民防空工作先进单位表彰", "行政奖励", "《中华人民共和国人民防空法》第十条", "推荐→评审→公示→表彰", None),
    ("GTJ", "CJ-001", "土地权属争议调处", "行政裁决", "《土地权属争议调查处理办法》第四条",
     "受理→调查→调解→裁决→送达", None),
]

# 青禾县's list, in the same layout (its code prefix QH).
SECOND_POWERS = [p for p in POWERS if (p[0], p[1]) in {("MZJ", "GF-001"), ("GSJ", "XK-001"), ("GSJ", "CF-001")}] + [
    ("GTJ", "QR-001", "不动产登记", "行政确认", "《不动产登记暂行条例》第三条", "申请→受理→审核→登簿→发证", None),
]

FUNDS = [  # code, department, name, basis, standard, per-entry amounts, payment workdays
    ("YX-GDDL-2026", "CZJ", "耕地地力保护补贴", "财农〔2016〕26号", "每亩 118 元", (590, 1180, 2360), 10),
    ("YX-DB-2026Q4", "MZJ", "城乡居民最低生活保障金", "《社会救助暂行办法》", "农村每人每月 520 元", (520, 1040, 1560), 5),
    ("YX-WFGZ-2026", "ZJJ", "农村危房改造补助", "《农村危房改造补助资金管理办法》", "每户 1.5 万至 3.5 万元",
     (15000, 25000, 35000), 20),
]


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI).astimezone(UTC)


def _staff(username: str) -> Staff:
    return Staff.objects.get(user__username=username, region__is_demo=True)


def load_demo(*, today: date | None = None) -> str:
    """Load the demo's open-government records relative to ``today``; one Chinese summary line."""
    today = today or local_date()
    county = Region.objects.filter(code=COUNTY, is_demo=True).first()
    if county is None:
        return "政务公开：缺少演示区划，未载入"
    second = Region.objects.filter(code=SECOND_COUNTY, is_demo=True).first()
    if second is not None and Staff.objects.filter(user__username="qh.admin").exists():
        _powers(second, _staff("qh.admin"), today, listed=SECOND_POWERS, prefix="QH")
    if Fund.objects.filter(code=FUNDS[0][0]).exists():
        return "政务公开：演示数据已存在，未重复载入"
    rng = random.Random(SEED)
    admin = _staff("admin")
    powers = _powers(county, admin, today)
    entries = _funds(county, admin, today, rng)
    requests = _requests(county, today, rng)
    _publication(county, today, rng)
    documents = _catalogue(county, today)
    officers, penalties = _enforcement(county, admin, today, rng)
    _topics(county, today)
    return (f"政务公开：权力清单 {powers} 项（含裁量基准），惠民资金 {len(FUNDS)} 项、发放明细 {entries} 条，"
            f"依申请公开 {requests} 件，低保公示 1 项（公示期内），主动公开目录 {documents} 项，"
            f"执法人员 {officers} 名、重大行政处罚备案 {penalties} 件，点题 2 项")


def _powers(county: Region, admin: Staff, today: date, *, listed: list | None = None, prefix: str = "YX") -> int:
    if PowerListVersion.objects.filter(region=county).exists():
        return 0
    listed = POWERS if listed is None else listed
    book = Workbook()
    ws = book.active
    ws.title = power_services.POWER_SHEET
    append_row(ws, power_services.POWER_HEADERS)
    ws2 = book.create_sheet(power_services.STANDARD_SHEET)
    append_row(ws2, power_services.STANDARD_HEADERS)
    for dept, suffix, name, kind, basis, stages, standards in listed:
        code = f"{prefix}-{dept}-{suffix}"
        department = Department.objects.get(region=county, code=dept)
        append_row(ws, [code, dept, name, kind, basis, department.name,
                   "依法受理、审查、决定、送达并公开结果；加强事中事后监管",
                   "不依法履行职责、滥用职权、玩忽职守的，依法追究责任", stages, ""])
        for category, situation, lo, hi, text in standards or []:
            append_row(ws2, [code, category, situation, lo, hi, text])
    out = io.BytesIO()
    book.save(out)
    power_services.power_list_import(region_id=county.id, data=out.getvalue(), actor=admin,
                                     effective_from=today - timedelta(days=30), note="演示权力清单",
                                     at=_moment(today - timedelta(days=1)))
    return len(listed)


def _funds(county: Region, admin: Staff, today: date, rng: random.Random) -> int:
    villages = list(Region.objects.filter(code__startswith=county.prefix, level=RegionLevel.VILLAGE).order_by("code"))
    calendar = snapshot_for(county.code)
    total = 0
    for code, dept, name, basis, standard, amounts, workdays in FUNDS:
        department = Department.objects.get(region=county, code=dept)
        fund = fund_services.fund_create(department_id=department.id, code=code, name=name, basis=basis,
                                         standard=standard, period=f"{today.year} 年", total=Decimal("2000000"),
                                         actor=admin, payment_workdays=workdays, at=_moment(today - timedelta(days=40)))
        book = Workbook()
        ws = book.active
        ws.title = fund_services.SHEET
        append_row(ws, fund_services.HEADERS)
        for village in villages:
            for n in range(4 if "危房" not in name else 1):
                person = fictional_person(rng, today=today, youngest=30, oldest=80)
                approved = workday_before(calendar, today, rng.randint(15, 30))
                due = calendar.add_workdays(approved, workdays)
                late = n == 3 and village.code.endswith("01")
                paid = due + timedelta(days=3) if late else approved + timedelta(days=rng.randint(1, 5))
                if n == 2 and village.code.endswith("02"):
                    paid = today + timedelta(days=1)  # not paid yet: past its due day (逾期未发放)
                append_row(ws, [village.name, person.name, person.id_number, rng.choice(amounts), approved.isoformat(),
                           paid.isoformat() if paid <= today else None, ""])
                total += 1
        out = io.BytesIO()
        book.save(out)
        fund_services.distributions_import(fund_id=fund.id, data=out.getvalue(), actor=admin,
                                           file_name=f"{code}.xlsx", at=_moment(today - timedelta(days=1)))
        # The bank's confirmation of two of the unpaid entries, recorded today (late: 一卡式发放).
        unpaid = list(fund.distributions.filter(paid_on__isnull=True).order_by("id").values_list("id", flat=True)[:2])
        if unpaid:
            fund_services.distributions_record_payment(fund_id=fund.id, distribution_ids=unpaid, paid_on=today,
                                                       actor=admin, at=_moment(today, 9))
    return total


def _applicant(rng: random.Random, today: date, *, org: str = "") -> services.Applicant:
    if org:
        return services.Applicant("organization", org, fictional_credit_code(rng, "91"), fictional_mobile(rng))
    who = fictional_person(rng, today=today)
    return services.Applicant("person", who.name, who.id_number, fictional_mobile(rng), "云溪县城关镇")


def _requests(county: Region, today: date, rng: random.Random) -> int:
    if DisclosureRequest.objects.filter(region=county).exists():
        return 0
    dept = Department.objects.get(region=county, code="MZJ")
    clerk, reviewer, chief = _staff("mzj.clerk"), _staff("mzj.reviewer"), _staff("mzj.chief")
    cal = snapshot_for(county.code)

    def day(k: int) -> date:
        return workday_before(cal, today, k) if k else today

    def online(k: int, what: str, delivery: str = "electronic", **kw) -> DisclosureRequest:
        return services.request_file(department_id=dept.id, channel="online", applicant=_applicant(rng, today, **kw),
                                     description=what, delivery=delivery, at=_moment(day(k), 9))

    count = 0
    # Just received, online and by post.
    online(1, "2026 年度城乡低保资金发放情况")
    services.request_file(department_id=dept.id, channel="post", applicant=_applicant(rng, today),
                          description="本村 2025 年临时救助对象名单及金额", delivery="post",
                          received_on=day(3), actor=clerk, at=_moment(day(2), 9))
    count += 2
    # Awaiting the clarified request (Art. 30).
    r = online(4, "关于养老院的文件")
    services.request_clarification(request_id=r.id, points=["请写明所需文件的名称、文号或形成时间"], actor=reviewer,
                                   at=_moment(day(3), 10))
    count += 1
    # Consulting a third party (Art. 32): the clock is paused.
    r = online(8, "某养老服务公司与民政局签订的运营协议", org="云溪县颐康养老服务有限公司")
    services.start_consultation(request_id=r.id, third_party="云溪县福寿养老服务有限公司", actor=reviewer,
                                note="协议含第三方商业信息", at=_moment(day(6), 10))
    count += 1
    # Extended with the chief representative's consent (Art. 33).
    r = online(16, "2020 年以来全县社会组织年检结果")
    services.extend(request_id=r.id, workdays=20, reason="涉及年份多、信息量大，需要调取档案", actor=chief,
                    at=_moment(day(14), 11))
    count += 1
    # Replied: disclosed; partially disclosed after a clarification and a consultation; withheld.
    r = online(12, "2025 年度婚姻登记统计数据")
    services.reply(request_id=r.id, answer="disclosed", how_to_obtain="见附件电子表格", actor=reviewer,
                   at=_moment(day(9), 15))
    r = online(24, "低保评审会议材料")
    services.request_clarification(request_id=r.id, points=["请写明所需会议的时间"], actor=reviewer,
                                   at=_moment(day(23), 10))
    services.receive_clarification(request_id=r.id, actor=reviewer, at=_moment(day(21), 10))
    services.start_consultation(request_id=r.id, third_party="被评审家庭（书面征求意见）", actor=reviewer,
                                at=_moment(day(19), 10))
    services.end_consultation(request_id=r.id, opinion="object", actor=reviewer, at=_moment(day(12), 10))
    services.extend(request_id=r.id, workdays=10, reason="需对涉及个人隐私的内容作区分处理", actor=chief,
                    at=_moment(day(11), 10))
    services.reply(request_id=r.id, answer="partially_disclosed", grounds=["third_party"],
                   reasons="会议材料中涉及申请家庭收入、病情等个人隐私的内容不予公开，其余内容予以公开", actor=reviewer,
                   at=_moment(day(5), 15))
    r = online(10, "民政局内部请示报告")
    services.reply(request_id=r.id, answer="withheld", grounds=["process_information"],
                   reasons="所申请信息属于内部请示报告等过程性信息", actor=reviewer, at=_moment(day(4), 15))
    count += 3
    # A processing fee (第四十二条): the copies run to 60 pages, over the 30 free; the clock waits.
    r = online(5, "2015 年以来全县低保审批档案复印件（纸质）", delivery="post")
    services.fee_notice(request_id=r.id, method="per_page", pages=60, actor=reviewer,
                        how_to_pay="持收费通知书到县政务服务中心财政窗口缴纳，或扫描非税缴款码", at=_moment(day(3), 11))
    count += 1
    # Withdrawn.
    r = online(6, "殡葬服务收费标准")
    services.withdraw(request_id=r.id, actor=reviewer, note="申请人来电撤回", at=_moment(day(5), 16))
    count += 1
    return count


def _publication(county: Region, today: date, rng: random.Random) -> None:
    dept = Department.objects.get(region=county, code="MZJ")
    reviewer, chief = _staff("mzj.reviewer"), _staff("mzj.chief")
    cal = snapshot_for(county.code)
    published = workday_before(cal, today, 1)
    pub = publication_services.publication_schedule(
        department_id=dept.id, title=f"{today.year} 年第四季度城乡低保拟保障对象公示", kind="quarterly",
        body="经村（居）民委员会民主评议、乡镇审核，下列家庭拟纳入最低生活保障范围（姓名已脱敏）：\n"
             "河湾村 李**（3 人）、桃源村 王**（2 人）、石桥村 张**（1 人）。\n"
             "公示期内如有异议，请向云溪县民政局反映。",
        comment_days=7, comment_unit="calendar", due_on=published, actor=reviewer, subject="civil",
        made_on=published - timedelta(days=3), at=_moment(published - timedelta(days=3)))
    publication_services.publication_submit(publication_id=pub.id, reviewer_id=chief.id, actor=reviewer,
                                            at=_moment(published, 9))
    publication_services.publication_publish(publication_id=pub.id, actor=chief, at=_moment(published, 10))
    publication_services.objection_file(publication_id=pub.id, text="石桥村张**家中有经营性货车，收入可能超标",
                                        at=_moment(today, 8) if today > published else _moment(published, 16))


BUDGET_TABLES = ("收支总表", "收入总表", "支出总表", "财政拨款收支总表", "一般公共预算支出表", "一般公共预算基本支出表",
                 "“三公”经费支出表", "政府性基金预算支出表")
ACCOUNT_TABLES = ("收支总表", "收入表", "支出表", "财政拨款收支总表", "一般公共预算财政拨款支出表",
                  "一般公共预算财政拨款基本支出表", "“三公”经费支出表")  # 政府性基金 table missing: incomplete


def _catalogue(county: Region, today: date) -> int:
    """Catalogue entries through the services: scheduled by a department's reviewer, published by its
    chief representative (review by another person), each on its legal deadline."""
    cal = snapshot_for(county.code)
    year = today.year

    def day(k: int) -> date:
        return workday_before(cal, today, k)

    def schedule(code: str, k: int, title: str, body: str, **kw) -> tuple[int, Staff, Staff]:
        dept = Department.objects.get(region=county, code=code)
        author, chief = _staff(f"{code.lower()}.reviewer"), _staff(f"{code.lower()}.chief")
        kw.setdefault("kind", "ad_hoc")
        kw.setdefault("comment_days", 0)
        kw.setdefault("comment_unit", "calendar")
        pub = publication_services.publication_schedule(department_id=dept.id, title=title, body=body, actor=author,
                                                        at=_moment(day(k), 9), **kw)
        return pub.id, author, chief

    def publish(pub_id: int, author: Staff, chief: Staff, k: int) -> None:
        publication_services.publication_submit(publication_id=pub_id, reviewer_id=chief.id, actor=author,
                                                at=_moment(day(k), 9))
        publication_services.publication_publish(publication_id=pub_id, actor=chief, at=_moment(day(k), 10))

    count = 0
    # A policy document, on time; then changed two days ago (its revision due within 20 working days).
    doc = schedule("MZJ", 12, "云溪县民政局关于进一步做好城乡低保动态管理工作的通知",
                   "各乡镇人民政府：为规范城乡最低生活保障动态管理，现就有关事项通知如下……", category="document",
                   subject="civil", doc_number=f"云民发〔{year}〕12号", made_on=day(12))
    publish(*doc, 8)
    publication_services.publication_revise(publication_id=doc[0], changed_on=day(2), actor=doc[1],
                                            body="各乡镇人民政府：为规范城乡最低生活保障动态管理，现就有关事项通知如下（第三条已修订）……",
                                            at=_moment(day(2), 15))
    count += 2
    # The department budget (预算法 第十四条: within 20 days of the approval), complete.
    budget = schedule("CZJ", 20, f"云溪县财政局 {year} 年部门预算",
                      "本部门预算包括：" + "、".join(BUDGET_TABLES) + "，以及部门职能、机构设置和预算编制说明。",
                      category="budget", subject="finance", made_on=day(22))
    publish(*budget, 18)
    # Last year's final accounts, a table missing (an incomplete disclosure for the audit view).
    accounts = schedule("CZJ", 15, f"云溪县财政局 {year - 1} 年部门决算",
                        "本部门决算包括：" + "、".join(ACCOUNT_TABLES) + "。", category="final_accounts",
                        subject="finance", made_on=day(16))
    publish(*accounts, 12)
    # Staffing (机构编制), created 40 working days ago and published 10 ago: late.
    staffing = schedule("MZJ", 38, "云溪县民政局机构编制情况",
                        "机构名称：云溪县民政局；编制数：32 名；实有人数：30 名；领导职数：1 正 3 副。",
                        category="staffing", subject="organization", made_on=day(40))
    publish(*staffing, 10)
    # A document past its Art. 26 deadline and still unpublished (a supervision warning).
    schedule("ZJJ", 25, "云溪县农村危房改造实施方案", "为做好农村危房改造工作，制定本方案……", category="document",
             subject="construction", doc_number=f"云建发〔{year}〕5号", made_on=day(25))
    # A notice withdrawn after its publication (wrong list attached).
    notice = schedule("MZJ", 9, "临时救助对象名单公示", "拟给予临时救助的对象（姓名已脱敏）：……", category="notice",
                      subject="civil", made_on=day(9), comment_days=5, comment_unit="workdays")
    publish(*notice, 8)
    publication_services.publication_withdraw(publication_id=notice[0], note="附件名单有误，更正后重新公示",
                                              actor=notice[1], at=_moment(day(7), 11))
    count += 5
    # 村级财务公开, each quarter (村民委员会组织法 第三十条): two villages, the next quarter's scheduled.
    quarter = "一二三四"[(day(5).month - 1) // 3]
    for code in (f"{county.prefix}100201", f"{county.prefix}100202"):
        village = Region.objects.get(code=code)
        entry = schedule("CZJ", 6, f"{village.name}{day(5).year}年第{quarter}季度村级财务收支公开",
                         "本季度村集体收入 12.6 万元、支出 9.8 万元、结余 2.8 万元，明细见附表。", category="village_finance",
                         subject="village", kind="quarterly", comment_days=7, village_id=village.id, due_on=day(5))
        publish(*entry, 5)
        count += 2  # and the next quarter's, scheduled by the publication
    return count


# (department, enforcement area, how many officers)
OFFICERS = [("GSJ", "市场监管综合执法", 4), ("SYJ", "食品药品安全执法", 4), ("HBJ", "生态环境保护执法", 3)]


def _enforcement(county: Region, admin: Staff, today: date, rng: random.Random) -> tuple[int, int]:
    """Officers (one certificate expired, one revoked), inspections by two of them, and four major
    penalties: filed on time, filed late, pending within the time, pending past it (a warning)."""
    cal = snapshot_for(county.code)
    registered = 0
    by_dept: dict[str, list[int]] = {}
    for code, area, n in OFFICERS:
        dept = Department.objects.get(region=county, code=code)
        for k in range(1, n + 1):
            person = fictional_person(rng, today=today, youngest=28, oldest=55)
            expired = code == "HBJ" and k == n
            officer = enforcement_services.officer_register(
                department_id=dept.id, name=person.name, id_number=person.id_number,
                certificate_number=f"990121{code}{k:03d}", area=area,
                issued_on=date(today.year - 3, 3, 1), valid_until=(today - timedelta(days=30) if expired
                                                                    else date(today.year + 2, 12, 31)),
                actor=admin, at=_moment(today - timedelta(days=60)))
            registered += 1
            if code == "GSJ" and k == n:
                enforcement_services.officer_revoke(officer_id=officer.id, reason="调离执法岗位", actor=admin,
                                                    at=_moment(today - timedelta(days=20)))
            elif not expired:
                by_dept.setdefault(code, []).append(officer.id)
    parties = [("云溪县好味道餐饮有限公司", "城关镇人民路 8 号", "no_problem", ""),
               ("云溪县鲜丰超市", "城关镇东门街 21 号", "correction", "冷藏柜温度记录不全，责令 7 日内整改"),
               ("云溪县白沙建材厂", "白沙镇工业园", "case_filed", "颗粒物无组织排放，已立案调查")]
    for i, (code, party) in enumerate(zip(("SYJ", "GSJ", "HBJ"), parties, strict=True)):
        dept = Department.objects.get(region=county, code=code)
        name, place, result, note = party
        day = workday_before(cal, today, 10 + i * 3)
        enforcement_services.inspection_record(
            department_id=dept.id, inspected_on=day, party_kind="organization", party_name=name, place=place,
            basis="部门年度双随机抽查计划", matters="证照、台账、现场管理", result=result, result_note=note,
            officer_ids=by_dept[code][:2], random_draw=i != 2, actor=_staff(f"{code.lower()}.reviewer"),
            at=_moment(day, 16))
    days = enforcement_services.filing_days()
    penalties = [("SYJ", f"云食药罚〔{today.year}〕3号", "云溪县某食品有限公司", 40, days - 5),
                 ("HBJ", f"云环罚〔{today.year}〕2号", "云溪县白沙建材厂", 35, days + 4),
                 ("GSJ", f"云市监罚〔{today.year}〕11号", "云溪县某电子商行", 5, None),
                 ("SYJ", f"云食药罚〔{today.year}〕5号", "云溪县某药店", days + 6, None)]
    for code, number, party, ago, filed_after in penalties:
        dept = Department.objects.get(region=county, code=code)
        reviewer = _staff(f"{code.lower()}.reviewer")
        decided = today - timedelta(days=ago)
        p = enforcement_services.penalty_record(
            department_id=dept.id, decision_number=number, party_kind="organization", party_name=party,
            violation="经调查，当事人存在违法行为，情节较重", penalty_kinds=["large_fine"],
            amount=Decimal(rng.choice(("100000", "150000", "200000"))), decided_on=decided,
            legal_review_on=decided - timedelta(days=3), actor=reviewer, at=_moment(decided, 15))
        if filed_after is not None:
            enforcement_services.penalty_file(penalty_id=p.id, filed_with="云溪县司法局", actor=reviewer,
                                              at=_moment(decided + timedelta(days=filed_after), 10))
    return registered, len(penalties)


def _topics(county: Region, today: date) -> None:
    cal = snapshot_for(county.code)
    mzj = Department.objects.get(region=county, code="MZJ")
    zjj = Department.objects.get(region=county, code="ZJJ")
    open_topic = topics.topic_propose(department_id=mzj.id, title="公开各村养老服务补贴发放汇总",
                                      at=_moment(workday_before(cal, today, 3)))
    for n in range(1, 6):
        topics.topic_second(topic_id=open_topic.id, client=f"demo-{n}", at=_moment(workday_before(cal, today, 2)))
    answered = topics.topic_propose(department_id=zjj.id, title="公开农村危房改造对象评定标准",
                                    at=_moment(workday_before(cal, today, 12)))
    topics.topic_answer(topic_id=answered.id, kind="published", actor=_staff("zjj.reviewer"),
                        answer="评定标准已在县政府网站“政策文件”栏目公开，并在各村公示栏张贴",
                        at=_moment(workday_before(cal, today, 5)))
