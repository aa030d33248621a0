"""The demo county's assessments: windows' October 2026 published (with its ranking and the awards
the bands give), November 2026 in draft with two objections by department heads, and the
departments' and staff's November drafts (the chiefs sharing their windows' deductions). Their line items come from the automatic fact sources (late cases,
red warnings, bad ratings, fees off the schedule, inspection findings …) over what the other apps'
demos recorded, so this demo loads after them. Everything goes through the services, as the demo
logins would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from onewindow.organization.models import Posting, Region, Staff, Window
from onewindow.organization.rules import Role

from . import services as svc
from .models import Assessment, LineItem
from .rules import AwardKind, AwardRule, Band, Grade, PeriodKind, SubjectKind

DEMO_COUNTY = "990121000000"
D = Decimal

BANDS = [Band(Grade.EXCELLENT, D(95), D(110)), Band(Grade.GOOD, D(85), D(95)),
         Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))]
ITEMS = [
    svc.ItemSpec("absence", "窗口人员擅自离岗（每半天）", D(-3), source="window_unauthorised_absence"),
    svc.ItemSpec("overdue", "超承诺时限办结（每件）", D(-5), source="window_overdue_cases", shared_by_chief=True),
    svc.ItemSpec("fee", "目录外收费（每次）", D(-5), source="window_off_schedule_fees", shared_by_chief=True),
    svc.ItemSpec("red", "红牌预警（每次）", D(-2), source="window_red_warnings"),
    svc.ItemSpec("rating_open", "差评未整改（每件）", D(-2), source="window_bad_ratings_unrectified"),
    svc.ItemSpec("rating_fixed", "差评已整改（每件）", D("-0.5"), source="window_bad_ratings_rectified"),
    svc.ItemSpec("inspection", "督查发现问题（每项）", D(-2), source="window_inspection_findings"),
    svc.ItemSpec("receipt", "收件、退件不规范（每次）", D(-2)),
    svc.ItemSpec("archive", "归档不规范（每次）", D(-1)),
    svc.ItemSpec("commendation", "群众书面表扬（每次）", D(1)),
]
# The departments' month (seed 002): orders, efficiency warnings (−0.5 each), complaints found
# true, late cases, and bad ratings left unrectified — the late-case item only from 3 concluded cases.
DEPARTMENT_ITEMS = [
    svc.ItemSpec("overdue", "超承诺时限办结（每件）", D(-2), source="department_overdue_cases", minimum_sample=3),
    svc.ItemSpec("order", "被下达督办单（每件）", D(-1), source="department_supervision_orders"),
    svc.ItemSpec("efficiency", "效能告诫（每次）", D("-0.5"), source="department_efficiency_warnings"),
    svc.ItemSpec("complaint", "投诉属实（每件）", D(-2), source="department_substantiated_complaints"),
    svc.ItemSpec("rating_open", "差评未整改（每件）", D(-1), source="department_bad_ratings_unrectified"),
]
# The staff's month: their own lapses, and a chief representative's share (20%) of the deductions
# of the windows their department serves on the items the window scheme marks shared.
STAFF_ITEMS = [
    svc.ItemSpec("absence", "擅自离岗（每半天）", D(-3), source="unauthorised_absence"),
    svc.ItemSpec("red", "红牌预警（每次）", D(-2), source="staff_red_warnings"),
    svc.ItemSpec("efficiency", "效能告诫（每次）", D("-0.5"), source="staff_efficiency_warnings"),
    svc.ItemSpec("complaint", "投诉属实（每件）", D(-2), source="staff_substantiated_complaints"),
    svc.ItemSpec("fee", "目录外收费（每次）", D(-5), source="staff_off_schedule_fees"),
    svc.ItemSpec("rating_open", "差评未整改（每件）", D(-2), source="staff_bad_ratings_unrectified"),
    svc.ItemSpec("shared", "首席代表连带扣分（每扣 1 分）", D("-0.2"), source="staff_chief_shared_deductions"),
]


def _chiefed_windows(county: Region) -> list[tuple[Window, Staff]]:
    """Windows whose department has a chief representative, with that chief."""
    found = []
    for window in Window.objects.filter(region=county, is_active=True).order_by("number"):
        posting = (Posting.objects.filter(role=Role.CHIEF_REPRESENTATIVE, region=county,
                                          department__in=window.departments.all()).select_related("staff").first())
        if posting is not None:
            found.append((window, posting.staff))
    return found


def load_demo(*, today: date | None = None) -> str:
    """October published, November in draft with two objections (idempotent)."""
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    admin = Staff.objects.filter(user__username="admin").first()
    if county is None or admin is None:
        return "绩效考核：未找到演示县或演示账号，未加载"
    if Assessment.objects.filter(region=county).exists():
        return "绩效考核：演示数据已存在，未重复加载"
    windows = _chiefed_windows(county)
    if len(windows) < 2:
        return "绩效考核：演示县缺少设有首席代表的窗口，未加载"
    (w1, chief1), (w2, chief2) = windows[0], windows[1]
    with transaction.atomic():
        svc.scheme_define(by=admin, region=county, name="窗口月度考核（基础分100，封顶110）",
                          period_kind=PeriodKind.MONTH, subject_kind=SubjectKind.WINDOW,
                          effective_from=date(2026, 1, 1), base=D(100), cap=D(110), items=ITEMS, bands=BANDS,
                          # October's 流动红旗 and 红旗窗口 (the appraisal demo reviews them).
                          awards=[AwardRule(AwardKind.ROTATING_FLAG, 1), AwardRule(AwardKind.MODEL_WINDOW, 2, D(95))])
        october = svc.assessment_score(by=admin, region=county, subject_kind=SubjectKind.WINDOW, period="2026-10",
                                       manual=[svc.ManualEntry(w1.id, "commendation", 3, ("10月群众来信表扬",)),
                                               svc.ManualEntry(w2.id, "archive", 2, ("10月档案检查",))])
        svc.assessment_publish(by=admin, assessment_id=october.id)
        # The published month's numbered report (its page, PDF and workbook are the reports' samples).
        svc.report_issue(by=admin, region=county, kind="period", subject_kind=SubjectKind.WINDOW, period="2026-10")
        november = svc.assessment_score(by=admin, region=county, subject_kind=SubjectKind.WINDOW, period="2026-11",
                                        manual=[svc.ManualEntry(w1.id, "receipt", 1, ("11月督查：退件未出具告知书",)),
                                                svc.ManualEntry(w2.id, "archive", 1, ("11月督查：办结件未按时归档",))])
        for window, chief, code, reason in [(w1, chief1, "receipt", "退件时已出具一次性告知书，附签收回执"),
                                            (w2, chief2, "archive", "该件已于次日补归档，附归档记录")]:
            line = november.scores.get(subject_id=window.id).lines.get(item__code=code)
            svc.objection_raise(by=chief, line_id=line.id, reason=reason)
        svc.scheme_define(by=admin, region=county, name="部门月度考核（基础分100，封顶100）",
                          period_kind=PeriodKind.MONTH, subject_kind=SubjectKind.DEPARTMENT,
                          effective_from=date(2026, 1, 1), base=D(100), cap=D(100), items=DEPARTMENT_ITEMS,
                          bands=[Band(Grade.EXCELLENT, D(95), D(100)), Band(Grade.GOOD, D(85), D(95)),
                                 Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))])
        departments = svc.assessment_score(by=admin, region=county, subject_kind=SubjectKind.DEPARTMENT,
                                           period="2026-11")
        svc.scheme_define(by=admin, region=county, name="工作人员月度考核（基础分100，封顶100）",
                          period_kind=PeriodKind.MONTH, subject_kind=SubjectKind.STAFF,
                          effective_from=date(2026, 1, 1), base=D(100), cap=D(100), items=STAFF_ITEMS,
                          bands=[Band(Grade.EXCELLENT, D(95), D(100)), Band(Grade.GOOD, D(85), D(95)),
                                 Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))])
        staff = svc.assessment_score(by=admin, region=county, subject_kind=SubjectKind.STAFF, period="2026-11")
        accountability = _accountability(county, admin)
        monitors = _monitors(county, admin)
    automatic = (LineItem.objects.filter(score__assessment__in=[november, departments, staff])
                 .exclude(item__source="").count())
    return (f"绩效考核：2026年10月窗口考核已发布（{october.scores.count()} 个窗口），"
            f"11月窗口、部门、工作人员考核为草稿（自动采集明细 {automatic} 条），含异议 2 条；{accountability}；{monitors}")


def _accountability(county: Region, admin: Staff) -> str:
    """An efficiency warning to 国土局's window clerk, the supervisor's proposal of 谈话提醒 on it, the
    clerk's statement and the administrator's decision (a decided record the pages and the leak
    scan show); and one proposal still open to the person's statement."""
    from datetime import timedelta

    from onewindow.core.timesource import now
    from onewindow.supervision.services import efficiency_warning_issue

    from . import accountability_services as acc

    supervisor = Staff.objects.filter(user__username="supervisor").first()
    person = Staff.objects.filter(user__username="gtj.clerk").first()
    other = Staff.objects.filter(user__username="zjj.clerk").first()
    if supervisor is None or person is None or other is None:
        return "问责：未找到演示账号，未加载"
    moment = now() - timedelta(days=14)
    warning = efficiency_warning_issue(reason="11月两次未经请假离开窗口", basis="《政务服务中心效能建设管理办法》第八条",
                                       actor=supervisor, staff_id=person.pk, at=moment)
    record = acc.accountability_propose(by=supervisor, region=county, staff_id=person.pk, measure="talk",
                                        facts="11月两次未经请假离开窗口，群众等候超过20分钟",
                                        basis="《政务服务中心效能建设管理办法》第八条、第十二条",
                                        efficiency_warning_id=warning.pk, at=moment)
    acc.accountability_state(by=person, record_id=record.pk, statement="一次为协助群众到自助区打印材料，另一次确属离岗，今后注意。",
                             at=moment + timedelta(days=1))
    acc.accountability_decide(by=admin, record_id=record.pk, note="陈述部分属实，予以谈话提醒", at=moment + timedelta(days=2))
    second = efficiency_warning_issue(reason="办件超期未说明原因", basis="《政务服务中心效能建设管理办法》第十条",
                                      actor=supervisor, staff_id=other.pk)
    acc.accountability_propose(by=supervisor, region=county, staff_id=other.pk, measure="notice",
                               facts="办件超承诺时限且未向群众说明原因", basis="《政务服务中心效能建设管理办法》第十条",
                               efficiency_warning_id=second.pk)
    return "问责记录 2 条（已决定 1 条，待本人陈述 1 条）"


MONITORS = [
    ("point", "enterprise", "云溪县绿源食品有限公司", "李经理"),
    ("point", "enterprise", "云溪县宏达建筑工程有限公司", "张会计"),
    ("point", "enterprise", "云溪县新丰农业专业合作社", "赵理事长"),
    ("point", "village", "云溪县城关镇东街村", "王书记"),
    ("point", "village", "云溪县城关镇柳塘社区", "陈主任"),
    ("supervisor", "individual", "刘建国（县人大代表）", ""),
    ("supervisor", "individual", "周秀英（县政协委员）", ""),
    ("supervisor", "individual", "黄志强（退休教师）", ""),
]
# (monitor index, kind, department code or "", window number or "", days ago, content)
OBSERVATIONS = [
    (0, "praise", "GSJ", "", 20, "食品经营许可当天受理、三天办结，窗口人员主动帮我们核对材料，点赞。"),
    (1, "problem", "ZJJ", "", 12, "施工许可在住建窗口被要求补交目录外的“情况说明”，来回跑了两次。"),
    (2, "suggestion", "", "", 9, "建议在乡镇便民服务中心也能打印营业执照副本。"),
    (3, "problem", "", "01", 7, "综合窗口中午12点到12点半无人值守，群众排队等候。"),
    (5, "problem", "GTJ", "", 6, "不动产登记窗口叫号后工作人员离岗十几分钟。"),
    (6, "praise", "MZJ", "", 4, "婚姻登记窗口预约办理很顺畅，工作人员热情周到。"),
    (7, "suggestion", "", "", 2, "大厅自助机的操作说明字太小，老年人看不清。"),
]


def _monitors(county: Region, admin: Staff) -> str:
    """Five monitoring points (three enterprises, two villages) and three citizen supervisors, with
    observations (each a feedback work order). Their access codes are ``YXJC01DEMO`` … ``YXJC05DEMO``
    and ``YXJD01DEMO`` … ``YXJD03DEMO``, in the order registered."""
    from datetime import timedelta

    from onewindow.core.timesource import now
    from onewindow.organization.models import Department

    from . import monitoring_services as mon

    registered = []
    counts = {"point": 0, "supervisor": 0}
    for kind, category, name, contact in MONITORS:
        counts[kind] += 1
        code = f"YX{'JC' if kind == 'point' else 'JD'}{counts[kind]:02d}DEMO"
        registered.append(mon.monitor_register(by=admin, region=county, kind=kind, category=category, name=name,
                                               contact_name=contact, code=code))
    for index, kind, department_code, window_number, days_ago, content in OBSERVATIONS:
        department = Department.objects.filter(region=county, code=department_code).first() if department_code else None
        window = Window.objects.filter(region=county, number=window_number).first() if window_number else None
        done = registered[index]
        mon.observation_file(number=done.monitor.number, code=done.code, kind=kind, content=content,
                             department_id=department.pk if department else None,
                             window_id=window.pk if window else None, at=now() - timedelta(days=days_ago))
    return f"效能监测点 5 个、特邀监督员 3 名，监督意见 {len(OBSERVATIONS)} 条（均已生成工单）"
