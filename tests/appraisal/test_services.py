"""The appraisal app's writes and their refusals: campaigns (codes, open link, paper), award
reviews, the exposure board with the person's reply, commitments and their checks, training and
the work diary."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from onewindow.appraisal import selectors, services
from onewindow.appraisal.models import AwardReview, Response
from onewindow.core.errors import DomainError
from onewindow.core.timesource import SHANGHAI
from onewindow.lifecycle.selectors import verify_all
from onewindow.organization.rules import Role

from .helpers import values, window_campaign

pytestmark = pytest.mark.django_db


def test_a_campaign_is_answered_by_code_once_by_open_link_and_on_paper(two_counties):
    county = two_counties.a
    admin = county.staff[Role.CENTER_ADMIN]
    campaign = window_campaign(county, open_link=True)
    codes = services.campaign_issue_codes(by=admin, campaign_id=campaign.pk, kind="enterprise", count=2)
    assert len(set(codes)) == 2
    w02 = county.market_window.pk
    services.campaign_answer_code(code=codes[0].lower(), subject_id=w02, values=values(campaign, 5, 4))
    with pytest.raises(DomainError) as used:
        services.campaign_answer_code(code=codes[0], subject_id=w02, values=values(campaign, 5, 4))
    assert (used.value.code, used.value.status) == ("code_used", 409)
    with pytest.raises(DomainError) as wrong:
        services.campaign_answer_code(code="NOPE", subject_id=w02, values=values(campaign, 5, 4))
    assert wrong.value.code == "code_invalid"
    services.campaign_answer_open(token=campaign.open_token, kind="citizen", subject_id=w02,
                                  values=values(campaign, 2, 3))
    services.campaign_enter_paper(by=admin, campaign_id=campaign.pk, kind="third_party", subject_id=w02,
                                  values=values(campaign, 1, 2), scan_ref="SM-001")
    with pytest.raises(DomainError) as commissioned:
        services.campaign_answer_open(token=campaign.open_token, kind="third_party", subject_id=w02,
                                      values=values(campaign, 2, 3))
    assert commissioned.value.code == "respondent_kind_invalid"
    with pytest.raises(DomainError) as again:
        services.campaign_enter_paper(by=admin, campaign_id=campaign.pk, kind="third_party", subject_id=w02,
                                      values=values(campaign, 1, 2), scan_ref="SM-001")
    assert again.value.code == "scan_already_entered"
    with pytest.raises(DomainError) as bad:
        services.campaign_answer_open(token=campaign.open_token, kind="citizen", subject_id=w02,
                                      values=values(campaign, 6, 3))
    assert (bad.value.code, bad.value.field) == ("answer_invalid", f"q{campaign.questions.first().pk}")
    with pytest.raises(DomainError) as stranger:
        services.campaign_answer_open(token=campaign.open_token, kind="citizen",
                                      subject_id=two_counties.b.market_window.pk, values=values(campaign, 3, 3))
    assert stranger.value.code == "subject_invalid"
    (row,) = selectors.campaign_results(campaign)
    # 9/10, 5/10, 3/10 → mean 0.5667 → 56.67 %; two of three below 60 % are 不满意 votes.
    assert (row.responses, row.unsatisfied, str(row.score)) == (3, 2, "56.67")
    assert row.by_kind == {"企业": 1, "群众": 1, "第三方评估": 1}
    services.campaign_close(by=admin, campaign_id=campaign.pk)
    with pytest.raises(DomainError) as closed:
        services.campaign_answer_code(code=codes[1], subject_id=w02, values=values(campaign, 5, 5))
    assert closed.value.code == "appraisal_campaign.transition_refused.answer"
    assert Response.objects.count() == 3
    assert all(r.ok for r in verify_all("appraisal_campaign"))


def test_campaign_setup_refusals(two_counties):
    county = two_counties.a
    admin = county.staff[Role.CENTER_ADMIN]
    ok = {"by": admin, "region_id": county.region.pk, "title": "评议", "subject_kind": "window",
          "opens_on": date(2026, 11, 1), "closes_on": date(2026, 11, 30),
          "questions": [services.QuestionSpec("态度", 5)]}
    for change, code in [({"closes_on": date(2026, 10, 1)}, "dates_inverted"), ({"questions": []}, "questions_invalid"),
                         ({"questions": [services.QuestionSpec("态度", 11)]}, "question_scale_invalid"),
                         ({"subject_kind": "staff"}, "subject_kind_invalid"), ({"title": " "}, "title_missing")]:
        with pytest.raises(DomainError) as refused:
            services.campaign_create(**(ok | change))
        assert refused.value.code == code
    with pytest.raises(DomainError) as forbidden:
        services.campaign_create(**(ok | {"by": county.staff[Role.SUPERVISOR]}))
    assert forbidden.value.status == 403
    with pytest.raises(DomainError) as other:
        services.campaign_create(**(ok | {"by": two_counties.b.staff[Role.CENTER_ADMIN]}))
    assert other.value.status == 403


def test_an_exposure_is_published_with_the_named_persons_reply(two_counties):
    county = two_counties.a
    admin, clerk = county.staff[Role.CENTER_ADMIN], county.staff[Role.CLERK]
    exposure = services.exposure_record(by=admin, region_id=county.region.pk, title="窗口人员服务态度生硬",
                                        facts="11月12日对办事群众态度生硬，经核实属实", basis="窗口考核办法第十二条：服务态度问题经核实的予以曝光",
                                        occurred_on=date(2026, 11, 12), staff_id=clerk.pk)
    assert exposure.department_id == clerk.department_id
    with pytest.raises(DomainError) as not_them:
        services.exposure_reply(by=county.staff[Role.REVIEWER], exposure_id=exposure.pk, text="不是我")
    assert (not_them.value.code, not_them.value.status) == ("exposure_reply_not_named", 403)
    assert selectors.public_exposures(county.region) == []
    services.exposure_publish(by=admin, exposure_id=exposure.pk)
    services.exposure_reply(by=clerk, exposure_id=exposure.pk, text="已深刻反思，向群众道歉")
    with pytest.raises(DomainError) as twice:
        services.exposure_reply(by=clerk, exposure_id=exposure.pk, text="再说一次")
    assert twice.value.code == "exposure_replied"
    (shown,) = selectors.public_exposures(county.region)
    assert shown.reply == "已深刻反思，向群众道歉"
    services.exposure_withdraw(by=admin, exposure_id=exposure.pk, reason="曝光期满")
    assert selectors.public_exposures(county.region) == []
    with pytest.raises(DomainError) as missing:
        services.exposure_record(by=admin, region_id=county.region.pk, title="t", facts="f", basis=" ",
                                 occurred_on=date(2026, 11, 12), staff_id=clerk.pk)
    assert (missing.value.code, missing.value.field) == ("basis_missing", "basis")
    with pytest.raises(DomainError) as stranger:
        services.exposure_record(by=admin, region_id=county.region.pk, title="t", facts="f", basis="b",
                                 occurred_on=date(2026, 11, 12), staff_id=two_counties.b.staff[Role.CLERK].pk)
    assert stranger.value.code == "exposure_target_invalid"
    assert all(r.ok for r in verify_all("exposure"))


def test_commitments_are_checked_and_stopped(two_counties):
    county = two_counties.a
    admin = county.staff[Role.CENTER_ADMIN]
    commitment = services.commitment_publish(by=admin, region_id=county.region.pk, window_id=county.market_window.pk,
                                             content="即办件当场办结", standard="抽查当日即办件办结时间",
                                             published_on=date(2026, 1, 1))
    services.commitment_check(by=admin, commitment_id=commitment.pk, checked_on=date(2026, 11, 5), kept=False,
                              evidence="抽查3件，1件次日办结")
    with pytest.raises(DomainError) as twice:
        services.commitment_check(by=admin, commitment_id=commitment.pk, checked_on=date(2026, 11, 5), kept=True,
                                  evidence="x")
    assert (twice.value.code, twice.value.status) == ("check_exists", 409)
    with pytest.raises(DomainError) as both:
        services.commitment_publish(by=admin, region_id=county.region.pk, window_id=county.market_window.pk,
                                    department_id=county.market.pk, content="c", published_on=date(2026, 1, 1))
    assert both.value.code == "commitment_owner_invalid"
    assert [c.pk for c in selectors.public_commitments(county.region)] == [commitment.pk]
    services.commitment_withdraw(by=admin, commitment_id=commitment.pk, on=date(2026, 11, 10), reason="承诺调整")
    assert selectors.public_commitments(county.region) == []
    with pytest.raises(DomainError) as stopped:
        services.commitment_check(by=admin, commitment_id=commitment.pk, checked_on=date(2026, 11, 12), kept=True,
                                  evidence="x")
    assert stopped.value.code == "commitment_withdrawn"
    assert all(r.ok for r in verify_all("commitment"))


def test_training_flags_and_the_work_diary(two_counties):
    from onewindow.hall.models import RosterEntry

    county = two_counties.a
    admin, clerk = county.staff[Role.CENTER_ADMIN], county.staff[Role.CLERK]
    (row,) = selectors.window_roster(county.region)
    assert row.flags == ["未完成岗前培训"]
    services.training_record(by=admin, region_id=county.region.pk, staff_id=clerk.pk, kind="pre_post",
                             title="窗口人员岗前培训", completed_on=date(2026, 1, 10), hours="16")
    services.qualification_record(by=admin, region_id=county.region.pk, staff_id=clerk.pk, name="政务服务专员",
                                  certificate_number="ZW-001", obtained_on=date(2024, 1, 1),
                                  valid_until=date(2025, 12, 31))
    (row,) = selectors.window_roster(county.region, today=date(2026, 11, 1))
    assert row.flags == ["资格“政务服务专员”已于2025-12-31过期"]
    with pytest.raises(DomainError) as hours:
        services.training_record(by=admin, region_id=county.region.pk, staff_id=clerk.pk, kind="pre_post",
                                 title="t", completed_on=date(2026, 1, 10), hours="NaN")
    assert hours.value.code == "hours_invalid"

    at = datetime.combine(date(2026, 11, 5), time(17), tzinfo=SHANGHAI)  # a Thursday
    services.diary_write(by=clerk, day=date(2026, 11, 5), content="受理食品经营许可 6 件", at=at)
    for day, code in [(date(2026, 11, 5), "diary_exists"), (date(2026, 11, 7), "diary_day_invalid"),
                      (date(2026, 11, 1), "diary_not_workday"), (date(2026, 10, 29), "diary_too_late")]:
        with pytest.raises(DomainError) as refused:
            services.diary_write(by=clerk, day=day, content="x", at=at)
        assert refused.value.code == code
    with pytest.raises(DomainError) as not_window:
        services.diary_write(by=county.staff[Role.REVIEWER], day=date(2026, 11, 5), content="x", at=at)
    assert not_window.value.code == "diary_not_window_staff"
    for d in (3, 4, 5, 7):  # Tue, Wed, Thu rostered; Sat the 7th is no working day
        RosterEntry.objects.create(window=county.market_window, staff=clerk, day=date(2026, 11, d))
    missing = selectors.missing_diary_days(county.region, date(2026, 11, 1), date(2026, 11, 30))
    assert [m.day for m in missing] == [date(2026, 11, 3), date(2026, 11, 4)]


def test_an_award_is_kept_then_withdrawn_with_a_numbered_notice(two_counties):
    from onewindow.assessment.models import Assessment, Award
    from onewindow.assessment.rules import SubjectKind
    from onewindow.assessment.services import assessment_publish, assessment_score
    from tests.assessment.helpers import window_scheme

    county = two_counties.a
    admin = county.staff[Role.CENTER_ADMIN]
    window_scheme(county)
    draft = assessment_score(by=admin, region=county.region, subject_kind=SubjectKind.WINDOW, period="2026-11")
    assessment_publish(by=admin, assessment_id=draft.pk)
    award = Award.objects.create(assessment=draft, kind="rotating_flag", subject_id=county.market_window.pk,
                                 subject_name="02 市场监管窗口", rank=1, total=100)
    services.award_review(by=admin, award_id=award.pk, withdraw=False, reason="复查：服务质量保持")
    from onewindow.assessment.selectors import public_summary

    assert [a.subject_name for a in public_summary(county.region, "2026-11")[1]] == ["02 市场监管窗口"]
    review = services.award_review(by=admin, award_id=award.pk, withdraw=True, reason="复查发现群众投诉属实")
    assert review.notice_number.endswith("〔" + str(review.reviewed_at.astimezone(SHANGHAI).year) + "〕000001号")
    with pytest.raises(DomainError) as again:
        services.award_review(by=admin, award_id=award.pk, withdraw=True, reason="x")
    assert again.value.code == "award_withdrawn"
    with pytest.raises(DomainError) as other:
        services.award_review(by=two_counties.b.staff[Role.CENTER_ADMIN], award_id=award.pk, withdraw=True,
                              reason="x")
    assert other.value.status == 403
    assert AwardReview.objects.count() == 2
    assert list(Assessment.objects.get(pk=draft.pk).events.values_list("kind", flat=True))[-2:] == [
        "award_kept", "award_withdrawn"]
    assert selectors.withdrawn_award_ids([award.pk]) == {award.pk}
    assert public_summary(county.region, "2026-11")[1] == []
    assert all(r.ok for r in verify_all("assessment"))
