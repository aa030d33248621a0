"""The rules of electronic supervision (电子监察). Pure: no Django, no I/O.

Each :class:`Rule` has an English ``code``, a warning level (yellow / red; a statutory breach is
red and *severe*), the kind of unit it is held against (case, staff, department, window, center),
a Chinese description and its basis, and a *nature*:

- a **condition** holds for as long as its cause lasts (a deadline passed and the case is still
  open, a certificate not yet issued, a broken hash chain): its warning resolves by itself once
  the condition no longer holds;
- a **fact** records something that happened and cannot un-happen (a deemed acceptance, a
  decision without authorization): its warning stays until the responsible staff acknowledge it
  and a supervisor closes it out (销号).

Every center may switch rules off and set the parameters (:class:`SupervisionConfig`): the
yellow share, the minimum number of cases for a unit to be ranked, and the working days a
department has to reply to a supervision order. Local rules are configurable defaults, never
hard-coded (LEGAL-RULES.md: "local rules … must be configurable defaults").

A warning is *about* one moment (``subject``): the due date it passed, the event that broke a
rule, the year whose calendar is missing. Rule + target + subject is unique, so a rule fires
once per thing however many sweeps look at it, and fires again when the thing changes (an
extension gives the case a new due date, hence a new subject).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import cached_property

from onewindow.cases.events import EventKind
from onewindow.lifecycle.deadlines import KIND_LABELS, Kind, watched
from onewindow.lifecycle.registry import DeadlineRules
from onewindow.lifecycle.transitions import Move, TransitionTable
from onewindow.organization.rules import InvalidRegionCode, parent_code
from onewindow.workdays import clock


class Level(StrEnum):
    YELLOW = "yellow"  # 黄牌
    RED = "red"  # 红牌


class Target(StrEnum):
    """The unit a warning is held against."""

    CASE = "case"
    RECORD = "record"  # any other record type of the lifecycle kernel (by its own key)
    STAFF = "staff"
    DEPARTMENT = "department"
    WINDOW = "window"
    CENTER = "center"


class Nature(StrEnum):
    CONDITION = "condition"  # resolves by itself when the cause goes away
    FACT = "fact"  # stays until acknowledged and closed out


class State(StrEnum):
    OPEN = "open"  # 待处理
    ACKNOWLEDGED = "acknowledged"  # 已说明 (by the responsible staff, with a note)
    RESOLVED = "resolved"  # 已解除 / 已销号


LIVE_STATES = frozenset({State.OPEN, State.ACKNOWLEDGED})

LEVEL_LABELS = {Level.YELLOW: "黄牌", Level.RED: "红牌"}
TARGET_LABELS = {Target.CASE: "办件", Target.RECORD: "办理事项", Target.STAFF: "工作人员", Target.DEPARTMENT: "部门", Target.WINDOW: "窗口",
                 Target.CENTER: "中心"}
STATE_LABELS = {State.OPEN: "待处理", State.ACKNOWLEDGED: "已说明", State.RESOLVED: "已解除"}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # short Chinese name for lists
    level: Level
    target: Target
    nature: Nature
    description: str  # what fires it, in Chinese
    basis: str  # the law, standard or local rule it comes from
    severe: bool = False  # a statutory breach: red and severe

    @property
    def label(self) -> str:
        return f"{LEVEL_LABELS[self.level]}·{self.name}"


class Code(StrEnum):
    PROMISED_NEAR = "promised_near"
    PROMISED_OVERDUE = "promised_overdue"
    STATUTORY_OVERDUE = "statutory_overdue"
    DEEMED_ACCEPTANCE = "deemed_acceptance"
    SUPPLEMENT_REPEATED = "supplement_repeated"
    STAGE_OVERDUE = "stage_overdue"
    SPECIAL_PROCEDURE_OVERRUN = "special_procedure_overrun"
    VISITS_EXCEEDED = "visits_exceeded"
    DECISION_UNAUTHORIZED = "decision_unauthorized"
    STAGES_SKIPPED = "stages_skipped"
    RECORD_MISMATCH = "record_mismatch"
    DOUBLE_INTAKE = "double_intake"
    ISSUANCE_OVERDUE = "issuance_overdue"
    CALENDAR_UNPUBLISHED = "calendar_unpublished"
    ORDER_REPLY_OVERDUE = "order_reply_overdue"
    DEADLINE_OVERDUE = "deadline_overdue"
    DEADLINE_NEAR = "deadline_near"
    FEES_OFF_SCHEDULE = "fees_off_schedule"
    QUEUE_WAIT_EXCEEDED = "queue_wait_exceeded"


_Y, _R = Level.YELLOW, Level.RED
_C, _F = Nature.CONDITION, Nature.FACT

RULES: dict[str, Rule] = {r.code: r for r in (
    Rule(Code.PROMISED_NEAR, "承诺期限临近", _Y, Target.CASE, _C,
         "承诺办结时限已用去规定比例（默认 90%），剩余工作日不超过承诺时限的 10%（至少 1 个工作日），尚未作出决定",
         "中心电子监察规则：承诺时限用去 90% 黄牌预警（比例可由中心设置）；DESIGN.md §4 第 9 条"),
    Rule(Code.PROMISED_OVERDUE, "超过承诺期限", _R, Target.CASE, _C,
         "承诺办结期限已届满（期限日 23:59:59 之后），尚未作出决定",
         "中心电子监察规则：超过承诺时限红牌预警；窗口考核每件超时扣 5 分"),
    Rule(Code.STATUTORY_OVERDUE, "超过法定期限", _R, Target.CASE, _C,
         "法定办理期限已届满，尚未作出决定（严重）",
         "《中华人民共和国行政许可法》第四十二条：除可以当场作出决定的外，应当自受理之日起二十个工作日内作出决定",
         severe=True),
    Rule(Code.DEEMED_ACCEPTANCE, "逾期未受理视为受理", _R, Target.WINDOW, _F,
         "收件后 5 个工作日内未作出受理、不予受理或补正告知，依法视为受理",
         "《中华人民共和国行政许可法》第三十二条：逾期不告知的，自收到申请材料之日起即为受理"),
    Rule(Code.SUPPLEMENT_REPEATED, "多次告知补正", _R, Target.CASE, _F,
         "补正告知在前次告知之外增加了需补正的材料（违反一次性告知）",
         "《中华人民共和国行政许可法》第三十二条：应当当场或者在五日内一次告知申请人需要补正的全部内容"),
    Rule(Code.STAGE_OVERDUE, "环节超时", _Y, Target.DEPARTMENT, _C,
         "审核环节超过其环节时限（工作日）仍未办结，办件尚在承诺期限内",
         "事项办理流程的环节时限；中心电子监察规则：环节逾期预警"),
    Rule(Code.SPECIAL_PROCEDURE_OVERRUN, "特别程序超期", _Y, Target.CASE, _C,
         "特别程序进行时间超过书面告知申请人的所需工作日",
         "《中华人民共和国行政许可法》第四十五条：所需时间不计算在期限内，但应当书面告知申请人所需时间"),
    Rule(Code.VISITS_EXCEEDED, "超过到现场次数", _Y, Target.CASE, _F,
         "申请人到现场次数超过办事指南公布的到现场次数",
         "办事指南公布的到现场次数（最多跑一次）；《行政许可法》第三十条"),
    Rule(Code.DECISION_UNAUTHORIZED, "无授权审批", _R, Target.STAFF, _F,
         "作出审批决定或制发证照的工作人员当日不具有相应岗位或授权",
         "《中华人民共和国行政许可法》第二十二条：行政许可由具有行政许可权的行政机关在其法定职权范围内实施；"
         "中心授权委托制度"),
    Rule(Code.STAGES_SKIPPED, "跳过审核环节", _R, Target.CASE, _F,
         "作出审批决定时，事项办理流程规定的审核环节尚未办结",
         "事项办理流程；《中华人民共和国行政许可法》第三十四条（需要核实的，应当指派两名以上工作人员核查）"),
    Rule(Code.RECORD_MISMATCH, "办记不符", _R, Target.CASE, _C,
         "办件记录与其事件链不符，或事件链的哈希校验失败（记录可能被改动）",
         "办件事件链（SHA-256 哈希链）；中心电子监察规则：办记不符"),
    Rule(Code.DOUBLE_INTAKE, "两头受理", _Y, Target.CASE, _F,
         "同一申请人的同一事项在办理期间重叠的两个办件，由不同窗口或不同区划受理",
         "中心管理制度：杜绝两头受理、体外循环"),
    Rule(Code.ISSUANCE_OVERDUE, "制证超时", _R, Target.CASE, _C,
         "准予许可决定后 10 个工作日内未颁发证件",
         "《中华人民共和国行政许可法》第四十四条：应当自作出决定之日起十日内颁发、送达行政许可证件"),
    Rule(Code.CALENDAR_UNPUBLISHED, "次年节假日安排未发布", _Y, Target.CENTER, _C,
         "12 月 1 日起，次年的节假日安排尚未录入工作日历，次年的期限只能按周末暂定计算",
         "《行政许可法》第八十二条（期限以工作日计算，不含法定节假日）；DESIGN.md §4 第 10 条"),
    Rule(Code.ORDER_REPLY_OVERDUE, "督办逾期未回复", _R, Target.DEPARTMENT, _C,
         "督办单规定的回复期限已届满，承办部门尚未回复",
         "督办单规定的回复期限（工作日，中心可设置）"),
    Rule(Code.DEADLINE_NEAR, "期限临近", _Y, Target.RECORD, _C,
         "办理事项（投诉、申请、任务等）的期限已用去规定比例，尚未办结或答复",
         "该事项适用的法定或承诺期限（工作日）；中心电子监察规则：期限临近黄牌预警"),
    Rule(Code.DEADLINE_OVERDUE, "逾期未办", _R, Target.RECORD, _C,
         "办理事项（投诉、申请、任务等）的期限已届满，尚未办结或答复",
         "该事项适用的法定或承诺期限（工作日）"),
    Rule(Code.FEES_OFF_SCHEDULE, "目录外收费", _R, Target.DEPARTMENT, _F,
         "试图收取事项收费目录以外的费用（如通过导入开具目录外收费项目），已被系统拒绝",
         "《中华人民共和国行政许可法》第五十八条、第五十九条：收费必须依照法律、行政法规规定的项目和标准；"
         "中心电子监察规则：违规收费"),
    Rule(Code.QUEUE_WAIT_EXCEEDED, "排队等候超时", _Y, Target.CENTER, _C,
         "大厅某一队列最早取号的群众当前等候时间超过该窗口组设定的等候预警时长（默认 30 分钟），仍未叫号",
         "中心电子监察规则：窗口排队等候超时预警（等候预警时长由中心按窗口组设置，与大厅看板的预警一致）"),
)}



def rule(code: str) -> Rule:
    return RULES[code]


def default_enabled() -> list[str]:
    """Every rule code: the stored default of a center's enabled rules."""
    return list(RULES)


# -- per-center settings ---------------------------------------------------------------------------

DEFAULT_YELLOW_SHARE = clock.DEFAULT_YELLOW_SHARE
DEFAULT_MIN_CASES_FOR_RANKING = 20
DEFAULT_ORDER_REPLY_WORKDAYS = 5


@dataclass(frozen=True)
class SupervisionConfig:
    """One center's supervision settings; :data:`DEFAULTS` applies where a center has none."""

    enabled: frozenset[str] = frozenset(RULES)
    yellow_share: Fraction = DEFAULT_YELLOW_SHARE
    min_cases_for_ranking: int = DEFAULT_MIN_CASES_FOR_RANKING
    order_reply_workdays: int = DEFAULT_ORDER_REPLY_WORKDAYS

    def __post_init__(self) -> None:
        unknown = set(self.enabled) - set(RULES)
        if unknown:
            raise ValueError(f"未知的监察规则：{'、'.join(sorted(unknown))}")
        share = self.yellow_share
        if not isinstance(share, Fraction):
            share = Fraction(str(share))
            object.__setattr__(self, "yellow_share", share)
        if not 0 < share < 1:
            raise ValueError(f"黄牌比例须大于 0 且小于 1：{self.yellow_share}")
        if self.min_cases_for_ranking < 0:
            raise ValueError("参与排名的最少办件数不能为负数")
        if self.order_reply_workdays < 1:
            raise ValueError("督办回复期限至少 1 个工作日")
        object.__setattr__(self, "enabled", frozenset(self.enabled))

    def is_enabled(self, code: str) -> bool:
        return code in self.enabled


DEFAULTS = SupervisionConfig()


def make_config(*, enabled: Iterable[str] | None, yellow_share: Decimal | Fraction | float | str | None,
                min_cases_for_ranking: int | None, order_reply_workdays: int | None) -> SupervisionConfig:
    """A config from stored values, each missing one taking its default."""
    values: dict[str, object] = {}
    if enabled is not None:
        values["enabled"] = frozenset(enabled)
    if yellow_share is not None:
        values["yellow_share"] = Fraction(str(yellow_share))
    if min_cases_for_ranking is not None:
        values["min_cases_for_ranking"] = int(min_cases_for_ranking)
    if order_reply_workdays is not None:
        values["order_reply_workdays"] = int(order_reply_workdays)
    return replace(DEFAULTS, **values)


def config_for(region_code: str, configs: Mapping[str, SupervisionConfig]) -> SupervisionConfig:
    """The settings that apply in a region: its own, else the nearest ancestor's, else defaults.

    A township without its own row follows its county's center; a county without one follows
    the city's, and so on up to the defaults.
    """
    code: str | None = region_code
    while code:
        found = configs.get(code)
        if found is not None:
            return found
        try:
            code = parent_code(code)
        except InvalidRegionCode:
            return DEFAULTS
    return DEFAULTS


# -- targets and identity --------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One warning a rule calls for: which rule, about what, against whom, and why.

    Ids are plain integers (the sweep builds findings from ``values()`` rows). ``target_key`` plus
    ``rule`` plus ``subject`` is the warning's identity (the database's unique constraint).
    """

    rule: str
    subject: str
    region_id: int
    message: str
    case_id: int | None = None
    department_id: int | None = None
    window_id: int | None = None
    staff_id: int | None = None
    due_on: date | None = None
    details: Mapping[str, object] = field(default_factory=dict)
    # The record the warning is about when it is not a case (a supervision order, a work order …),
    # as the lifecycle kernel names it; a case's findings leave these empty and set ``case_id``.
    subject_type: str = ""
    subject_id: int | None = None
    deadline_id: int | None = None  # the deadline row a deadline rule's finding comes from

    @property
    def target_kind(self) -> Target:
        return RULES[self.rule].target

    @property
    def record(self) -> str | None:
        """``"case:12"``, ``"order:3"``: the record the finding is about, if any."""
        if self.subject_type and self.subject_id is not None:
            return f"{self.subject_type}:{self.subject_id}"
        return f"case:{self.case_id}" if self.case_id is not None else None

    @cached_property
    def target_key(self) -> str:
        return target_key(self.target_kind, record=self.record, staff_id=self.staff_id,
                          department_id=self.department_id, window_id=self.window_id, region_id=self.region_id)

    @cached_property
    def identity(self) -> tuple[str, str, str]:
        return (self.rule, self.target_key, self.subject)


def target_key(kind: Target, *, record: str | None = None, case_id: int | None = None, staff_id: int | None = None,
               department_id: int | None = None, window_id: int | None = None, region_id: int | None = None) -> str:
    """``"case:12"``, ``"window:3"`` …: one string column, because NULLs never collide in a unique
    constraint and several nullable foreign keys could not make firing idempotent.

    ``record`` is the record the finding is about (``"case:12"``, ``"order:3"``). A rule held
    against a window falls back to the department when the case came in online (no window), and
    a record-bound rule of another unit keeps the record in the key (two cases of one department
    are two warnings).
    """
    if record is None and case_id is not None:
        record = f"case:{case_id}"
    suffix = f"/{record}" if record else ""
    if kind in (Target.CASE, Target.RECORD):
        return _need_key(record, "record")
    if kind == Target.STAFF:
        return f"staff:{_need(staff_id, 'staff')}" + suffix
    if kind == Target.WINDOW and window_id is not None:
        return f"window:{window_id}" + suffix
    if kind in (Target.DEPARTMENT, Target.WINDOW):
        return f"department:{_need(department_id, 'department')}" + suffix
    return f"region:{_need(region_id, 'region')}"


def _need_key(value: str | None, what: str) -> str:
    if value is None:
        raise ValueError(f"a warning against a {what} needs its id")
    return value


def _need(value: int | None, what: str) -> int:
    if value is None:
        raise ValueError(f"a warning against a {what} needs its id")
    return value


# -- deadline rules on the lifecycle kernel's deadline rows ----------------------------------------

# What each kind of deadline raises, unless the record type registered its own words
# (``onewindow.lifecycle.registry.SubjectType.deadline_rules``).
DEFAULT_DEADLINE_RULES: dict[Kind, DeadlineRules] = {
    Kind.ACCEPTANCE: DeadlineRules(),  # answered by 视为受理 (Art. 32), an event of its own
    Kind.PROMISED: DeadlineRules(yellow=Code.PROMISED_NEAR, overdue=Code.PROMISED_OVERDUE),
    Kind.STATUTORY: DeadlineRules(overdue=Code.STATUTORY_OVERDUE),
    Kind.ISSUANCE: DeadlineRules(overdue=Code.ISSUANCE_OVERDUE),
    Kind.STAGE: DeadlineRules(overdue=Code.STAGE_OVERDUE),
    Kind.SUPPLEMENT: DeadlineRules(yellow=Code.DEADLINE_NEAR, overdue=Code.DEADLINE_OVERDUE),
    Kind.REPLY: DeadlineRules(yellow=Code.DEADLINE_NEAR, overdue=Code.DEADLINE_OVERDUE),
}
DEADLINE_ROW_RULES = frozenset({Code.PROMISED_NEAR, Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE,
                                Code.ISSUANCE_OVERDUE, Code.STAGE_OVERDUE, Code.ORDER_REPLY_OVERDUE,
                                Code.DEADLINE_OVERDUE, Code.DEADLINE_NEAR})


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline row as the sweep reads it."""

    id: int
    subject_type: str
    subject_id: int
    kind: str
    key: str
    state: str
    due_on: date | None
    yellow_from: date | None
    lapses_after: date | None


def deadline_holds(row: DeadlineRow, rules: DeadlineRules, today: date) -> str | None:
    """The warning rule a deadline row calls for on ``today``, if any.

    - the *overdue* rule from the day after the due date (DESIGN.md §4 rule 2: a due date ends at
      23:59:59 of its day, so not a moment earlier);
    - the *yellow* rule from the start of ``yellow_from`` through the end of the due date;
    - nothing once the owner closed the deadline (answered, decided, cancelled), or after
      ``lapses_after`` (a larger deadline then speaks for it).
    """
    if not watched(row.state, row.due_on, row.lapses_after, today):
        return None
    assert row.due_on is not None
    if today > row.due_on:
        return rules.overdue
    if row.yellow_from is not None and row.yellow_from <= today:
        return rules.yellow
    return None


def deadline_subject(row: DeadlineRow) -> str:
    """The warning's ``subject`` for a deadline row: the due date (a moved date is a new warning),
    after the kind and key where one record has several deadlines of a kind."""
    assert row.due_on is not None
    if row.kind in (Kind.PROMISED, Kind.STATUTORY, Kind.ISSUANCE):
        return row.due_on.isoformat()
    return f"{row.kind}{':' + row.key if row.key else ''}:{row.due_on.isoformat()}"


def deadline_row_message(code: str, title: str, deadline_title: str, kind: str, due: date, department: str) -> str:
    """The warning's text for a deadline row of the record titled ``title`` (办件 990121-2026-000001)."""
    if code in (Code.PROMISED_NEAR, Code.PROMISED_OVERDUE, Code.STATUTORY_OVERDUE, Code.ISSUANCE_OVERDUE):
        return deadline_message(code, title, due)
    if code == Code.STAGE_OVERDUE:
        return f"{title} 的{deadline_title}超过环节时限（{fmt(due)}）仍未办结"
    what = deadline_title or KIND_LABELS.get(Kind(kind), kind)
    if code == Code.ORDER_REPLY_OVERDUE:
        return f"{title}的{what} {fmt(due)} 已过，{department or '承办部门'}尚未回复"
    if code == Code.DEADLINE_NEAR:
        return f"{title}的{what}（{fmt(due)}）临近，尚未办结"
    return f"{title}的{what}（{fmt(due)}）已过，尚未办结"


def resolution_of(rule_code: str, row: DeadlineRow | None, closed_reason: str, today: date) -> str:
    """Why a deadline warning no longer holds, in words for its history."""
    if row is None:
        return "期限已不再适用"
    if row.state != "open":
        return closed_reason or "期限已结束"
    if rule_code in (Code.PROMISED_NEAR, Code.DEADLINE_NEAR) and row.due_on is not None and today > row.due_on:
        return "已转为红牌预警"
    if row.lapses_after is not None and today > row.lapses_after:
        return "办件已超过承诺期限，由承诺期限预警代替"
    return "期限已变化，预警条件已不存在"


# The case statuses in which the handling clocks run (DESIGN.md §4 rules 5–6): accepted, not decided.
HANDLING_STATUSES = frozenset({"in_review", "special_procedure"})


def special_procedure_overrun(*, running: bool, expected_end: date | None, today: date) -> bool:
    """A running special procedure past the end announced to the applicant in writing (Art. 45)."""
    return running and expected_end is not None and today > expected_end


def visits_exceeded(visits: int, max_visits: int) -> bool:
    """More visits than the service guide promises (到现场次数). 0 means "none needed"."""
    return visits > max_visits


def calendar_due(today: date, published_years: Iterable[int]) -> int | None:
    """The next year, if its holiday arrangement should be in the calendar by now but is not.

    The State Council publishes it in November or December (LEGAL-RULES.md §5); from 1 December
    the center administrators are warned until they enter it.
    """
    next_year = today.year + 1
    if today >= date(today.year, 12, 1) and next_year not in set(published_years):
        return next_year
    return None


# -- event rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventFact:
    """One stored case event, as the event rules read it."""

    seq: int
    kind: str
    day: date
    actor_id: int | None
    payload: Mapping[str, object]


def repeated_supplement_notices(events: Sequence[EventFact]) -> list[tuple[EventFact, list[str]]]:
    """Supplement notices that add materials the earlier ones did not list (一次告知, Art. 32).

    Mirrors the clock's rule 4: a later notice may only repeat materials already listed. The
    services refuse such a notice; this finds one that came in by another way (an imported or
    an edited record).
    """
    listed: set[str] = set()
    notices = 0
    found: list[tuple[EventFact, list[str]]] = []
    for ev in sorted(events, key=lambda e: e.seq):
        if ev.kind != EventKind.SUPPLEMENT_REQUESTED:
            continue
        raw = ev.payload.get("materials") or []
        names = {str(m.get("name") if isinstance(m, Mapping) else m).strip() for m in raw}
        names.discard("")
        if notices and not names <= listed:
            found.append((ev, sorted(names - listed)))
        listed |= names
        notices += 1
    return found


def skipped_stages(events: Sequence[EventFact], required: Iterable[int]) -> list[tuple[EventFact, list[int]]]:
    """Decisions made while required review stages were not completed.

    ``required`` are the orders of the stages that need their own review (not the acceptance and
    decision stages, which those actions complete).
    """
    needed = sorted(set(required))
    done: set[int] = set()
    found: list[tuple[EventFact, list[int]]] = []
    for ev in sorted(events, key=lambda e: e.seq):
        if ev.kind == EventKind.STAGE_COMPLETED:
            stage = ev.payload.get("stage")
            if isinstance(stage, int):
                done.add(stage)
        elif ev.kind == EventKind.DECIDED and not ev.payload.get("instant"):  # an instant case has no review
            missing = [s for s in needed if s not in done]
            if missing:
                found.append((ev, missing))
    return found


# The events that need a power the actor must hold that day, and the permission to check.
AUTHORIZED_EVENTS = {EventKind.DECIDED: "case.decide", EventKind.CERTIFICATE_ISSUED: "case.issue_certificate"}
# 即办件: the clerk accepts, decides, issues and hands over in one visit on the power to accept.
INSTANT_PERMISSION = "case.accept"


def required_permission(kind: str, payload: Mapping[str, object]) -> str | None:
    """The permission an event's actor needed that day, or None for events that need none here."""
    perm = AUTHORIZED_EVENTS.get(kind)
    if perm is not None and payload.get("instant"):
        return INSTANT_PERMISSION
    return perm


@dataclass(frozen=True)
class Intake:
    """One acceptance of an item by an applicant: where, and the span it was being handled."""

    case_id: int
    region_id: int
    window_id: int | None
    accepted_on: date
    closed_on: date | None  # None: still open


def overlaps(a: Intake, b: Intake) -> bool:
    """Two handling spans share at least one day."""
    a_end = a.closed_on or date.max
    b_end = b.closed_on or date.max
    return a.accepted_on <= b_end and b.accepted_on <= a_end


def double_intakes(this: Intake, others: Iterable[Intake]) -> list[Intake]:
    """Other acceptances of the same applicant and item, overlapping in time, at another window or
    in another region (两头受理). The same window twice is a resubmission, not this rule."""
    return [o for o in others if o.case_id != this.case_id and overlaps(this, o)
            and (o.region_id != this.region_id or o.window_id != this.window_id)]


# -- messages ------------------------------------------------------------------------------------------


def fmt(d: date | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


def deadline_message(code: str, title: str, due: date) -> str:
    """The text of a case deadline warning; ``title`` names the record (办件 990121-2026-000001)."""
    if code == Code.PROMISED_NEAR:
        return f"{title} 临近承诺期限（{fmt(due)}），请抓紧办理"
    if code == Code.PROMISED_OVERDUE:
        return f"{title} 已超过承诺期限（{fmt(due)}）仍未作出决定"
    if code == Code.STATUTORY_OVERDUE:
        return f"{title} 已超过法定期限（{fmt(due)}）仍未作出决定，属严重超时"
    if code == Code.ISSUANCE_OVERDUE:
        return f"{title} 准予许可后未在期限内（{fmt(due)}）颁发证件"
    raise ValueError(code)


# -- small statistics used by the indicators and the charts ---------------------------------------------


def nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at or
    below it (p90 of 1..10 is 9). None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(1, math.ceil(share * len(ordered)))
    return ordered[k - 1]


# -- supervision orders (督办单) -----------------------------------------------------------------------


class OrderState(StrEnum):
    ISSUED = "issued"  # 待回复
    REPLIED = "replied"  # 已回复，待销号
    RETURNED = "returned"  # 退回重办，待再次回复
    CLOSED = "closed"  # 已销号


class OrderAction(StrEnum):
    ISSUE = "issue"
    REPLY = "reply"
    RETURN = "return"
    CLOSE = "close"


ORDER_STATE_LABELS = {OrderState.ISSUED: "待回复", OrderState.REPLIED: "已回复", OrderState.RETURNED: "已退回",
                      OrderState.CLOSED: "已销号"}

ORDER_TABLE: TransitionTable[OrderState, OrderAction] = TransitionTable(
    name="order", noun="督办单", state_labels=ORDER_STATE_LABELS, terminal=frozenset({OrderState.CLOSED}), moves={
        # The supervisor issues it to a department.
        OrderAction.ISSUE: Move(frozenset({None}), OrderState.ISSUED, "supervision.order", "下达"),
        # The department (its chief representative) explains and lists its measures.
        OrderAction.REPLY: Move(frozenset({OrderState.ISSUED, OrderState.RETURNED}), OrderState.REPLIED,
                                "supervision.reply", "回复"),
        # The supervisor is not satisfied: back to the department, with a new reply date.
        OrderAction.RETURN: Move(frozenset({OrderState.REPLIED}), OrderState.RETURNED, "supervision.order", "退回"),
        # 销号: the supervisor ticks the order off as done.
        OrderAction.CLOSE: Move(frozenset({OrderState.REPLIED}), OrderState.CLOSED, "supervision.order", "销号"),
    })

# The longest reply period a supervisor may set, so a typo cannot park an order for a year.
MAX_ORDER_REPLY_WORKDAYS = 60


def _order_state(current: str) -> OrderState | None:
    return OrderState(current) if current in OrderState.__members__.values() else None


def next_order_state(action: OrderAction, current: str) -> OrderState | None:
    """The state after ``action``, or None when the order's state does not allow it."""
    state = _order_state(current)
    return ORDER_TABLE.next_state(action, state) if state is not None and ORDER_TABLE.allows(action, state) else None


def order_refusal(action: OrderAction, current: str) -> str:
    state = _order_state(current)
    return ORDER_TABLE.refusal(action, state) if state is not None else f"督办单当前状态为“{current}”，不能{action}"
