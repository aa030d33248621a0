"""The appraisal sources in a scored assessment, recomputed by hand: 民主评议 不满意 votes of a
campaign closed in the month, commitments found not kept, rostered working days without a diary."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest

from onewindow.appraisal import services
from onewindow.assessment.models import LineItem
from onewindow.assessment.rules import PeriodKind, SubjectKind
from onewindow.assessment.services import ItemSpec, assessment_score, scheme_define
from onewindow.core.timesource import SHANGHAI
from onewindow.hall.models import RosterEntry
from onewindow.organization.rules import Role
from tests.assessment.helpers import BANDS

from .helpers import values, window_campaign

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_windows_and_a_clerks_month_from_the_appraisal_sources_by_hand(two_counties):
    county = two_counties.a
    admin, clerk = county.staff[Role.CENTER_ADMIN], county.staff[Role.CLERK]
    w01, w02 = county.general_window.pk, county.market_window.pk
    # A campaign closing on 20 November: window 02 gets 2 不满意 votes of 3, window 01 one good vote.
    campaign = window_campaign(county)
    for scores, subject in [((1, 2), w02), ((2, 3), w02), ((5, 5), w02), ((4, 5), w01)]:
        services.campaign_enter_paper(by=admin, campaign_id=campaign.pk, kind="citizen", subject_id=subject,
                                      values=values(campaign, *scores), scan_ref=f"S{scores}{subject}")
    services.campaign_close(by=admin, campaign_id=campaign.pk)
    # A campaign still open counts nothing.
    other = window_campaign(county, closes_on=date(2026, 11, 25))
    services.campaign_enter_paper(by=admin, campaign_id=other.pk, kind="citizen", subject_id=w02,
                                  values=values(other, 1, 1), scan_ref="OPEN-1")
    # Window 02's commitment: not kept on 5 Nov, kept on 12 Nov, not kept on 2 Dec (December's).
    commitment = services.commitment_publish(by=admin, region_id=county.region.pk, window_id=w02,
                                             content="即办件当场办结", published_on=date(2026, 1, 1))
    for day, kept in [(date(2026, 11, 5), False), (date(2026, 11, 12), True), (date(2026, 12, 2), False)]:
        services.commitment_check(by=admin, commitment_id=commitment.pk, checked_on=day, kept=kept, evidence="抽查")
    # The clerk rostered at window 02 on Mon 2, Tue 3, Wed 4 and Sat 7 Nov; a diary for the 3rd only.
    for d in (2, 3, 4, 7):
        RosterEntry.objects.create(window=county.market_window, staff=clerk, day=date(2026, 11, d))
    services.diary_write(by=clerk, day=date(2026, 11, 3), content="受理 5 件",
                         at=datetime.combine(date(2026, 11, 3), time(17), tzinfo=SHANGHAI))

    scheme_define(by=admin, region=county.region, name="窗口月度考核", period_kind=PeriodKind.MONTH,
                  subject_kind=SubjectKind.WINDOW, effective_from=date(2026, 11, 1), base=D(100), cap=D(110),
                  items=[ItemSpec("appraisal", "民主评议不满意票", D(-1), source="window_appraisal_unsatisfied",
                                  minimum_sample=3),
                         ItemSpec("commitment", "服务承诺未兑现", D(-2), source="window_commitments_not_kept"),
                         ItemSpec("diary", "工作日记缺记", D("-0.5"), source="window_diary_missing")],
                  bands=BANDS)
    windows = assessment_score(by=admin, region=county.region, subject_kind=SubjectKind.WINDOW, period="2026-11")
    lines = {(line.score.subject_id, line.item.code): line for line in
             LineItem.objects.filter(score__assessment=windows).select_related("score", "item")}
    appraisal = lines[(w02, "appraisal")]
    assert (appraisal.count, appraisal.amount, appraisal.sample, appraisal.below_sample) == (2, D(-2), 3, False)
    assert "得分率 30.00%（不满意）" in appraisal.evidence[0]["label"]
    assert appraisal.evidence[0]["url"] == f"/staff/appraisal/campaigns/{campaign.pk}/"
    assert (lines[(w02, "commitment")].count, lines[(w02, "commitment")].amount) == (1, D(-2))
    diary = lines[(w02, "diary")]
    assert (diary.count, diary.amount) == (2, D(-1))  # the 2nd and the 4th; the 7th is a Saturday
    # Window 01: one questionnaire, below the minimum sample of 3: the line says why it is skipped.
    assert lines[(w01, "appraisal")].below_sample
    scores = {s.subject_id: s.total for s in windows.scores.all()}
    assert scores[w02] == D(100) - 2 - 2 - 1 == D(95)

    scheme_define(by=admin, region=county.region, name="人员月度考核", period_kind=PeriodKind.MONTH,
                  subject_kind=SubjectKind.STAFF, effective_from=date(2026, 11, 1), base=D(100), cap=D(110),
                  items=[ItemSpec("diary", "工作日记缺记", D(-1), source="staff_diary_missing")], bands=BANDS)
    staff = assessment_score(by=admin, region=county.region, subject_kind=SubjectKind.STAFF, period="2026-11")
    (line,) = LineItem.objects.filter(score__assessment=staff, score__subject_id=clerk.pk)
    assert [e["label"] for e in line.evidence] == ["2026-11-02 窗口02 值班，未填写工作日记",
                                                   "2026-11-04 窗口02 值班，未填写工作日记"]
    assert staff.scores.get(subject_id=clerk.pk).total == D(98)
