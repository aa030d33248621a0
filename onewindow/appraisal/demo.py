"""The demo county's appraisal records: a closed 民主评议 of the windows (paper, code and open-link
questionnaires) and an open one with its public link and codes; October's awards reviewed (one
kept, one withdrawn with its notice); the exposure board (one lapse published with the clerk's
reply, one awaiting publication); service commitments of windows and a department with their
checks (one not kept); training and qualification records (one window clerk without the pre-post
training, flagged); the demo clerk's work diary. Loaded after the assessment demo (it reviews
October's published awards). Everything goes through the services, as the demo logins would."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction

from onewindow.assessment.models import Award
from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI, local_date
from onewindow.hall.models import RosterEntry
from onewindow.organization.models import Department, Posting, Region, Staff, Window

from . import services as svc
from .models import Campaign

DEMO_COUNTY = "990121000000"
QUESTIONS = [svc.QuestionSpec("服务态度（热情、文明用语）", 5), svc.QuestionSpec("办事效率（一次办好、按时办结）", 5),
             svc.QuestionSpec("政策解释与告知是否清楚", 5), svc.QuestionSpec("窗口纪律（在岗、着装、不玩手机）", 5)]
# (window number, respondent kind, channel, scores): two 不满意 votes for window 05.
ANSWERS = [("01", "citizen", "paper", (5, 5, 4, 5)), ("01", "enterprise", "code", (4, 5, 5, 4)),
           ("05", "citizen", "paper", (2, 2, 3, 2)), ("05", "enterprise", "code", (3, 2, 2, 3)),
           ("05", "third_party", "paper", (4, 4, 3, 4)), ("08", "citizen", "paper", (5, 4, 4, 5))]


def _moment(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _campaigns(county: Region, admin: Staff) -> None:
    windows = dict(Window.objects.filter(region=county).values_list("number", "id"))
    closed = svc.campaign_create(by=admin, region_id=county.pk, title="2026年第四季度窗口民主评议（群众、企业、第三方）",
                                 subject_kind="window", opens_on=date(2026, 10, 15), closes_on=date(2026, 11, 20),
                                 questions=QUESTIONS)
    svc.campaign_open(by=admin, campaign_id=closed.pk)
    codes = iter(svc.campaign_issue_codes(by=admin, campaign_id=closed.pk, kind="enterprise", count=5))
    questions = list(closed.questions.order_by("order").values_list("id", flat=True))
    for n, (number, kind, channel, scores) in enumerate(ANSWERS, 1):
        if number not in windows:
            continue
        values = dict(zip(questions, scores, strict=True))
        if channel == "code":
            svc.campaign_answer_code(code=next(codes), subject_id=windows[number], values=values)
        else:
            svc.campaign_enter_paper(by=admin, campaign_id=closed.pk, kind=kind, subject_id=windows[number],
                                     values=values, scan_ref=f"PY-2026-{n:03d}", comment="")
    svc.campaign_close(by=admin, campaign_id=closed.pk)
    current = svc.campaign_create(by=admin, region_id=county.pk, title="2026年度部门作风民主评议（公开征求意见）",
                                  subject_kind="department", opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 31),
                                  questions=QUESTIONS[:3], open_link=True)
    svc.campaign_open(by=admin, campaign_id=current.pk)
    svc.campaign_issue_codes(by=admin, campaign_id=current.pk, kind="third_party", count=3)


def _awards(county: Region, admin: Staff) -> int:
    awards = list(Award.objects.filter(assessment__region=county).order_by("assessment__last_day", "kind", "rank", "id"))
    if awards:
        svc.award_review(by=admin, award_id=awards[0].pk, withdraw=False,
                         reason="11月复查：窗口服务质量保持，群众评价良好，保留命名")
    if len(awards) > 1:
        svc.award_review(by=admin, award_id=awards[-1].pk, withdraw=True,
                         reason="11月复查：该窗口发生投诉属实一起，按办法第十五条撤销命名并收回流动红旗")
    return len(awards)


def _exposures(county: Region, admin: Staff, today: date) -> None:
    clerk = Staff.objects.filter(user__username="gtj.clerk").first() or Staff.objects.get(user__username="clerk")
    window = Posting.objects.filter(staff=clerk, window__isnull=False).values_list("window_id", flat=True).first()
    published = svc.exposure_record(
        by=admin, region_id=county.pk, title="窗口工作人员上班时间玩手机、群众等候未及时接待",
        facts="2026年11月18日暗访发现，窗口工作人员上班时间使用手机玩游戏，群众在窗口前等候约5分钟未予接待。",
        basis="《窗口工作人员考核办法》第十二条：暗访发现的纪律问题经核实的，在曝光台公开曝光",
        occurred_on=min(date(2026, 11, 18), today), staff_id=clerk.pk, window_id=window)
    svc.exposure_publish(by=admin, exposure_id=published.pk)
    svc.exposure_reply(by=clerk, exposure_id=published.pk,
                       text="本人对暗访发现的问题无异议，已作书面检查，今后严格遵守窗口纪律，欢迎群众监督。")
    svc.exposure_record(by=admin, region_id=county.pk, title="部门未按承诺时限答复群众咨询",
                        facts="2026年11月群众电话咨询两次未在承诺的2个工作日内答复。",
                        basis="《服务承诺制管理办法》第九条：承诺未兑现且经核实的，予以曝光",
                        occurred_on=min(date(2026, 11, 25), today),
                        department_id=Department.objects.filter(region=county).order_by("id").values_list(
                            "id", flat=True).first())


def _commitments(county: Region, admin: Staff, today: date) -> None:
    windows = {w.number: w for w in Window.objects.filter(region=county, number__in=["01", "05"])}
    department = Department.objects.filter(region=county).order_by("id").first()
    rows = [(windows.get("01"), None, "即办件当场办结，承诺件一次性告知所需材料", "抽查当日即办件办结时间与告知单"),
            (windows.get("05"), None, "不动产登记（一般登记）3 个工作日内办结", "抽查当月办结件的办理时长"),
            (None, department, "群众咨询 2 个工作日内答复", "抽查咨询登记与答复记录")]
    checks = [(date(2026, 11, 10), True, "抽查即办件 5 件，均当场办结"),
              (date(2026, 11, 12), False, "抽查 10 件，2 件超过 3 个工作日办结（办件详见督查记录）"),
              (date(2026, 11, 20), True, "抽查咨询 6 次，均在 2 个工作日内答复")]
    for (window, dept, content, standard), (day, kept, evidence) in zip(rows, checks, strict=True):
        if window is None and dept is None:
            continue
        c = svc.commitment_publish(by=admin, region_id=county.pk, window_id=window.pk if window else None,
                                   department_id=dept.pk if dept and not window else None, content=content,
                                   standard=standard, published_on=date(2026, 1, 1))
        if day <= today:
            svc.commitment_check(by=admin, commitment_id=c.pk, checked_on=day, kept=kept, evidence=evidence)


def _training(county: Region, admin: Staff, today: date) -> None:
    window_staff = list(Staff.objects.filter(postings__region=county, postings__window__isnull=False).distinct()
                        .order_by("employee_number"))
    # Everyone but the last has the pre-post training: the last one is flagged on the roster.
    for staff in window_staff[:-1]:
        svc.training_record(by=admin, region_id=county.pk, staff_id=staff.pk, kind="pre_post",
                            title="政务服务窗口人员岗前培训（政策法规、业务流程、服务礼仪）",
                            completed_on=min(date(2026, 3, 6), today), hours="24")
    for n, staff in enumerate(window_staff[:3], 1):
        svc.qualification_record(by=admin, region_id=county.pk, staff_id=staff.pk, name="政务服务专员（综合窗口）",
                                 certificate_number=f"ZWZY-2026-{n:04d}", obtained_on=min(date(2026, 4, 1), today),
                                 valid_until=date(2029, 3, 31))


def _diary(today: date) -> int:
    clerk = Staff.objects.filter(user__username="clerk").first()
    if clerk is None:
        return 0
    days = sorted(set(RosterEntry.objects.filter(staff=clerk, day__lt=today, day__gte=today - timedelta(days=10))
                      .values_list("day", flat=True)))
    written = 0
    # The latest rostered day is left without an entry: the page shows it as missing.
    for day in days[:-1]:
        try:
            svc.diary_write(by=clerk, day=day, content="受理企业开办、食品经营许可等事项，解答咨询，办结件已归档。",
                            at=_moment(day))
            written += 1
        except DomainError:
            continue  # not a working day on the calendar
    return written


def load_demo(*, today: date | None = None) -> str:
    """The demo county's campaigns, award reviews, exposures, commitments, training and diary (idempotent)."""
    today = today or local_date()
    county = Region.objects.filter(code=DEMO_COUNTY).first()
    admin = Staff.objects.filter(user__username="admin").first()
    if county is None or admin is None:
        return "评议与承诺：未找到演示县或演示账号，未加载"
    if Campaign.objects.filter(region=county).exists():
        return "评议与承诺：演示数据已存在，未重复加载"
    with transaction.atomic():
        _campaigns(county, admin)
        awards = _awards(county, admin)
        _exposures(county, admin, today)
        _commitments(county, admin, today)
        _training(county, admin, today)
    diary = _diary(today)
    return (f"评议与承诺：民主评议 2 次（已结束 1 次、进行中 1 次），复查评优 {min(awards, 2)} 项，曝光 2 条，"
            f"服务承诺 3 项，工作日记 {diary} 篇")
