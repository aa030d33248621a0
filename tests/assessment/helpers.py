"""Helpers of the assessment tests: the local window scheme of LEGAL-RULES §4 as specs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from onewindow.assessment.rules import Band, Grade
from onewindow.assessment.services import ItemSpec

D = Decimal

BANDS = [Band(Grade.EXCELLENT, D(95), D(110)), Band(Grade.GOOD, D(85), D(95)),
         Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))]

STAFF_ITEMS = [
    ItemSpec("absence", "擅自离岗（每半天）", D(-3), source="unauthorised_absence"),
    ItemSpec("inspection", "督查发现问题", D(-2)),
    ItemSpec("commendation", "群众表扬", D(1)),
]

NOV_1 = date(2026, 11, 1)

WINDOW_ITEMS = [
    ItemSpec("absence", "窗口人员擅自离岗（每半天）", D(-3), source="window_unauthorised_absence"),
    ItemSpec("inspection", "督查发现问题", D(-2)),
    ItemSpec("commendation", "群众表扬", D(1)),
]


def window_scheme(county, *, effective_from: date = NOV_1):
    """The LEGAL-RULES §4 window scheme (base 100, cap 110) for ``county``."""
    from onewindow.assessment.rules import PeriodKind, SubjectKind
    from onewindow.assessment.services import scheme_define
    from onewindow.organization.rules import Role

    return scheme_define(by=county.staff[Role.CENTER_ADMIN], region=county.region, name="窗口月度考核",
                         period_kind=PeriodKind.MONTH, subject_kind=SubjectKind.WINDOW,
                         effective_from=effective_from, base=D(100), cap=D(110), items=WINDOW_ITEMS, bands=BANDS)


def november_draft(county, *, at=None):
    """November 2026 of ``county``'s windows scored: window 02 (market) has one inspection finding
    ×2 (−4), its department is the market department."""
    from onewindow.assessment.rules import SubjectKind
    from onewindow.assessment.services import ManualEntry, assessment_score
    from onewindow.organization.rules import Role

    window_scheme(county)
    county.market_window.departments.set([county.market])
    return assessment_score(by=county.staff[Role.CENTER_ADMIN], region=county.region,
                            subject_kind=SubjectKind.WINDOW, period="2026-11", at=at,
                            manual=[ManualEntry(county.market_window.id, "inspection", 2, ("督查记录",))])


def scheme_post(county, **changes: str) -> dict[str, str]:
    """The scheme form as a center administrator fills it: a window month scheme from 2026-01-01 with
    a late-case deduction (automatic, minimum sample 3, shared by the chief), an archive deduction
    with its code left blank, a commendation bonus, and the four bands; ``changes`` override inputs."""
    data = {
        "region": str(county.region.pk), "name": "窗口月度考核", "period_kind": "month", "subject_kind": "window",
        "effective_from": "2026-01-01", "base": "100", "cap": "110",
        "d-rows": "3", "d-0-code": "overdue", "d-0-label": "超承诺时限办结", "d-0-source": "window_overdue_cases",
        "d-0-points": "5", "d-0-minimum_sample": "3", "d-0-shared_by_chief": "1",
        "d-1-code": "", "d-1-label": "归档不规范", "d-1-source": "", "d-1-points": "1", "d-1-minimum_sample": "",
        "d-2-code": "", "d-2-label": "", "d-2-source": "", "d-2-points": "", "d-2-minimum_sample": "",
        "b-rows": "2", "b-0-code": "praise", "b-0-label": "群众书面表扬", "b-0-source": "", "b-0-points": "1",
        "b-1-code": "", "b-1-label": "", "b-1-source": "", "b-1-points": "",
        "band-excellent-low": "95", "band-excellent-high": "110", "band-good-low": "85", "band-good-high": "95",
        "band-pass-low": "60", "band-pass-high": "85", "band-fail-low": "0", "band-fail-high": "60",
    }
    data.update(changes)
    return data


FIVE_WINDOW_ITEMS = [
    ItemSpec("rating_open", "差评未整改", D(-2), source="window_bad_ratings_unrectified", minimum_sample=2),
    ItemSpec("inspection", "督查发现问题", D(-2)), ItemSpec("commendation", "群众表扬", D(1))]


def score_five_windows(county, *, period: str = "2026-11", names=("社保窗口", "税务窗口", "公安窗口")):
    """Five windows of ``county`` scored for ``period`` (a month of 2026) under a scheme with awards
    (流动红旗 1 from 95, 红旗窗口 2, 末位 1 below 90): 01 and 02 at 102 (tied first), 03 at 100, 04 at
    88, 05 at 80 but small (no ratings: below the rating item's minimum sample of 2). Returns the
    draft and the five windows; windows and scheme are made once (a second month reuses them)."""
    from datetime import datetime, time

    from onewindow.assessment.models import Scheme
    from onewindow.assessment.rules import AwardKind, AwardRule, PeriodKind, SubjectKind, parse_period
    from onewindow.assessment.services import ManualEntry, assessment_score, scheme_define
    from onewindow.core.timesource import SHANGHAI
    from onewindow.feedback.models import Rating
    from onewindow.organization.models import Window
    from onewindow.organization.rules import Role

    admin = county.staff[Role.CENTER_ADMIN]
    extra = [Window.objects.get_or_create(region=county.region, number=f"0{i}", defaults={"name": name})[0]
             for i, name in enumerate(names, start=3)]
    windows = [county.general_window, county.market_window, *extra]
    _, first, _ = parse_period(period)
    for w in windows[:4]:
        for day in (3, 4):
            Rating.objects.create(region=county.region, department=county.market, window=w, level=5, channel="progress",
                                  rated_at=datetime.combine(first.replace(day=day), time(10), tzinfo=SHANGHAI))
    if not Scheme.objects.filter(region=county.region).exists():
        scheme_define(by=admin, region=county.region, name="窗口月度考核", period_kind=PeriodKind.MONTH,
                      subject_kind=SubjectKind.WINDOW, effective_from=date(2026, 1, 1), base=D(100), cap=D(110),
                      items=FIVE_WINDOW_ITEMS, bands=BANDS,
                      awards=[AwardRule(AwardKind.ROTATING_FLAG, 1, D(95)), AwardRule(AwardKind.MODEL_WINDOW, 2),
                              AwardRule(AwardKind.BOTTOM, 1, D(90))])
    draft = assessment_score(by=admin, region=county.region, subject_kind=SubjectKind.WINDOW, period=period,
                             manual=[ManualEntry(windows[0].id, "commendation", 2),
                                     ManualEntry(windows[1].id, "commendation", 2),
                                     ManualEntry(windows[3].id, "inspection", 6, ("督查记录",)),
                                     ManualEntry(windows[4].id, "inspection", 10)])
    return draft, windows
