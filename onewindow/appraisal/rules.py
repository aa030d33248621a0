"""Pure rules of the appraisal app (issue 20, "Also from the seeds"): democratic appraisal
campaigns (民主评议), award reviews (评选、命名、复查), the exposure board (曝光台), public service
commitments (服务承诺) and staff development (岗前培训、资格、工作日记). No Django here."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from onewindow.lifecycle.transitions import Move, TransitionTable


class RespondentKind(StrEnum):
    CITIZEN = "citizen"
    ENTERPRISE = "enterprise"
    THIRD_PARTY = "third_party"


RESPONDENT_LABELS = {RespondentKind.CITIZEN: "群众", RespondentKind.ENTERPRISE: "企业",
                     RespondentKind.THIRD_PARTY: "第三方评估"}


class Channel(StrEnum):
    CODE = "code"  # online, with a one-time code handed to the respondent
    OPEN = "open"  # online, through the campaign's open link
    PAPER = "paper"  # a paper questionnaire, scanned and entered by staff


CHANNEL_LABELS = {Channel.CODE: "网上（一次性评议码）", Channel.OPEN: "网上（公开链接）", Channel.PAPER: "纸质（扫描录入）"}


class CampaignState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


CAMPAIGN_STATE_LABELS = {CampaignState.DRAFT: "筹备中", CampaignState.OPEN: "评议中", CampaignState.CLOSED: "已结束"}


class CampaignAction(StrEnum):
    CREATE = "create"
    OPEN = "open"
    ISSUE_CODES = "issue_codes"
    ANSWER = "answer"
    CLOSE = "close"


CAMPAIGN_TABLE: TransitionTable[CampaignState, CampaignAction] = TransitionTable(
    name="appraisal_campaign", noun="评议活动",
    moves={
        CampaignAction.CREATE: Move(frozenset({None}), CampaignState.DRAFT, "assessment.run", "建立"),
        CampaignAction.OPEN: Move(frozenset({CampaignState.DRAFT}), CampaignState.OPEN, "assessment.run", "开始评议"),
        CampaignAction.ISSUE_CODES: Move(frozenset({CampaignState.DRAFT, CampaignState.OPEN}), None,
                                         "assessment.run", "发放评议码"),
        CampaignAction.ANSWER: Move(frozenset({CampaignState.OPEN}), None, None, "提交评议"),
        CampaignAction.CLOSE: Move(frozenset({CampaignState.OPEN}), CampaignState.CLOSED, "assessment.run",
                                   "结束评议"),
    },
    state_labels=CAMPAIGN_STATE_LABELS, terminal=frozenset({CampaignState.CLOSED}))

# A questionnaire scoring below this share of its full marks is a 不满意 vote: the votes the
# assessment counts (``<kind>_appraisal_unsatisfied``). Seeds 001/002 count 不满意 votes.
UNSATISFIED_BELOW = Decimal("0.6")
SCALE_MIN, SCALE_MAX = 2, 10
QUESTIONS_MAX = 30
CODES_MAX = 500


def response_ratio(answers: Sequence[tuple[int, int]]) -> Decimal:
    """The share of full marks of one questionnaire: Σ value / Σ scale over (value, scale) pairs."""
    full = sum(scale for _, scale in answers)
    if not full:
        return Decimal(0)
    return (Decimal(sum(v for v, _ in answers)) / Decimal(full)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def is_unsatisfied(ratio: Decimal) -> bool:
    """A questionnaire below :data:`UNSATISFIED_BELOW` of full marks is a 不满意 vote."""
    return ratio < UNSATISFIED_BELOW


def percent(ratio: Decimal) -> Decimal:
    """0.8125 → 81.25 (the results' 得分率)."""
    return (ratio * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


# -- awards: review (复查) and withdrawal (撤销) -----------------------------------------------------------


class ReviewOutcome(StrEnum):
    KEPT = "kept"
    WITHDRAWN = "withdrawn"


REVIEW_LABELS = {ReviewOutcome.KEPT: "复查保留", ReviewOutcome.WITHDRAWN: "撤销命名"}


# -- the exposure board (曝光台) ------------------------------------------------------------------------


class ExposureState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


EXPOSURE_STATE_LABELS = {ExposureState.DRAFT: "待发布", ExposureState.PUBLISHED: "已曝光",
                         ExposureState.WITHDRAWN: "已撤下"}


class ExposureAction(StrEnum):
    RECORD = "record"
    PUBLISH = "publish"
    REPLY = "reply"
    WITHDRAW = "withdraw"


EXPOSURE_TABLE: TransitionTable[ExposureState, ExposureAction] = TransitionTable(
    name="appraisal_exposure", noun="曝光",
    moves={
        ExposureAction.RECORD: Move(frozenset({None}), ExposureState.DRAFT, "assessment.run", "登记"),
        ExposureAction.PUBLISH: Move(frozenset({ExposureState.DRAFT}), ExposureState.PUBLISHED, "assessment.run",
                                     "发布"),
        # The person named may answer before and after publication: the reply is shown with the lapse.
        ExposureAction.REPLY: Move(frozenset({ExposureState.DRAFT, ExposureState.PUBLISHED}), None, None, "答复"),
        ExposureAction.WITHDRAW: Move(frozenset({ExposureState.DRAFT, ExposureState.PUBLISHED}),
                                      ExposureState.WITHDRAWN, "assessment.run", "撤下"),
    },
    state_labels=EXPOSURE_STATE_LABELS, terminal=frozenset({ExposureState.WITHDRAWN}))

# How long a published lapse stays on the public board (days from publication).
EXPOSURE_PUBLIC_DAYS = 365


# -- staff development ------------------------------------------------------------------------------------


class TrainingKind(StrEnum):
    PRE_POST = "pre_post"
    PERIODIC = "periodic"
    OTHER = "other"


TRAINING_LABELS = {TrainingKind.PRE_POST: "岗前培训", TrainingKind.PERIODIC: "在岗轮训", TrainingKind.OTHER: "其他培训"}

# A diary entry may be written up to this many working days after its day (补记); later, the day
# stays missing — otherwise every gap could be filled on the eve of scoring.
DIARY_GRACE_WORKDAYS = 3
TEXT_MAX = 4000
