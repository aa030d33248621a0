"""The automatic fact sources (issue 20 item 1), each recomputed by hand from rows written here:
cases over the promised limit, red warnings, supervision orders, efficiency warnings,
substantiated complaints, bad ratings rectified or not, fees off the schedule, inspection
findings; then minimum samples and a chief representative's shared deductions."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import count

import pytest

from onewindow.assessment import facts
from onewindow.assessment.rules import PeriodKind, SubjectKind
from onewindow.assessment.services import ItemSpec, ManualEntry, assessment_score, scheme_define
from onewindow.cases.models import Case
from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI
from onewindow.feedback.models import Rating, Rectification, WorkOrder
from onewindow.fees.models import OffScheduleAttempt
from onewindow.lifecycle.models import Deadline
from onewindow.organization.rules import Role
from onewindow.supervision.models import EfficiencyWarning, SupervisionOrder, Warning
from onewindow.worktasks.models import Finding, Inspection

from .helpers import BANDS, NOV_1, D

_n = count(1)


def local(d: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=SHANGHAI)


def case(county, *, window, department, concluded: datetime, promised: date | None, region=None) -> Case:
    """A concluded case row with its kernel promised-deadline row (the facts the source reads)."""
    n = next(_n)
    c = Case.objects.create(
        number=f"T{n:06d}", query_code="Q", region=region or county.region, department=department,
        item=county.market_item, item_version=county.market_item.current_version, window=window, channel="window",
        applicant_kind="person", applicant_name="张三", applicant_id_type="resident_id",
        applicant_id_number="110101199001011234", status="concluded", submitted_at=concluded, concluded_at=concluded,
        promised_due=promised)
    if promised is not None:
        Deadline.objects.create(subject_type="case", subject_id=c.id, kind="promised", region=c.region,
                                department=department, due_on=promised, state="closed", changed_at=concluded)
    return c


def red_warning(county, *, level="red", window=None, staff=None, department=None, region=None, day: date) -> Warning:
    n = next(_n)
    return Warning.objects.create(rule="double_intake", level=level, target_kind="window", target_key=f"k{n}",
                                  subject=f"s{n}", region=region or county.region, window=window, staff=staff,
                                  department=department, message="同一申请重复收件", basis="规则", fired_at=local(day))


def rating(county, *, level: int, day: date, window=None, staff=None, rect: tuple[str, str] | None = None,
           channel="progress") -> Rating:
    r = Rating.objects.create(region=county.region, department=county.market, window=window, staff=staff, level=level,
                              channel=channel, rated_at=local(day))
    if rect is not None:
        Rectification.objects.create(number=f"ZG{next(_n):04d}", rating=r, region=county.region,
                                     department=county.market, state=rect[0], outcome=rect[1], opened_at=local(day),
                                     verify_due=day, rectify_due=day)
    return r


def complaint(county, *, substantiated: bool | None, answered: date, staff=None, kind="complaint") -> WorkOrder:
    return WorkOrder.objects.create(number=f"TS{next(_n):04d}", region=county.region, kind=kind, source="window",
                                    handling="written", topic="态度生硬", content="态度生硬", about_staff=staff,
                                    department=county.market, received_at=local(answered), answer_due=answered,
                                    answered_at=local(answered, 15), substantiated=substantiated)


def november_facts(county):
    """Every kind of fact once or twice in and around November 2026 for 云溪县's window 02 (市场
    监管窗口), its clerk, the market department and the township."""
    w2, w1, clerk, admin = county.market_window, county.general_window, county.staff[Role.CLERK], \
        county.staff[Role.CENTER_ADMIN]
    market = county.market
    # Cases: one over its promised date (due Tue 11-10, concluded Thu 11-12: 2 working days late),
    # one on time, one late but concluded 00:30 on 1 December local time (December's), one late at
    # window 01 of the civil department.
    late = case(county, window=w2, department=market, concluded=local(date(2026, 11, 12)), promised=date(2026, 11, 10))
    case(county, window=w2, department=market, concluded=local(date(2026, 11, 5)), promised=date(2026, 11, 10))
    case(county, window=w2, department=market, concluded=local(date(2026, 12, 1), 0, 30), promised=date(2026, 11, 20))
    case(county, window=w1, department=county.civil, concluded=local(date(2026, 11, 20)), promised=date(2026, 11, 18))
    # Warnings: a red one at window 02 against the clerk; a yellow one (not counted); a red one in October.
    red_warning(county, window=w2, staff=clerk, department=market, day=date(2026, 11, 16))
    red_warning(county, level="yellow", window=w2, day=date(2026, 11, 17))
    red_warning(county, window=w2, day=date(2026, 10, 30))
    # A red warning in the township (its own region).
    red_warning(county, region=county.township, day=date(2026, 11, 18))
    # A supervision order to the market department, and an efficiency warning to the clerk and one
    # to the department.
    SupervisionOrder.objects.create(number="DB-2026-001", region=county.region, department=market, subject="超期办件",
                                    requirement="说明原因", reply_workdays=3, reply_due=date(2026, 11, 12),
                                    issued_by=admin, issued_at=local(date(2026, 11, 9)))
    EfficiencyWarning.objects.create(number="GJ-2026-001", region=county.region, staff=clerk, reason="擅自离岗",
                                     basis="效能规定", issued_by=admin, issued_at=local(date(2026, 11, 10)))
    EfficiencyWarning.objects.create(number="GJ-2026-002", region=county.region, department=market,
                                     reason="督办逾期", basis="效能规定", issued_by=admin,
                                     issued_at=local(date(2026, 11, 11)))
    # Complaints: one substantiated against the clerk, one not, one praise.
    complaint(county, substantiated=True, answered=date(2026, 11, 19), staff=clerk)
    complaint(county, substantiated=False, answered=date(2026, 11, 19), staff=clerk)
    complaint(county, substantiated=None, answered=date(2026, 11, 19), staff=clerk, kind="praise")
    # Ratings at window 02 by the clerk: one bad rectified, one bad still being rectified, one bad
    # confirmed invalid (not counted), two good.
    rating(county, level=2, day=date(2026, 11, 3), window=w2, staff=clerk, rect=("closed", "rectified"))
    rating(county, level=1, day=date(2026, 11, 24), window=w2, staff=clerk, rect=("rectifying", ""))
    rating(county, level=2, day=date(2026, 11, 24), window=w2, staff=clerk, rect=("invalid", "invalid"))
    rating(county, level=5, day=date(2026, 11, 4), window=w2, staff=clerk)
    rating(county, level=4, day=date(2026, 11, 4), window=w2, staff=clerk)
    # A fee off the schedule billed by the clerk on the late case.
    OffScheduleAttempt.objects.create(region=county.region, department=market, case=late, actor=clerk,
                                      attempted_at=local(date(2026, 11, 20)), source="import", fee_name="复印费",
                                      amount_fen=500)
    # A mystery visit finding at window 02; one at window 01.
    visit = Inspection.objects.create(region=county.region, kind="mystery", title="暗访窗口", inspector=admin,
                                      planned_on=date(2026, 11, 25), criteria=["conduct"], created_at=local(NOV_1))
    Finding.objects.create(inspection=visit, window=w2, criterion="conduct", note="玩手机", at=local(date(2026, 11, 25)))
    Finding.objects.create(inspection=visit, window=w1, criterion="signage", note="未亮证", at=local(date(2026, 11, 25)))
    return late


def define(county, kind: SubjectKind, items: list[ItemSpec]):
    """A month scheme for ``kind``: base 100, cap 110, the bands of LEGAL-RULES §4."""
    return scheme_define(by=county.staff[Role.CENTER_ADMIN], region=county.region, name="考核方案",
                         period_kind=PeriodKind.MONTH, subject_kind=kind, effective_from=NOV_1, base=D(100),
                         cap=D(110), items=items, bands=BANDS)


def score(county, kind: SubjectKind, **kw):
    return assessment_score(by=county.staff[Role.CENTER_ADMIN], region=county.region, subject_kind=kind,
                            period="2026-11", **kw)


def lines_of(assessment, subject_id):
    s = assessment.scores.get(subject_id=subject_id)
    return s, [(line.item.code, line.count, line.points, line.amount) for line in s.lines.select_related("item")]


WINDOW_ITEMS = [
    ItemSpec("overdue", "超承诺时限办结", D(-5), source="window_overdue_cases"),
    ItemSpec("red", "红牌预警", D(-2), source="window_red_warnings"),
    ItemSpec("fee", "目录外收费", D(-5), source="window_off_schedule_fees"),
    ItemSpec("rated_fixed", "差评已整改", D("-0.5"), source="window_bad_ratings_rectified"),
    ItemSpec("rated_open", "差评未整改", D(-2), source="window_bad_ratings_unrectified"),
    ItemSpec("inspection", "督查发现问题", D(-2), source="window_inspection_findings"),
    ItemSpec("commendation", "群众表扬", D(1)),
]


def test_a_windows_month_from_every_source_recomputed_by_hand(two_counties):
    county = two_counties.a
    late = november_facts(county)
    define(county, SubjectKind.WINDOW, WINDOW_ITEMS)
    assessment = score(county, SubjectKind.WINDOW,
                       manual=[ManualEntry(county.market_window.id, "commendation", 1, ("群众来信表扬",))])

    # By hand, window 02 in November: one case concluded 2 working days after its promised date
    # (−5; the one concluded at 00:30 on 1 December is December's); one red warning (−2; the yellow
    # one and October's do not count); one fee off the schedule (−5); one bad rating rectified
    # (−0.5) and one not yet (−2; the invalid one does not count); one mystery-visit finding (−2);
    # one commendation (+1).
    s, lines = lines_of(assessment, county.market_window.id)
    assert lines == [("overdue", 1, D(-5), D(-5)), ("red", 1, D(-2), D(-2)), ("fee", 1, D(-5), D(-5)),
                     ("rated_fixed", 1, D("-0.5"), D("-0.5")), ("rated_open", 1, D(-2), D(-2)),
                     ("inspection", 1, D(-2), D(-2)), ("commendation", 1, D(1), D(1))]
    assert s.total == D(100) - 5 - 2 - 5 - D("0.5") - 2 - 2 + 1 == D("84.5")
    assert s.grade == "pass"
    overdue = s.lines.get(item__code="overdue").evidence
    assert overdue == [{"label": f"{late.number} 承诺期限 2026-11-10，2026-11-12 办结，超期 2 个工作日",
                        "url": f"/staff/cases/{late.number}/"}]
    assert s.lines.get(item__code="red").evidence[0]["url"].startswith("/staff/supervision/warnings/")
    assert s.lines.get(item__code="fee").evidence[0]["label"] == f"2026-11-20 目录外收费“复印费” 5.00元（办件{late.number}）"
    assert s.lines.get(item__code="rated_open").evidence[0]["url"].startswith("/staff/feedback/rectifications/")
    assert "暗访“暗访窗口”：文明用语、服务态度 玩手机" in s.lines.get(item__code="inspection").evidence[0]["label"]

    # Window 01: its own late case (−5) and its own finding (−2).
    s1, lines1 = lines_of(assessment, county.general_window.id)
    assert lines1 == [("overdue", 1, D(-5), D(-5)), ("inspection", 1, D(-2), D(-2))]
    assert s1.total == D(93)


def test_a_departments_and_a_staff_members_month_by_hand(two_counties):
    county = two_counties.a
    november_facts(county)
    define(county, SubjectKind.DEPARTMENT, [
        ItemSpec("overdue", "超承诺时限办结", D(-5), source="department_overdue_cases"),
        ItemSpec("order", "督办单", D(-1), source="department_supervision_orders"),
        ItemSpec("ew", "效能告诫", D("-0.5"), source="department_efficiency_warnings"),
        ItemSpec("complaint", "投诉属实", D(-2), source="department_substantiated_complaints"),
    ])
    department = score(county, SubjectKind.DEPARTMENT)
    # Market: its late November case (−5), one order (−1), the efficiency warning to the department
    # (−0.5; the one to the clerk is the clerk's), one substantiated complaint (−2).
    s, lines = lines_of(department, county.market.id)
    assert lines == [("overdue", 1, D(-5), D(-5)), ("order", 1, D(-1), D(-1)), ("ew", 1, D("-0.5"), D("-0.5")),
                     ("complaint", 1, D(-2), D(-2))]
    assert s.total == D("91.5")
    assert s.lines.get(item__code="order").evidence == [{"label": "DB-2026-001 超期办件",
                                                         "url": s.lines.get(item__code="order").evidence[0]["url"]}]
    civil, civil_lines = lines_of(department, county.civil.id)
    assert civil_lines == [("overdue", 1, D(-5), D(-5))]

    define(county, SubjectKind.STAFF, [
        ItemSpec("red", "红牌预警", D(-2), source="staff_red_warnings"),
        ItemSpec("ew", "效能告诫", D("-0.5"), source="staff_efficiency_warnings"),
        ItemSpec("complaint", "投诉属实", D(-2), source="staff_substantiated_complaints"),
        ItemSpec("fee", "目录外收费", D(-5), source="staff_off_schedule_fees"),
        ItemSpec("rated_open", "差评未整改", D(-2), source="staff_bad_ratings_unrectified"),
    ])
    staff = score(county, SubjectKind.STAFF)
    s, lines = lines_of(staff, county.staff[Role.CLERK].id)
    assert lines == [("red", 1, D(-2), D(-2)), ("ew", 1, D("-0.5"), D("-0.5")), ("complaint", 1, D(-2), D(-2)),
                     ("fee", 1, D(-5), D(-5)), ("rated_open", 1, D(-2), D(-2))]
    assert s.total == D("88.5")
    ew = s.lines.get(item__code="ew").evidence[0]
    assert ew == {"label": "GJ-2026-001 效能告诫：擅自离岗",
                  "url": "/staff/supervision/efficiency-warnings/?from=2026-11-10&to=2026-11-10"}


def test_a_township_center_counts_the_facts_of_its_area(two_counties):
    county = two_counties.a
    november_facts(county)
    define(county, SubjectKind.TOWNSHIP, [ItemSpec("red", "红牌预警", D(-2), source="township_red_warnings")])
    assessment = score(county, SubjectKind.TOWNSHIP)
    # Only the warning fired in the township's own region; the county's are not the township's.
    assert lines_of(assessment, county.township.id)[1] == [("red", 1, D(-2), D(-2))]


def test_every_fact_has_a_source_for_each_subject_it_names():
    expected = {"window_overdue_cases", "department_overdue_cases", "township_overdue_cases",
                "window_red_warnings", "staff_red_warnings", "department_red_warnings", "township_red_warnings",
                "department_supervision_orders", "township_supervision_orders",
                "staff_efficiency_warnings", "department_efficiency_warnings", "township_efficiency_warnings",
                "staff_substantiated_complaints", "department_substantiated_complaints",
                "township_substantiated_complaints",
                "window_bad_ratings_rectified", "window_bad_ratings_unrectified", "staff_bad_ratings_unrectified",
                "window_off_schedule_fees", "staff_off_schedule_fees", "window_inspection_findings",
                "township_inspection_findings", "staff_chief_shared_deductions"}
    assert expected <= set(facts.names())
    assert facts.get("window_overdue_cases").subject_kind == SubjectKind.WINDOW
    assert facts.get("window_overdue_cases").sample is not None
    assert facts.get("window_red_warnings").sample is None


# -- minimum samples ------------------------------------------------------------------------------------


def test_a_rate_item_below_its_minimum_sample_is_marked_and_skipped(two_counties, client):
    county = two_counties.a
    november_facts(county)
    define(county, SubjectKind.WINDOW, [
        ItemSpec("overdue", "超承诺时限办结", D(-5), source="window_overdue_cases", minimum_sample=2),
        ItemSpec("rated_open", "差评未整改", D(-2), source="window_bad_ratings_unrectified", minimum_sample=6),
    ])
    assessment = score(county, SubjectKind.WINDOW)
    # Window 02 concluded 2 cases in November (the third is December's): the overdue item counts.
    # It has 5 ratings (the invalid one is a rating too) < 6: the rating item is skipped, marked.
    s = assessment.scores.get(subject_id=county.market_window.id)
    overdue, rated = s.lines.select_related("item").order_by("item_id")
    assert (overdue.count, overdue.amount, overdue.sample, overdue.below_sample) == (1, D(-5), 2, False)
    assert (rated.count, rated.amount, rated.sample, rated.below_sample) == (1, D(0), 5, True)
    assert s.total == D(95)
    # Window 01 concluded 1 case < 2: its late case is skipped; with no rating at all it is marked too.
    s1 = assessment.scores.get(subject_id=county.general_window.id)
    assert [(line.item.code, line.count, line.sample, line.below_sample, line.amount)
            for line in s1.lines.select_related("item").order_by("item_id")] == [
        ("overdue", 1, 1, True, D(0)), ("rated_open", 0, 0, True, D(0))]
    assert s1.total == D(100)

    # The page marks the line and the small subject; the API gives the sample.
    client.force_login(county.staff[Role.CENTER_ADMIN].user)
    page = client.get(f"/staff/assessment/{assessment.id}/").content.decode()
    assert "样本不足（5 &lt; 6），本项不计分" in page
    assert "· 样本不足（不参与评优和末位）</h2>" in page
    from onewindow.accounts.services import api_token_issue

    token = api_token_issue(username=county.staff[Role.CENTER_ADMIN].user.username).token
    detail = client.get(f"/api/v1/assessments/{assessment.id}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    w2 = next(x for x in detail["scores"] if x["subject_id"] == county.market_window.id)
    assert [(x["item"], x["sample"], x["below_sample"], x["amount"]) for x in w2["lines"]] == [
        ("overdue", 2, False, "-5.00"), ("rated_open", 5, True, "0.00")]


def test_a_minimum_sample_only_on_a_rate_item(two_counties):
    county = two_counties.a
    for spec, code in [(ItemSpec("red", "红牌预警", D(-2), source="window_red_warnings", minimum_sample=3),
                        "item_sample_unsupported"),
                       (ItemSpec("manual", "人工", D(-2), minimum_sample=3), "item_sample_unsupported"),
                       (ItemSpec("bonus", "表扬", D(1), shared_by_chief=True), "item_share_invalid")]:
        with pytest.raises(DomainError) as e:
            define(county, SubjectKind.WINDOW, [spec])
        assert (e.value.code, e.value.field) == (code, "items")


# -- shared deductions ----------------------------------------------------------------------------------------


def test_the_chief_representative_shares_the_windows_deductions(two_counties):
    county = two_counties.a
    november_facts(county)
    define(county, SubjectKind.WINDOW, [
        ItemSpec("overdue", "超承诺时限办结", D(-5), source="window_overdue_cases", shared_by_chief=True),
        ItemSpec("inspection", "督查发现问题", D(-2), source="window_inspection_findings", shared_by_chief=True),
        ItemSpec("red", "红牌预警", D(-2), source="window_red_warnings"),
    ])
    define(county, SubjectKind.STAFF, [
        ItemSpec("shared", "首席代表连带扣分", D("-0.2"), source="staff_chief_shared_deductions"),
    ])
    with pytest.raises(DomainError) as e:
        score(county, SubjectKind.STAFF)  # the window assessment comes first
    assert e.value.code == "shared_window_assessment_missing"
    score(county, SubjectKind.WINDOW)
    staff = score(county, SubjectKind.STAFF)
    # The market chief heads the department of both windows: window 02 lost 5 + 2 on shared items
    # (its red warning is not shared), window 01 lost 5 + 2: 14 points × 0.2 = −2.8.
    chief = staff.scores.get(subject_id=county.staff[Role.CHIEF_REPRESENTATIVE].id)
    [line] = chief.lines.all()
    assert (line.count, line.points, line.amount) == (4, D("-0.2"), D("-2.8"))
    assert chief.total == D("97.2")
    assert sorted(e["label"] for e in line.evidence) == [
        "窗口01 综合窗口 督查发现问题 ×1 -2.00", "窗口01 综合窗口 超承诺时限办结 ×1 -5.00",
        "窗口02 市场监管窗口 督查发现问题 ×1 -2.00", "窗口02 市场监管窗口 超承诺时限办结 ×1 -5.00"]
    # Nobody else shares.
    assert not staff.scores.get(subject_id=county.staff[Role.CLERK].id).lines.exists()
