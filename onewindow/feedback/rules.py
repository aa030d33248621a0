"""The rules of the citizen's voice (好差评, 投诉、咨询、建议、表扬, 12345 工单). Pure: no Django, no I/O.

- ratings: the five national levels (国办发〔2019〕51号; GB/T 39734/39735) and the reasons offered
  for an unfavourable one;
- the rectification of a bad review (差评整改): 核实 → 整改 → 回访 → 结果, as a transition table;
- the work order (工单): 受理 → 分派 → 办理 → 答复 → 办结, with 督办 and 回访 (国办发〔2020〕53号;
  GB/T 36113: 受理、调查、处置、反馈、归档), as a transition table;
- the default working-day limits (LEGAL-RULES §3 and §4), configurable per center.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from fractions import Fraction

from onewindow.lifecycle.transitions import Move, TransitionTable

# -- ratings -------------------------------------------------------------------------------------------


class Level(IntEnum):
    """The five national levels; the bottom two are a bad review (差评)."""

    VERY_SATISFIED = 5
    SATISFIED = 4
    BASIC = 3
    DISSATISFIED = 2
    VERY_DISSATISFIED = 1


LEVEL_LABELS = {Level.VERY_SATISFIED: "非常满意", Level.SATISFIED: "满意", Level.BASIC: "基本满意",
                Level.DISSATISFIED: "不满意", Level.VERY_DISSATISFIED: "非常不满意"}
LEVEL_CODES = {Level.VERY_SATISFIED: "very_satisfied", Level.SATISFIED: "satisfied", Level.BASIC: "basic",
               Level.DISSATISFIED: "dissatisfied", Level.VERY_DISSATISFIED: "very_dissatisfied"}
LEVEL_BY_CODE = {code: level for level, code in LEVEL_CODES.items()}
BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
GOOD_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC})

# The reasons offered for an unfavourable rating (GB/T 39735 evaluation items, as the national
# 好差评 system words them); a bad rating names at least one.
BAD_REASONS: dict[str, str] = {
    "guide_unclear": "办事指南不清晰、不准确",
    "extra_materials": "要求提交指南以外的材料",
    "repeated_visits": "多次跑动、重复提交材料",
    "slow": "办理效率低、超时办结",
    "attitude": "服务态度差",
    "not_explained": "未一次性告知",
    "fees": "乱收费或收费不透明",
    "system": "网上办事系统不好用",
    "other": "其他",
}

# Good ratings may carry tags too (the national system offers them), never required.
GOOD_REASONS: dict[str, str] = {
    "fast": "办理快捷",
    "friendly": "服务热情",
    "clear": "一次告知清楚",
    "convenient": "少跑腿、网上办",
}


class Channel(StrEnum):
    """Where a rating was given (一事一评: online matters; 一次一评: a counter visit)."""

    ONLINE = "online"  # the applicant's own account
    PROGRESS = "progress"  # the public case progress page (case number + query code)
    SMS = "sms"  # the link in the conclusion SMS (signed, single-use, expiring)
    PAD = "pad"  # the window's rating pad
    DEFAULT = "default"  # 默认好评: recorded by the system, never a citizen's own words


CHANNEL_LABELS = {Channel.ONLINE: "网上账户", Channel.PROGRESS: "办件进度页", Channel.SMS: "短信评价链接",
                  Channel.PAD: "窗口评价器", Channel.DEFAULT: "默认评价"}

RATABLE_CASE_STATUSES = frozenset({"concluded", "refused"})
SMS_LINK_DAYS = 7  # the link lives as long as a rating may be given (LEGAL-RULES §3: 7 days)
PAD_LINK_MINUTES = 30  # the pad's invitation is for the visitor at the counter now
DEFAULT_RATING_DAYS = 7  # no rating within 7 days → 基本满意 where the center enables it (Guangdong)


@dataclass(frozen=True)
class RatingProblem:
    code: str
    message: str
    field: str


def check_rating(level_code: str, reasons: list[str], comment: str) -> tuple[Level, RatingProblem | None]:
    """The level a rating names and the first thing wrong with it (None: nothing)."""
    level = LEVEL_BY_CODE.get(level_code)
    if level is None:
        return Level.BASIC, RatingProblem("rating.level_invalid",
                                          "评价等级无效，应为：" + "、".join(LEVEL_CODES.values()), "level")
    offered = BAD_REASONS if level in BAD_LEVELS else GOOD_REASONS
    unknown = [r for r in reasons if r not in offered]
    if unknown:
        return level, RatingProblem("rating.reason_invalid", f"评价原因“{unknown[0]}”不在可选范围内", "reasons")
    if level in BAD_LEVELS and not reasons:
        return level, RatingProblem("rating.reason_required", "不满意评价请至少选择一项原因", "reasons")
    if level in BAD_LEVELS and reasons == ["other"] and not comment.strip():
        return level, RatingProblem("rating.comment_required", "选择“其他”原因时请填写具体意见", "comment")
    if len(comment) > 500:
        return level, RatingProblem("rating.comment_too_long", "评价意见最多 500 字", "comment")
    return level, None


def satisfaction_rate(good: int, total: int, min_sample: int) -> Fraction | None:
    """Share of good ratings (非常满意、满意、基本满意) — None below the minimum sample, so a
    department with three ratings is not shown at 33 %."""
    if total <= 0 or total < min_sample:
        return None
    return Fraction(good, total)


# -- settings (per center; defaults from LEGAL-RULES §3 and §4) ----------------------------------------


@dataclass(frozen=True)
class Limits:
    """The working-day limits of one center."""

    verify_workdays: int = 1  # contact the rater and verify within 1 working day
    rectify_workdays: int = 15  # rectify within 5 to 15 working days (from the rating)
    visit_workdays: int = 3  # return visit after the rectification
    written_workdays: int = 3  # a written complaint: 3 working days
    complex_workdays: int = 5  # a complex complaint: 5 working days
    public_min_sample: int = 10  # ratings needed before a public rate shows
    yellow_share: Fraction = Fraction(9, 10)


def yellow_offset(workdays: int, share: Fraction) -> int | None:
    """Working days after the start on which a period of ``workdays`` turns yellow (the days left
    reach ceil(workdays × (1 − share)), at least 1); None for a period too short to have a line."""
    rest = 1 - share
    left = max(1, -(-workdays * rest.numerator // rest.denominator))
    offset = workdays - left
    return offset if offset >= 1 else None


# -- rectification (差评整改) -----------------------------------------------------------------------


class RectState(StrEnum):
    VERIFYING = "verifying"  # 待核实
    INVALID_PENDING = "invalid_pending"  # 无效（恶意）待复核
    RECTIFYING = "rectifying"  # 整改中
    VISITING = "visiting"  # 待回访
    CLOSED = "closed"  # 已办结（结果已告知）
    INVALID = "invalid"  # 核定为无效评价


RECT_STATE_LABELS = {RectState.VERIFYING: "待核实", RectState.INVALID_PENDING: "无效评价待复核",
                     RectState.RECTIFYING: "整改中", RectState.VISITING: "待回访", RectState.CLOSED: "已办结",
                     RectState.INVALID: "无效评价"}


class RectAction(StrEnum):
    OPEN = "open"
    VERIFY = "verify"  # 核实属实 → 整改
    MARK_INVALID = "mark_invalid"  # 认定无效（恶意）, needs a second staff member
    CONFIRM_INVALID = "confirm_invalid"
    REJECT_INVALID = "reject_invalid"
    RECTIFY = "rectify"  # 整改完成（或无法整改，说明理由）
    VISIT = "visit"  # 回访，告知结果


class Outcome(StrEnum):
    RECTIFIED = "rectified"  # 已整改
    CANNOT_RECTIFY = "cannot_rectify"  # 无法整改（已说明理由）
    INVALID = "invalid"  # 无效评价


OUTCOME_LABELS = {Outcome.RECTIFIED: "已整改", Outcome.CANNOT_RECTIFY: "无法整改（已说明理由）",
                  Outcome.INVALID: "无效评价"}

RECT_TABLE: TransitionTable[RectState, RectAction] = TransitionTable(
    name="rectification", noun="差评整改单", state_labels=RECT_STATE_LABELS,
    terminal=frozenset({RectState.CLOSED, RectState.INVALID}), moves={
        RectAction.OPEN: Move(frozenset({None}), RectState.VERIFYING, None, "生成"),
        RectAction.VERIFY: Move(frozenset({RectState.VERIFYING}), RectState.RECTIFYING, "rect.handle", "核实"),
        RectAction.MARK_INVALID: Move(frozenset({RectState.VERIFYING}), RectState.INVALID_PENDING, "rect.handle",
                                      "认定无效评价"),
        RectAction.CONFIRM_INVALID: Move(frozenset({RectState.INVALID_PENDING}), RectState.INVALID,
                                         "rect.confirm", "复核确认无效"),
        RectAction.REJECT_INVALID: Move(frozenset({RectState.INVALID_PENDING}), RectState.VERIFYING,
                                        "rect.confirm", "复核驳回"),
        RectAction.RECTIFY: Move(frozenset({RectState.RECTIFYING}), RectState.VISITING, "rect.handle", "整改"),
        RectAction.VISIT: Move(frozenset({RectState.VISITING}), RectState.CLOSED, "rect.visit", "回访"),
    })

RECT_ACTION_LABELS = {a: m.label for a, m in RECT_TABLE.moves.items()}


# -- work orders (工单) ------------------------------------------------------------------------------


class OrderKind(StrEnum):
    COMPLAINT = "complaint"  # 投诉
    INQUIRY = "inquiry"  # 咨询
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬
    PETITION = "petition"  # 信访（来信、来访、领导信箱、监督举报）


ORDER_KIND_LABELS = {OrderKind.COMPLAINT: "投诉", OrderKind.INQUIRY: "咨询", OrderKind.SUGGESTION: "建议",
                     OrderKind.PRAISE: "表扬", OrderKind.PETITION: "信访"}


class Source(StrEnum):
    WINDOW = "window"
    ONLINE = "online"
    HOTLINE = "hotline"  # the hotline operator
    HOTLINE_IMPORT = "hotline_import"  # 12345 order imported from the provincial platform
    MAILBOX = "mailbox"  # 领导信箱、信访信箱
    LETTER = "letter"
    VISIT = "visit"
    OPEN311 = "open311"


SOURCE_LABELS = {Source.WINDOW: "窗口", Source.ONLINE: "网上", Source.HOTLINE: "热线坐席",
                 Source.HOTLINE_IMPORT: "12345 导入", Source.MAILBOX: "信箱", Source.LETTER: "来信",
                 Source.VISIT: "来访", Source.OPEN311: "Open311"}


class Handling(StrEnum):
    ORAL = "oral"  # 口头：当场答复
    WRITTEN = "written"  # 书面：3 个工作日
    COMPLEX = "complex"  # 复杂：5 个工作日
    HOTLINE = "hotline"  # 12345：按工单自身的办结时限


HANDLING_LABELS = {Handling.ORAL: "口头（当场答复）", Handling.WRITTEN: "书面（3 个工作日）",
                   Handling.COMPLEX: "复杂（5 个工作日）", Handling.HOTLINE: "12345 工单时限"}


def handling_workdays(handling: Handling, limits: Limits) -> int:
    """Working days to answer: 0 means the same day (on the spot); a hotline order has its own due time."""
    if handling == Handling.ORAL:
        return 0
    if handling == Handling.COMPLEX:
        return limits.complex_workdays
    return limits.written_workdays


class OrderState(StrEnum):
    RECEIVED = "received"  # 已受理，待分派
    DISPATCHED = "dispatched"  # 已分派，待签收
    HANDLING = "handling"  # 办理中
    ANSWERED = "answered"  # 已答复，待办结
    CLOSED = "closed"  # 已办结
    WITHDRAWN = "withdrawn"  # 撤回（记录原因）
    MERGED = "merged"  # 重复件，已并入另一工单


ORDER_STATE_LABELS = {OrderState.RECEIVED: "待分派", OrderState.DISPATCHED: "待签收", OrderState.HANDLING: "办理中",
                      OrderState.ANSWERED: "已答复", OrderState.CLOSED: "已办结", OrderState.WITHDRAWN: "已撤回",
                      OrderState.MERGED: "重复件已合并"}


class OrderAction(StrEnum):
    RECEIVE = "receive"
    DISPATCH = "dispatch"
    REASSIGN = "reassign"
    REFUSE = "refuse"  # the department refuses the assignment: back to the dispatcher
    CLAIM = "claim"  # the department signs for it (签收)
    HANDOVER = "handover"  # 首问负责: the owner hands it to someone else, with a record
    ANSWER = "answer"
    SUPERVISE = "supervise"  # 督办
    CLOSE = "close"
    VISIT = "visit"  # 回访 + satisfaction
    WITHDRAW = "withdraw"
    MERGE = "merge"
    REWARD = "reward"  # 有奖投诉举报: a substantiated report rewarded, approver and amount recorded


_OPEN = frozenset({OrderState.RECEIVED, OrderState.DISPATCHED, OrderState.HANDLING})
_LIVE = _OPEN | {OrderState.ANSWERED}

ORDER_TABLE: TransitionTable[OrderState, OrderAction] = TransitionTable(
    name="feedback", noun="工单", state_labels=ORDER_STATE_LABELS,
    terminal=frozenset({OrderState.CLOSED, OrderState.WITHDRAWN, OrderState.MERGED}), moves={
        OrderAction.RECEIVE: Move(frozenset({None}), OrderState.RECEIVED, "order.intake", "受理"),
        OrderAction.DISPATCH: Move(frozenset({OrderState.RECEIVED}), OrderState.DISPATCHED, "order.dispatch", "分派"),
        OrderAction.REASSIGN: Move(frozenset({OrderState.DISPATCHED, OrderState.HANDLING}), OrderState.DISPATCHED,
                                   "order.dispatch", "改派"),
        OrderAction.REFUSE: Move(frozenset({OrderState.DISPATCHED}), OrderState.RECEIVED, "order.handle", "退回分派"),
        OrderAction.CLAIM: Move(frozenset({OrderState.DISPATCHED}), OrderState.HANDLING, "order.handle", "签收"),
        OrderAction.HANDOVER: Move(frozenset(_LIVE), None, "order.handover", "移交首问责任"),
        OrderAction.ANSWER: Move(frozenset({OrderState.HANDLING}), OrderState.ANSWERED, "order.handle", "答复"),
        OrderAction.SUPERVISE: Move(frozenset(_LIVE), None, "order.supervise", "督办"),
        OrderAction.CLOSE: Move(frozenset({OrderState.ANSWERED}), OrderState.CLOSED, "order.close", "办结"),
        OrderAction.VISIT: Move(frozenset({OrderState.CLOSED}), None, "order.visit", "回访"),
        OrderAction.WITHDRAW: Move(frozenset(_LIVE), OrderState.WITHDRAWN, "order.dispatch", "撤回"),
        OrderAction.MERGE: Move(frozenset(_LIVE), OrderState.MERGED, "order.dispatch", "合并重复件"),
        OrderAction.REWARD: Move(frozenset({OrderState.ANSWERED, OrderState.CLOSED}), None, "order.reward",
                                 "有奖举报奖励"),
    })

ORDER_ACTION_LABELS = {a: m.label for a, m in ORDER_TABLE.moves.items()}
ORDER_AWAITING_ANSWER = _OPEN  # the answer deadline runs in these states

SUBSTANTIATED_FLAG_THRESHOLD = 2  # two substantiated complaints in a year → the clerk leaves the window


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASIC = "basic"
    DISSATISFIED = "dissatisfied"


SATISFACTION_LABELS = {Satisfaction.SATISFIED: "满意", Satisfaction.BASIC: "基本满意",
                       Satisfaction.DISSATISFIED: "不满意"}


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")


def redact(text: str, names: tuple[str, ...] = ()) -> str:
    """The text with mobile and landline numbers, ID numbers and the given names masked, for
    publishing an answer without personal data."""
    text = _ID_NUMBER.sub("[身份证号已隐去]", text)
    text = _MOBILE.sub("[电话已隐去]", text)
    text = _LANDLINE.sub("[电话已隐去]", text)
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, name[0] + "某" * (len(name) - 1))
    return text


# -- 追评: one follow-up of a rating ----------------------------------------------------------------------

# Only the applicant's own channels can prove who adds to a case's rating later: the SMS and pad
# links are single-use and spent by the rating itself.
FOLLOW_UP_CHANNELS = frozenset({Channel.ONLINE, Channel.PROGRESS})
FOLLOW_UP_MAX_CHARS = 500


# -- bulk notices (群发通知): one SMS to a chosen group, its text approved first -------------------------


class NoticeGroup(StrEnum):
    ITEM_APPLICANTS = "item_applicants"  # every applicant of one item of the department in a year
    ORDER_CALLERS = "order_callers"  # every caller of the department's work orders in a year


NOTICE_GROUP_LABELS = {NoticeGroup.ITEM_APPLICANTS: "某事项本年度全部申请人",
                       NoticeGroup.ORDER_CALLERS: "本部门本年度工单诉求人"}


class NoticeState(StrEnum):
    DRAFT = "draft"  # 待审核
    APPROVED = "approved"  # 已审核待发送
    REJECTED = "rejected"  # 审核未通过
    SENT = "sent"  # 已发送


class NoticeAction(StrEnum):
    DRAFT = "draft"
    APPROVE = "approve"
    REJECT = "reject"
    SEND = "send"


NOTICE_STATE_LABELS = {NoticeState.DRAFT: "待审核", NoticeState.APPROVED: "已审核待发送",
                       NoticeState.REJECTED: "审核未通过", NoticeState.SENT: "已发送"}

NOTICE_TABLE: TransitionTable[NoticeState, NoticeAction] = TransitionTable(
    name="bulk_notice", noun="群发通知", state_labels=NOTICE_STATE_LABELS,
    terminal=frozenset({NoticeState.REJECTED, NoticeState.SENT}), moves={
        NoticeAction.DRAFT: Move(frozenset({None}), NoticeState.DRAFT, "notice.draft", "拟稿"),
        NoticeAction.APPROVE: Move(frozenset({NoticeState.DRAFT}), NoticeState.APPROVED, "notice.approve", "审核通过"),
        NoticeAction.REJECT: Move(frozenset({NoticeState.DRAFT}), NoticeState.REJECTED, "notice.approve", "退回"),
        NoticeAction.SEND: Move(frozenset({NoticeState.APPROVED}), NoticeState.SENT, "notice.draft", "发送"),
    })
NOTICE_ACTION_LABELS = {a: m.label for a, m in NOTICE_TABLE.moves.items()}

# One SMS is 70 characters; a long one is split by the gateway and billed per part: keep it short.
NOTICE_MAX_CHARS = 300
# Rate limits of a department's bulk sending: so many notices a day, so many people each (a larger
# group is a campaign for the center's office, not a department's notice).
NOTICE_PER_DEPARTMENT_PER_DAY = 3
NOTICE_MAX_RECIPIENTS = 5000


# -- the caller's full phone on a work order: shown only with a reason, recorded ---------------------------


class RevealReason(StrEnum):
    CONTACT = "contact"
    VISIT = "visit"
    VERIFY = "verify"
    OTHER = "other"


REVEAL_REASON_LABELS = {RevealReason.CONTACT: "联系诉求人办理或答复", RevealReason.VISIT: "回访",
                        RevealReason.VERIFY: "核实诉求人身份", RevealReason.OTHER: "其他办理需要"}
