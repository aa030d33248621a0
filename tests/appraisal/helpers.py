"""Helpers of the appraisal tests: a campaign of a county's windows, answered."""

from __future__ import annotations

from datetime import date

from onewindow.appraisal import services
from onewindow.appraisal.services import QuestionSpec
from onewindow.organization.rules import Role

QUESTIONS = [QuestionSpec("服务态度", 5), QuestionSpec("办事效率", 5)]


def window_campaign(county, *, open_link: bool = False, opens_on: date = date(2026, 11, 1),
                    closes_on: date = date(2026, 11, 20)):
    """An open campaign of ``county``'s windows with two questions scored out of 5."""
    admin = county.staff[Role.CENTER_ADMIN]
    campaign = services.campaign_create(by=admin, region_id=county.region.pk, title="2026年窗口民主评议",
                                        subject_kind="window", opens_on=opens_on, closes_on=closes_on,
                                        questions=QUESTIONS, open_link=open_link)
    return services.campaign_open(by=admin, campaign_id=campaign.pk)


def values(campaign, *scores: int) -> dict[int, int]:
    """The questions' ids mapped to ``scores`` in order."""
    return {q.pk: s for q, s in zip(campaign.questions.order_by("order"), scores, strict=True)}
