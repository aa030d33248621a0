"""The demo county's window assessments: October 2026 published (with its ranking and the awards the
bands give), November 2026 in draft with two objections by department heads. Everything goes
through the services, as the demo logins would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from onewindow.organization.models import Posting, Region, Staff, Window
from onewindow.organization.rules import Role

from . import services as svc
from .models import Assessment
from .rules import Band, Grade, PeriodKind, SubjectKind

DEMO_COUNTY = "990121000000"
D = Decimal

BANDS = [Band(Grade.EXCELLENT, D(95), D(110)), Band(Grade.GOOD, D(85), D(95)),
         Band(Grade.PASS, D(60), D(85)), Band(Grade.FAIL, D(0), D(60))]
ITEMS = [
    svc.ItemSpec("absence", "窗口人员擅自离岗（每半天）", D(-3), source="window_unauthorised_absence"),
    svc.ItemSpec("overdue", "超承诺时限办结（每件）", D(-5)),
    svc.ItemSpec("fee", "擅自收费（每次）", D(-5)),
    svc.ItemSpec("receipt", "收件、退件不规范（每次）", D(-2)),
    svc.ItemSpec("archive", "归档不规范（每次）", D(-1)),
    svc.ItemSpec("commendation", "群众书面表扬（每次）", D(1)),
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
                          effective_from=date(2026, 1, 1), base=D(100), cap=D(110), items=ITEMS, bands=BANDS)
        october = svc.assessment_score(by=admin, region=county, subject_kind=SubjectKind.WINDOW, period="2026-10",
                                       manual=[svc.ManualEntry(w1.id, "commendation", 3, ("10月群众来信表扬",)),
                                               svc.ManualEntry(w2.id, "overdue", 1, ("10月超承诺时限1件",)),
                                               svc.ManualEntry(w2.id, "archive", 2, ("10月档案检查",))])
        svc.assessment_publish(by=admin, assessment_id=october.id)
        november = svc.assessment_score(by=admin, region=county, subject_kind=SubjectKind.WINDOW, period="2026-11",
                                        manual=[svc.ManualEntry(w1.id, "receipt", 1, ("11月督查：退件未出具告知书",)),
                                                svc.ManualEntry(w2.id, "fee", 1, ("11月督查：收取复印费",))])
        for window, chief, reason in [(w1, chief1, "退件时已出具一次性告知书，附签收回执"),
                                      (w2, chief2, "复印费为申请人自愿委托第三方收取，非窗口收费")]:
            line = november.scores.get(subject_id=window.id).lines.get()
            svc.objection_raise(by=chief, line_id=line.id, reason=reason)
    return (f"绩效考核：2026年10月窗口考核已发布（{october.scores.count()} 个窗口），"
            f"11月考核为草稿，含异议 2 条")
