"""Rankings, awards and corrections: ties share a rank and a place, small subjects are marked and
not compared, awards and the bottom list follow the scheme's rules and are frozen at publication;
a correction is a new linked record with its own chain event, never an edit."""

from __future__ import annotations

import pytest

from onewindow.assessment.models import Award, Correction, LineItem, Score
from onewindow.assessment.rules import (
    AwardKind,
    AwardRule,
    Standing,
    SubjectKind,
    check_awards,
    decide_awards,
)
from onewindow.assessment.selectors import awards_of, ranked_scores
from onewindow.assessment.services import (
    assessment_publish,
    correction_make,
)
from onewindow.assessment.subjects import ASSESSMENT_SUBJECT
from onewindow.core.errors import Conflict, DomainError, PermissionDenied
from onewindow.lifecycle.registry import subject
from onewindow.organization.rules import Role

from .helpers import D, score_five_windows

F, M, S, B = AwardKind.ROTATING_FLAG, AwardKind.MODEL_WINDOW, AwardKind.MODEL_STAFF, AwardKind.BOTTOM


def standings(*totals, small=()):
    return [Standing(i, D(t), i in small) for i, t in enumerate(totals, start=1)]


def test_ties_at_the_last_place_all_win_and_the_bottom_counts_from_the_lowest():
    found = decide_awards(standings(100, 100, 98, 90, 80, 80),
                          [AwardRule(F, 1), AwardRule(M, 3), AwardRule(B, 1)])
    assert found == [(F, 1), (F, 2), (M, 1), (M, 2), (M, 3), (B, 5), (B, 6)]


def test_thresholds_small_subjects_and_no_award_on_the_bottom_list():
    rules = [AwardRule(F, 1, D(101)), AwardRule(M, 2, D(95)), AwardRule(B, 2, D(85))]
    # 1 is small (its rate items did not count): neither the best nor the worst.
    assert decide_awards(standings(120, 100, 96, 86, 84, 10, small={1, 6}), rules) == [(M, 2), (M, 3), (B, 5)]
    # Two subjects tied: both win, and the bottom list never names a winner.
    assert decide_awards(standings(100, 100), [AwardRule(F, 1), AwardRule(B, 1)]) == [(F, 1), (F, 2)]
    assert decide_awards([], rules) == []


@pytest.mark.parametrize("rules, kind, code", [
    ([AwardRule(S, 1)], SubjectKind.WINDOW, "award_subject_invalid"),
    ([AwardRule(F, 1)], SubjectKind.STAFF, "award_subject_invalid"),
    ([AwardRule(F, 0)], SubjectKind.WINDOW, "award_places_invalid"),
    ([AwardRule(F, 101)], SubjectKind.WINDOW, "award_places_invalid"),
    ([AwardRule(F, 1), AwardRule(F, 2)], SubjectKind.WINDOW, "award_repeated"),
    ([AwardRule(B, 1, D(111))], SubjectKind.WINDOW, "award_threshold_invalid"),
])
def test_award_rules_a_scheme_cannot_have(rules, kind, code):
    with pytest.raises(DomainError) as e:
        check_awards(rules, kind, D(110))
    assert (e.value.code, e.value.field) == (code, "awards")


@pytest.fixture
def five_windows(two_counties):
    county = two_counties.a
    draft, windows = score_five_windows(county)
    return county, draft, windows


def test_the_ranking_marks_small_subjects_and_the_draft_shows_its_awards(five_windows, client):
    county, draft, windows = five_windows
    ranked = ranked_scores(draft)
    assert [(r.score.subject_name, r.rank, r.score.total, r.below_sample) for r in ranked] == [
        ("01 综合窗口", 1, D(102), False), ("02 市场监管窗口", 1, D(102), False), ("03 社保窗口", 3, D(100), False),
        ("04 税务窗口", 4, D(88), False), ("05 公安窗口", 5, D(80), True)]
    assert [(a.label, a.subject_name) for a in awards_of(draft)] == [
        ("流动红旗", "01 综合窗口"), ("流动红旗", "02 市场监管窗口"), ("红旗窗口", "01 综合窗口"),
        ("红旗窗口", "02 市场监管窗口"), ("末位通报", "04 税务窗口")]
    assert not Award.objects.exists()  # decided at publication
    client.force_login(county.staff[Role.CHIEF_REPRESENTATIVE].user)
    page = client.get(f"/staff/assessment/{draft.id}/").content.decode()
    assert "拟评优与末位通报（发布时确定）" in page
    assert "05 公安窗口 · 80.00 分 · 合格 · 样本不足（不参与评优和末位）" in page


def test_publication_freezes_the_awards_in_the_record_and_its_chain(five_windows, client):
    county, draft, windows = five_windows
    assessment_publish(by=county.staff[Role.CENTER_ADMIN], assessment_id=draft.id)
    assert [(a.kind, a.subject_id, a.rank, a.total) for a in Award.objects.order_by("id")] == [
        ("rotating_flag", windows[0].id, 1, D(102)), ("rotating_flag", windows[1].id, 1, D(102)),
        ("model_window", windows[0].id, 1, D(102)), ("model_window", windows[1].id, 1, D(102)),
        ("bottom", windows[3].id, 4, D(88))]
    published = draft.events.get(kind="published")
    assert [a["subject"] for a in published.payload["awards"]] == ["01 综合窗口", "02 市场监管窗口", "01 综合窗口",
                                                                    "02 市场监管窗口", "04 税务窗口"]
    client.force_login(county.staff[Role.SUPERVISOR].user)
    body = client.get(f"/api/v1/assessments/{draft.id}",
                      HTTP_AUTHORIZATION=f"Bearer {token(county, Role.SUPERVISOR)}").json()
    assert [(a["kind"], a["subject"]) for a in body["awards"]][-1] == ("bottom", "04 税务窗口")
    assert body["scores"][-1]["below_sample"] is True


def token(county, role) -> str:
    from onewindow.accounts.services import api_token_issue

    return api_token_issue(username=county.user(role).username).token


def test_a_correction_is_a_new_linked_record_never_an_edit(five_windows):
    county, draft, windows = five_windows
    admin = county.staff[Role.CENTER_ADMIN]
    w4_line = LineItem.objects.get(score__assessment=draft, score__subject_id=windows[3].id, item__code="inspection")
    with pytest.raises(Conflict) as e:
        correction_make(by=admin, assessment_id=draft.id, reason="督查记录有误", line_id=w4_line.id)
    assert e.value.code == "assessment_not_published"
    assessment_publish(by=admin, assessment_id=draft.id)
    published = {s.subject_id: (s.total, s.grade) for s in Score.objects.all()}

    first = correction_make(by=admin, assessment_id=draft.id, reason="督查记录张冠李戴，系他窗口问题", line_id=w4_line.id)
    assert (first.number, first.amount, first.previous_total, first.total, first.grade) == (1, D(12), D(88), D(100),
                                                                                           "excellent")
    second = correction_make(by=admin, assessment_id=draft.id, reason="漏录表扬信", subject_id=windows[3].id,
                             item_code="commendation", count=1, evidence="11月群众来信")
    assert (second.number, second.previous_total, second.total) == (2, D(100), D(101))
    third = correction_make(by=admin, assessment_id=draft.id, reason="漏录督查问题", subject_id=windows[2].id,
                            item_code="inspection", count=1, evidence="11月28日督查")
    assert (third.previous_total, third.total, third.grade) == (D(100), D(98), "excellent")

    # The published assessment is as it was: scores, lines, awards.
    assert {s.subject_id: (s.total, s.grade) for s in Score.objects.all()} == published
    w4_line.refresh_from_db()
    assert not w4_line.struck
    assert Award.objects.filter(kind="bottom", subject_id=windows[3].id).exists()
    # Read as corrected (the reports): 04 now ranks second with 101.
    corrected = ranked_scores(draft, corrected=True)
    assert [(r.score.subject_name, r.rank, r.total) for r in corrected][:4] == [
        ("01 综合窗口", 1, D(102)), ("02 市场监管窗口", 1, D(102)), ("04 税务窗口", 3, D(101)), ("03 社保窗口", 4, D(98))]
    kinds = list(draft.events.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["scored", "published", "corrected", "corrected", "corrected"]
    assert draft.events.get(seq=3).payload["previous_total"] == "88.00"
    [report] = subject(ASSESSMENT_SUBJECT).verify(None)
    assert report.ok


def test_corrections_refused(five_windows):
    county, draft, windows = five_windows
    admin = county.staff[Role.CENTER_ADMIN]
    assessment_publish(by=admin, assessment_id=draft.id)
    line = LineItem.objects.get(score__assessment=draft, score__subject_id=windows[3].id, item__code="inspection")
    correction_make(by=admin, assessment_id=draft.id, reason="有误", line_id=line.id)
    cases = [
        ({"line_id": line.id}, Conflict, "line_already_struck"),
        ({"line_id": line.id, "reason": " "}, DomainError, "correction_reason_invalid"),
        ({}, DomainError, "correction_target_invalid"),
        ({"line_id": line.id, "subject_id": windows[0].id}, DomainError, "correction_target_invalid"),
        ({"subject_id": windows[0].id, "item_code": "rating_open", "count": 1, "evidence": "x"}, DomainError,
         "manual_item_unknown"),
        ({"subject_id": windows[0].id, "item_code": "inspection", "count": 0, "evidence": "x"}, DomainError,
         "manual_count_invalid"),
    ]
    for kwargs, error, code in cases:
        with pytest.raises(error) as e:
            correction_make(**({"by": admin, "assessment_id": draft.id, "reason": "更正"} | kwargs))
        assert e.value.code == code
    with pytest.raises(PermissionDenied):
        correction_make(by=county.staff[Role.CHIEF_REPRESENTATIVE], assessment_id=draft.id, reason="更正",
                        line_id=line.id)
    assert Correction.objects.count() == 1


def test_the_correction_form_on_the_page(five_windows, client):
    county, draft, windows = five_windows
    admin = county.staff[Role.CENTER_ADMIN]
    assessment_publish(by=admin, assessment_id=draft.id)
    line = LineItem.objects.get(score__assessment=draft, score__subject_id=windows[3].id, item__code="inspection")
    client.force_login(admin.user)
    page = client.get(f"/staff/assessment/{draft.id}/").content.decode()
    assert f'value="line:{line.id}"' in page
    answer = client.post(f"/staff/assessment/{draft.id}/correct/", {"target": f"line:{line.id}", "reason": "督查记录有误"},
                         follow=True)
    page = answer.content.decode()
    assert "更正已记录（原发布结果不变）" in page
    assert "更正后 100.00 分（优秀，更正第 1 号）" in page
    assert f'value="line:{line.id}"' not in page
    again = client.post(f"/staff/assessment/{draft.id}/correct/", {"target": f"line:{line.id}", "reason": "再次"},
                        follow=True)
    assert "该明细已因异议或更正撤销" in again.content.decode()
    bad = client.post(f"/staff/assessment/{draft.id}/correct/", {"target": "line:x", "reason": "r"}, follow=True)
    assert "参数格式不正确" in bad.content.decode()
