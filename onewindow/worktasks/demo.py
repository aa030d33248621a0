"""The demo county's 2026 efficiency plan (30 tasks drawn from seeds 000 and 002, some late, some
urged, some done), a rectification campaign (seed 003) with its five phases, two written reports
owed by every unit (one handed in late, one never), its public notice up, an experience visit and
about 20 problems in every state, two inspections and one mystery visit with findings (some with
photos) — relative to today. The second demo county (青禾县) has a smaller share: a quarterly
inspection whose finding carries a photo, and a campaign of its own with written reports owed (one
handed in with its file) and its public notice scheduled for later.

Everything goes through the services as the demo logins (``admin``, ``supervisor``, the chiefs of
the departments), so permissions, transitions, numbers, chains and deadline rows are the real
ones. Idempotent: once the county has the plan, nothing more is loaded.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.core.timesource import now as current_time
from onewindow.organization.models import Department, Region, Staff, Window

from . import services as svc
from .models import Campaign, Plan

DEMO_COUNTY = "990121000000"
SECOND_COUNTY = "990123000000"  # 青禾县
PLAN_TITLE = "云溪县提升行政效能建设服务型政府实施方案"
CAMPAIGN = "群众身边不正之风和腐败问题专项整治"

# (branch, lead, [(task, units)]) — seed 000's 活动内容 and seed 002's 明察暗访、督查、通报.
_BRANCHES: list[tuple[str, str, list[tuple[str, list[str]]]]] = [
    ("落实年初确定的工作任务", "CZJ", [
        ("分解政府工作报告确定的年度目标", ["CZJ", "MZJ"]), ("明确承办责任领导和责任单位", ["CZJ"]),
        ("按季度报送目标任务完成情况", ["MZJ", "GTJ", "ZJJ"]), ("年底组织目标责任考核", ["CZJ"])]),
    ("推进重大项目建设", "ZJJ", [
        ("建立重大项目帮办代办制度", ["ZJJ", "GTJ"]), ("开展项目服务月活动", ["ZJJ"]),
        ("集中解决项目建设中的具体问题", ["ZJJ", "FGJ"]), ("儿童福利中心项目按期开工", ["MZJ", "ZJJ"])]),
    ("深化行政审批制度改革", "GSJ", [
        ("清理规范行政审批事项", ["GSJ", "MZJ"]), ("压缩审批时限三分之一以上", ["GSJ", "GTJ", "FGJ"]),
        ("推行一窗受理、并联审批", ["GSJ", "ZJJ"]), ("公布办事指南和收费标准", ["GSJ", "CZJ"])]),
    ("规范行政权力运行", "MZJ", [
        ("编制权力清单和责任清单", ["MZJ", "CZJ"]), ("落实首问负责制", ["MZJ", "GSJ"]),
        ("落实限时办结制", ["MZJ", "FGJ"]), ("落实责任追究制", ["MZJ"]), ("规范行政裁量权", ["GTJ", "HBJ"])]),
    ("加强机关作风和效能建设", "CZJ", [
        ("开展效能建设专题教育", ["CZJ", "MZJ"]), ("公开服务承诺，接受群众监督", ["GSJ", "ZJJ"]),
        ("设立效能投诉电话和意见箱", ["CZJ"]), ("开展窗口服务标准化建设", ["GSJ", "FGJ"])]),
    ("明察暗访和督查通报", "CZJ", [
        ("每季度开展一次明察暗访", ["CZJ"]), ("对窗口在岗和服务情况进行抽查", ["CZJ", "GSJ"]),
        ("督查结果在全县通报", ["CZJ"]), ("对问题单位下达整改通知", ["CZJ", "MZJ"]),
        ("组织群众满意度测评", ["CZJ", "HBJ"])]),
]

# (title, source, lead department code, how far it gets) — seed 003's problem list.
_PROBLEMS: list[tuple[str, str, str, str]] = [
    ("窗口工作人员上班时间玩手机", "inspection", "GSJ", "recorded"),
    ("办事指南与实际要求的材料不一致", "complaint", "GTJ", "recorded"),
    ("门难进、脸难看、事难办", "bad_rating", "FGJ", "recorded"),
    ("同一事项要求群众重复提交材料", "self_inspection", "ZJJ", "assigned"),
    ("推诿扯皮，群众多次往返", "complaint", "MZJ", "assigned"),
    ("收费项目未公示", "audit", "CZJ", "assigned"),
    ("超期办理未说明理由", "supervision", "GTJ", "rectifying"),
    ("窗口无人值守", "inspection", "FGJ", "rectifying"),
    ("答复群众咨询态度生硬", "bad_rating", "GSJ", "rectifying"),
    ("违规收取工本费", "audit", "MZJ", "overdue"),
    ("审批环节设置不合理", "self_inspection", "ZJJ", "submitted"),
    ("公示栏信息未及时更新", "inspection", "CZJ", "submitted"),
    ("优亲厚友，插队办理", "complaint", "FGJ", "closed"),
    ("一次性告知不到位", "bad_rating", "GSJ", "closed"),
    ("未按规定执行首问负责", "supervision", "MZJ", "confirmed"),
    ("专项资金拨付滞后", "audit", "CZJ", "confirmed"),
    ("窗口脱岗问题反弹", "inspection", "GTJ", "reopened"),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=SHANGHAI)


def _chief(dept: Department) -> Staff | None:
    return (Staff.objects.filter(postings__role="chief_representative", postings__department=dept)
            .order_by("id").first())


def load_demo(*, today: date | None = None) -> str:
    """Load the plan, the campaign and the inspections once; one Chinese summary line."""
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    admin = Staff.objects.filter(user__username="admin").first()
    supervisor = Staff.objects.filter(user__username="supervisor").first()
    if county is None or admin is None or supervisor is None:
        return "工作任务：演示县或其管理员不存在，未加载"
    second = _second_county(today or local_date(), current_time())
    if Plan.objects.filter(region=county, title=PLAN_TITLE).exists():
        return "工作任务：演示计划已存在，未重复加载"
    today = today or local_date()
    now = current_time()
    depts = {d.code: d for d in Department.objects.filter(region=county)}
    with transaction.atomic():
        tasks, late = _plan(county, admin, supervisor, depts, today, now)
        problems = _campaign(county, admin, depts, today, now)
        findings = _inspections(county, admin, today, now)
    return (f"工作任务：{today.year}年效能计划 {tasks} 项任务（{late} 项逾期），"
            f"专项整治问题 {problems} 个，明察暗访发现问题 {findings} 个{second}")


SECOND_CAMPAIGN = "窗口服务作风专项整治"


def _second_county(today: date, now: datetime) -> str:
    """青禾县's share, once: an inspection with a photographed finding, and a campaign whose units
    owe a written report (市场监管局's handed in with its file) and whose notice goes up in two weeks."""
    county = Region.objects.filter(code=SECOND_COUNTY).first()
    admin = Staff.objects.filter(user__username="qh.admin").first()
    if county is None or admin is None or Campaign.objects.filter(region=county, title=SECOND_CAMPAIGN).exists():
        return ""
    windows = list(Window.objects.filter(region=county).order_by("number"))
    units = [d for d in Department.objects.filter(region=county).order_by("code") if _chief(d) is not None]
    if not windows or not units:
        return ""
    day = timedelta(days=1)
    with transaction.atomic():
        inspection = svc.inspection_create(actor=admin, region_id=county.pk, kind="inspection",
                                           title="第四季度窗口服务明察", planned_on=today - 5 * day,
                                           window_ids=[w.pk for w in windows], at=now - 5 * day)
        svc.finding_record(actor=admin, inspection_id=inspection.pk, criterion="presence", window_id=windows[0].pk,
                           note=f"{windows[0].number}号窗口工作时间无人", photos=[_photo()], at=now - 5 * day)
        start = today - 20 * day
        campaign = svc.campaign_create(
            actor=admin, region_id=county.pk, title=SECOND_CAMPAIGN, starts_on=start, ends_on=today + 40 * day,
            publish_from=today + 14 * day, at=now - 20 * day,
            phases=[svc.PhaseInput("排查", start, today + 10 * day), svc.PhaseInput("整改", today, today + 40 * day)])
        reports = svc.campaign_require_reports(actor=admin, campaign_id=campaign.pk, title="问题清单和整改措施",
                                               due_on=today + 10 * day, department_ids=[d.pk for d in units],
                                               at=now - 20 * day)
        handed = next((r for r in reports if r.department.code == "GSJ"), reports[0])
        svc.campaign_report_submit(actor=_chief(handed.department), report_id=handed.pk, text="问题清单见附件",
                                   attachment=_pdf("问题清单.pdf"), at=now - day)
    return f"；青禾县明察 1 次、专项整治 1 项（书面报告 {len(reports)} 份）"


def _plan(county: Region, admin: Staff, supervisor: Staff, depts: dict[str, Department], today: date,
          now: datetime) -> tuple[int, int]:
    plan = svc.plan_create(actor=admin, region_id=county.pk, title=PLAN_TITLE, year=today.year,
                           at=now - timedelta(days=90))
    start = today - timedelta(days=90)
    count = late = 0
    for b, (branch, lead, children) in enumerate(_BRANCHES, start=1):
        if lead not in depts:
            continue
        parent = svc.task_create(
            actor=admin, plan_id=plan.pk, title=branch, lead_id=depts[lead].pk, code=str(b),
            units=[svc.UnitInput(depts[lead].pk, (_chief(depts[lead]) or admin).name)], starts_on=start,
            due_on=today + timedelta(days=120), deliverable=branch, at=now - timedelta(days=90))
        count += 1
        for c, (title, units) in enumerate(children, start=1):
            chosen = [depts[u] for u in units if u in depts] or [depts[lead]]
            # Every third task's date has passed: the late ones of the roll-up and the sweep.
            overdue = (b + c) % 3 == 0
            due = today - timedelta(days=5 + c) if overdue else today + timedelta(days=15 * c)
            task = svc.task_create(
                actor=admin, plan_id=plan.pk, parent_id=parent.pk, title=title, lead_id=chosen[0].pk,
                code=f"{b}.{c}", starts_on=start, due_on=due, deliverable=title, standard="按方案要求按期完成",
                measures="明确专人负责，按月报送进展",
                units=[svc.UnitInput(d.pk, (_chief(d) or admin).name) for d in chosen], at=now - timedelta(days=90))
            count += 1
            for d in chosen:
                reporter = _chief(d)
                if reporter is not None:
                    svc.task_report(actor=reporter, task_id=task.pk, department_id=d.pk,
                                    text=f"{d.short_name or d.name}已按计划推进", progress=30 + 20 * (c % 3), at=now)
            lead_chief = _chief(chosen[0])
            if lead_chief is not None:
                svc.task_consolidate(actor=lead_chief, task_id=task.pk, summary="各责任单位按计划推进", at=now)
            if c == 1 and not overdue:
                svc.task_close(actor=admin, task_id=task.pk, note="已完成", at=now)
            elif overdue:
                late += 1
                if c % 2 == 0:
                    svc.task_urge(actor=supervisor, task_id=task.pk, note="已超过完成时限，请三个工作日内报送情况",
                                  at=now)
    return count, late


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 200, 200)).save(out, "PNG")
    return SimpleUploadedFile("现场照片.png", out.getvalue(), content_type="image/png")


def _campaign_record(county: Region, admin: Staff, depts: dict[str, Department], today: date,
                     now: datetime) -> tuple[Campaign, int, int]:
    """Seed 003's campaign: its five phases, two written reports owed by every unit (the first
    mostly handed in — one late, one never — the second due soon), published since a week ago."""
    start = today - timedelta(days=60)
    day = timedelta(days=1)
    campaign = svc.campaign_create(
        actor=admin, region_id=county.pk, title=CAMPAIGN, starts_on=start, ends_on=today + 30 * day,
        publish_from=today - 7 * day, at=now - timedelta(days=60),
        phases=[svc.PhaseInput("大学习", start, start + 60 * day), svc.PhaseInput("大排查", start, start + 30 * day),
                svc.PhaseInput("大体验", start, start + 40 * day), svc.PhaseInput("大督查", start, start + 49 * day),
                svc.PhaseInput("大考评", start + 30 * day, today + 30 * day)])
    units = [d for d in depts.values() if _chief(d) is not None]
    lists = svc.campaign_require_reports(actor=admin, campaign_id=campaign.pk, title="问题清单、责任清单、整改清单",
                                         due_on=start + 18 * day, department_ids=[d.pk for d in units],
                                         at=now - timedelta(days=60))
    late = 0
    for n, report in enumerate(lists):
        if n == len(lists) - 1:  # never handed in: red
            late += 1
            continue
        when = now - timedelta(days=60 - (25 if n == 0 else 15))  # the first one a week late
        late += int(n == 0)
        svc.campaign_report_submit(actor=_chief(report.department), report_id=report.pk, text="三张清单见附件",
                                   attachment=_pdf("三张清单.pdf"), at=when)
    finals = svc.campaign_require_reports(actor=admin, campaign_id=campaign.pk, title="专项行动整改总结报告",
                                          due_on=today + 5 * day, department_ids=[d.pk for d in units],
                                          at=now - timedelta(days=30))
    if finals:
        svc.campaign_report_submit(actor=_chief(finals[0].department), report_id=finals[0].pk, text="总结报告",
                                   attachment=_pdf("总结报告.pdf"), at=now)
    return campaign, len(lists) + len(finals), late


def _campaign(county: Region, admin: Staff, depts: dict[str, Department], today: date, now: datetime) -> int:
    campaign, _reports, _late = _campaign_record(county, admin, depts, today, now)
    made = 0
    for title, source, code, story in _PROBLEMS:
        dept = depts.get(code)
        chief = _chief(dept) if dept else None
        if dept is None or chief is None:
            continue
        recorded_at = now - timedelta(days=60)
        p = svc.problem_record(actor=admin, region_id=county.pk, title=title, source=source, campaign_id=campaign.pk,
                               evidence="专项整治问题清单（见群众来信和检查记录）", at=recorded_at)
        made += 1
        if story == "recorded":
            continue
        svc.problem_act(actor=admin, problem_id=p.pk, action="assign", department_id=dept.pk,
                        responsible_id=chief.pk, at=recorded_at)
        if story == "assigned":
            continue
        planned_at = now - timedelta(days=45) if story == "overdue" else now
        svc.problem_act(actor=chief, problem_id=p.pk, action="plan", measures="建立制度、开展教育、限期整改",
                        due_workdays=15, at=planned_at)
        if story in ("rectifying", "overdue"):
            svc.problem_act(actor=chief, problem_id=p.pk, action="progress", note="已制定整改方案", at=now)
            continue
        svc.problem_act(actor=chief, problem_id=p.pk, action="submit", note="整改完成，附整改报告", at=now)
        if story == "submitted":
            continue
        svc.problem_act(actor=admin, problem_id=p.pk, action="verify", note="现场核验并查阅台账，整改到位",
                        recheck_months=3, at=now)
        if story == "confirmed":
            svc.problem_act(actor=admin, problem_id=p.pk, action="recheck_pass", note="回头看未发现反弹", at=now)
        elif story == "reopened":
            svc.problem_act(actor=admin, problem_id=p.pk, action="reopen", note="回头看发现问题反弹，重新整改",
                            due_workdays=10, at=now)
    # 大体验: the office applies as a citizen would; what it finds enters the campaign's problems.
    windows = list(Window.objects.filter(region=county).order_by("number")[:2])
    if windows:
        visit = svc.inspection_create(
            actor=admin, region_id=county.pk, kind="experience", title="体验：以群众身份办理个体工商户登记",
            planned_on=today - timedelta(days=45), window_ids=[windows[0].pk], wait_minutes=35, visits_needed=2,
            answers="窗口要求提供办事指南未列的房屋证明复印件", applied_for="个体工商户设立登记",
            campaign_id=campaign.pk, at=now - timedelta(days=45))
        svc.finding_record(actor=admin, inspection_id=visit.pk, criterion="signage", window_id=windows[0].pk,
                           note="办事指南未列房屋证明，群众跑了两次", photos=[_photo()], at=now - timedelta(days=45))
        made += 1
    return made


def _inspections(county: Region, admin: Staff, today: date, now: datetime) -> int:
    windows = list(Window.objects.filter(region=county).order_by("number")[:4])
    if not windows:
        return 0
    found = 0
    for n, (title, day) in enumerate((("第三季度窗口服务明察", today - timedelta(days=40)),
                                      ("第四季度窗口服务明察", today - timedelta(days=3)))):
        insp = svc.inspection_create(actor=admin, region_id=county.pk, kind="inspection", title=title,
                                     planned_on=day, window_ids=[w.pk for w in windows], at=now)
        svc.finding_record(actor=admin, inspection_id=insp.pk, criterion="presence", window_id=windows[n].pk,
                           note=f"{windows[n].number}号窗口工作时间无人", photos=[_photo()], at=now)
        svc.finding_record(actor=admin, inspection_id=insp.pk, criterion="dress", window_id=windows[-1].pk,
                           note="工作人员未佩戴工牌", at=now)
        found += 2
    visit = svc.inspection_create(actor=admin, region_id=county.pk, kind="mystery", title="暗访：办理营业执照变更",
                                  planned_on=today - timedelta(days=10), window_ids=[windows[0].pk],
                                  wait_minutes=48, answers="窗口称材料须到三楼另行复印，未一次性告知",
                                  visits_needed=2, at=now)
    svc.finding_record(actor=admin, inspection_id=visit.pk, criterion="conduct", window_id=windows[0].pk,
                       note="未一次性告知所需材料，群众跑了两次", at=now)
    return found + 1
