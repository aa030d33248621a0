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
