"""The period-end job: every subject's draft for the period just closed, with the scheme in force,
scored once; manual items entered into a draft afterwards; department heads see their drafts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from onewindow.assessment.models import Assessment, AssessmentEvent, LineItem
from onewindow.assessment.rules import PeriodKind, SubjectKind, last_closed_period
from onewindow.assessment.services import (
    ItemSpec,
    assessment_publish,
    assessment_score,
    assessments_score_closed,
    manual_enter,
    scheme_define,
)
from onewindow.assessment.subjects import ASSESSMENT_SUBJECT
from onewindow.core.errors import Conflict, DomainError
from onewindow.core.timesource import SHANGHAI
from onewindow.lifecycle.services import deadlines_of
from onewindow.organization.rules import Role
from onewindow.tasks.registry import registered_jobs

from .helpers import BANDS, D, window_scheme

DEC_1 = datetime(2026, 12, 1, 0, 30, tzinfo=SHANGHAI)  # half an hour into December: November has closed


@pytest.mark.parametrize("kind, today, expected", [
    (PeriodKind.MONTH, date(2026, 12, 1), "2026-11"),
    (PeriodKind.MONTH, date(2026, 1, 15), "2025-12"),
    (PeriodKind.QUARTER, date(2026, 12, 1), "2026-Q3"),
    (PeriodKind.QUARTER, date(2027, 1, 1), "2026-Q4"),
    (PeriodKind.QUARTER, date(2026, 4, 1), "2026-Q1"),
    (PeriodKind.YEAR, date(2027, 1, 1), "2026"),
])
def test_the_last_closed_period(kind, today, expected):
    assert last_closed_period(kind, today) == expected


def define(county, subject_kind, items, *, period_kind=PeriodKind.MONTH, effective_from=date(2026, 1, 1), cap=110):
    return scheme_define(by=county.staff[Role.CENTER_ADMIN], region=county.region, name="考核",
                         period_kind=period_kind, subject_kind=subject_kind, effective_from=effective_from,
                         base=D(100), cap=D(cap), items=items, bands=BANDS)


SHARED = [ItemSpec("shared", "首席代表连带扣分", D("-0.2"), source="staff_chief_shared_deductions")]
DEPARTMENT = [ItemSpec("order", "督办单", D(-1), source="department_supervision_orders")]


def test_the_job_scores_every_kind_once_windows_before_staff(two_counties):
    county = two_counties.a
    # Staff first in the table: the job still scores the windows before them (shares read them).
    define(county, SubjectKind.STAFF, SHARED)
    window_scheme(county, effective_from=date(2026, 1, 1))
    define(county, SubjectKind.DEPARTMENT, DEPARTMENT)
    scored = assessments_score_closed(at=DEC_1)
    assert [(a.period, a.subject_kind) for a in scored] == [
        ("2026-11", "window"), ("2026-11", "department"), ("2026-11", "staff")]
    for a in scored:
        assert a.scored_by is None
        first = AssessmentEvent.objects.filter(assessment=a).get(seq=1)
        assert (first.kind, first.actor_id, first.actor_label) == ("scored", None, "系统（期末自动计分）")
        [row] = deadlines_of(ASSESSMENT_SUBJECT, a.id)
        assert (row.kind, row.due_on) == ("reply", date(2026, 12, 8))
    # Run again, as the runner does every hour: nothing twice.
    assert assessments_score_closed(at=DEC_1) == []
    assert Assessment.objects.count() == 3


def test_a_period_scored_by_hand_is_skipped_and_a_later_scheme_is_not_in_force(two_counties):
    county = two_counties.a
    window_scheme(county, effective_from=date(2026, 1, 1))
    by_hand = assessment_score(by=county.staff[Role.CENTER_ADMIN], region=county.region,
                               subject_kind=SubjectKind.WINDOW, period="2026-11")
    define(county, SubjectKind.DEPARTMENT, DEPARTMENT, effective_from=date(2026, 12, 1))
    assert assessments_score_closed(at=DEC_1) == []
    assert list(Assessment.objects.all()) == [by_hand]
    with pytest.raises(Conflict):
        assessment_score(by=county.staff[Role.CENTER_ADMIN], region=county.region, subject_kind=SubjectKind.WINDOW,
                         period="2026-11")


def test_quarters_and_years_close_on_their_own_days(two_counties):
    county = two_counties.a
    define(county, SubjectKind.DEPARTMENT, DEPARTMENT, period_kind=PeriodKind.QUARTER)
    define(county, SubjectKind.DEPARTMENT, DEPARTMENT, period_kind=PeriodKind.YEAR, effective_from=date(2025, 1, 1))
    assert [a.period for a in assessments_score_closed(at=DEC_1)] == ["2026-Q3", "2025"]
    new_year = datetime(2027, 1, 1, 1, tzinfo=SHANGHAI)
    assert [a.period for a in assessments_score_closed(at=new_year)] == ["2026-Q4", "2026"]


def test_a_period_that_cannot_be_scored_is_logged_and_tried_again(two_counties, caplog):
    county = two_counties.a
    define(county, SubjectKind.STAFF, SHARED)  # the chiefs' shares need a window assessment: there is none
    define(county, SubjectKind.DEPARTMENT, DEPARTMENT)
    assert [a.subject_kind for a in assessments_score_closed(at=DEC_1)] == ["department"]
    assert "shared_window_assessment_missing" in caplog.text
    window_scheme(county, effective_from=date(2026, 1, 1))
    assert [a.subject_kind for a in assessments_score_closed(at=DEC_1)] == ["window", "staff"]


def test_the_job_is_registered():
    job = registered_jobs()["assessment.score_closed_periods"]
    assert job.every.total_seconds() == 3600


@pytest.fixture
def job_draft(two_counties):
    """Last month's windows, scored by the job now (so objections are open today, whatever the day)."""
    county = two_counties.a
    window_scheme(county, effective_from=date(2020, 1, 1))
    county.market_window.departments.set([county.market])
    [draft] = assessments_score_closed()
    return county, draft


def test_manual_items_are_entered_into_the_jobs_draft_until_the_deadline(job_draft):
    county, draft = job_draft
    admin = county.staff[Role.CENTER_ADMIN]
    at = None  # today, within the objection period
    line = manual_enter(by=admin, assessment_id=draft.id, subject_id=county.market_window.id, item_code="inspection",
                        count=2, evidence="12月2日督查：未亮证上岗", at=at)
    manual_enter(by=admin, assessment_id=draft.id, subject_id=county.market_window.id, item_code="inspection",
                 count=1, evidence="12月3日督查：离岗", at=at)
    line.refresh_from_db()
    assert (line.count, line.amount) == (3, D(-6))
    assert [e["label"] for e in line.evidence] == ["12月2日督查：未亮证上岗", "12月3日督查：离岗"]
    assert line.score.total == D(94)
    assert line.score.grade == "good"
    assert [e.kind for e in draft.events.order_by("seq")] == ["scored", "manual_entered", "manual_entered"]
    for kwargs, code in [({"item_code": "absence"}, "manual_item_unknown"),
                         ({"subject_id": two_counties_b_window(county)}, "manual_subject_unknown"),
                         ({"count": 0}, "manual_count_invalid"), ({"evidence": " "}, "manual_evidence_invalid"),
                         ({"at": after_deadline(draft)}, "manual_after_deadline")]:
        args = {"by": admin, "assessment_id": draft.id, "subject_id": county.market_window.id,
                "item_code": "inspection", "count": 1, "evidence": "督查", "at": at} | kwargs
        with pytest.raises(DomainError) as e:
            manual_enter(**args)
        assert e.value.code == code
    assessment_publish(by=admin, assessment_id=draft.id)
    with pytest.raises(Conflict) as e:
        manual_enter(by=admin, assessment_id=draft.id, subject_id=county.market_window.id, item_code="inspection",
                     count=1, evidence="督查", at=at)
    assert e.value.code == "assessment_published"
    assert LineItem.objects.get().count == 3


def after_deadline(draft) -> datetime:
    day = draft.objection_due
    return datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI) + timedelta(days=1)


def two_counties_b_window(county) -> int:
    """An id no window of ``county`` has."""
    return county.market_window.id + 1000


def test_department_heads_see_their_drafts(job_draft, client):
    county, draft = job_draft
    chief = county.staff[Role.CHIEF_REPRESENTATIVE]  # heads the market department: window 02 and window 01 serve it
    client.force_login(chief.user)
    page = client.get("/staff/assessment/").content.decode()
    assert "本部门的考核草稿" in page
    assert "02 市场监管窗口 100.00 分（第 1 名，优秀）" in page
    detail = client.get(f"/staff/assessment/{draft.id}/?mine=1").content.decode()
    assert "只显示本部门的考核对象" in detail
    assert detail.count('data-testid="score"') == 2  # both windows serve the market department
    client.force_login(county.staff[Role.SUPERVISOR].user)
    detail = client.get(f"/staff/assessment/{draft.id}/?mine=1").content.decode()
    assert "只看本部门" not in detail
    assert detail.count('data-testid="score"') == 2


def test_the_manual_form_posts_through_the_page(job_draft, client):
    county, draft = job_draft
    client.force_login(county.staff[Role.CENTER_ADMIN].user)
    answer = client.post(f"/staff/assessment/{draft.id}/manual/", {"subject_id": county.market_window.id,
                                                                      "item": "commendation", "count": "1",
                                                                      "evidence": "群众来信表扬"}, follow=True)
    assert "人工项目已录入" in answer.content.decode()
    bad = client.post(f"/staff/assessment/{draft.id}/manual/", {"subject_id": "9" * 30, "item": "commendation",
                                                                  "count": "1", "evidence": "x"}, follow=True)
    assert "参数格式不正确" in bad.content.decode()
