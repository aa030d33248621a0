"""The pure rules of work tasks and problems: their states, lifecycles and labels. No Django."""

from __future__ import annotations

from enum import StrEnum
from fractions import Fraction

from onewindow.lifecycle.transitions import Move, TransitionTable


class TaskState(StrEnum):
    OPEN = "open"  # 推进中
    CLOSED = "closed"  # 已完成（牵头单位汇总后办结）


TASK_STATE_LABELS = {TaskState.OPEN: "推进中", TaskState.CLOSED: "已完成"}


class TaskAction(StrEnum):
    CREATE = "create"
    REPORT = "report"  # 责任单位报送进展
    CONSOLIDATE = "consolidate"  # 牵头单位汇总
    URGE = "urge"  # 督办
    CLOSE = "close"  # 办结


TASK_TABLE: TransitionTable[TaskState, TaskAction] = TransitionTable(
    name="work_task", noun="工作任务",
    moves={
        TaskAction.CREATE: Move(frozenset({None}), TaskState.OPEN, label="创建"),
        TaskAction.REPORT: Move(frozenset({TaskState.OPEN}), None, label="报送进展"),
        TaskAction.CONSOLIDATE: Move(frozenset({TaskState.OPEN}), None, label="汇总进展"),
        TaskAction.URGE: Move(frozenset({TaskState.OPEN}), None, label="督办"),
        TaskAction.CLOSE: Move(frozenset({TaskState.OPEN}), TaskState.CLOSED, label="办结"),
    },
    state_labels=TASK_STATE_LABELS, terminal=frozenset({TaskState.CLOSED}))


class Source(StrEnum):
    """Where a problem was found (seed 003: 自查、督查、投诉、差评、监督、审计)."""

    SELF_INSPECTION = "self_inspection"
    INSPECTION = "inspection"
    COMPLAINT = "complaint"
    BAD_RATING = "bad_rating"
    SUPERVISION = "supervision"
    AUDIT = "audit"


SOURCE_LABELS = {Source.SELF_INSPECTION: "自查", Source.INSPECTION: "检查督查", Source.COMPLAINT: "投诉",
                 Source.BAD_RATING: "差评", Source.SUPERVISION: "监督发现", Source.AUDIT: "审计"}


class ProblemState(StrEnum):
    RECORDED = "recorded"  # 问题清单
    ASSIGNED = "assigned"  # 责任清单
    RECTIFYING = "rectifying"  # 整改清单：整改中
    SUBMITTED = "submitted"  # 整改完成，待销号核验
    CLOSED = "closed"  # 已销号，待回头看
    CONFIRMED = "confirmed"  # 回头看确认，不再反弹


PROBLEM_STATE_LABELS = {ProblemState.RECORDED: "已登记", ProblemState.ASSIGNED: "已明确责任",
                        ProblemState.RECTIFYING: "整改中", ProblemState.SUBMITTED: "待销号",
                        ProblemState.CLOSED: "已销号", ProblemState.CONFIRMED: "回头看已确认"}


class ProblemAction(StrEnum):
    RECORD = "record"
    ASSIGN = "assign"  # 明确责任单位和责任人
    PLAN = "plan"  # 制定整改措施和时限
    PROGRESS = "progress"  # 报告整改进展
    SUBMIT = "submit"  # 申请销号
    VERIFY = "verify"  # 销号（另一单位核验）
    REJECT = "reject"  # 核验不通过，退回整改
    RECHECK_PASS = "recheck_pass"  # 回头看：未反弹
    REOPEN = "reopen"  # 回头看：问题反弹，重新整改


PROBLEM_TABLE: TransitionTable[ProblemState, ProblemAction] = TransitionTable(
    name="problem", noun="问题",
    moves={
        ProblemAction.RECORD: Move(frozenset({None}), ProblemState.RECORDED, label="登记"),
        ProblemAction.ASSIGN: Move(frozenset({ProblemState.RECORDED, ProblemState.ASSIGNED}), ProblemState.ASSIGNED,
                                   label="明确责任"),
        ProblemAction.PLAN: Move(frozenset({ProblemState.ASSIGNED}), ProblemState.RECTIFYING, label="制定整改措施"),
        ProblemAction.PROGRESS: Move(frozenset({ProblemState.RECTIFYING}), None, label="报告整改进展"),
        ProblemAction.SUBMIT: Move(frozenset({ProblemState.RECTIFYING}), ProblemState.SUBMITTED, label="申请销号"),
        ProblemAction.VERIFY: Move(frozenset({ProblemState.SUBMITTED}), ProblemState.CLOSED, label="销号"),
        ProblemAction.REJECT: Move(frozenset({ProblemState.SUBMITTED}), ProblemState.RECTIFYING, label="退回整改"),
        ProblemAction.RECHECK_PASS: Move(frozenset({ProblemState.CLOSED}), ProblemState.CONFIRMED, label="回头看确认"),
        ProblemAction.REOPEN: Move(frozenset({ProblemState.CLOSED}), ProblemState.RECTIFYING, label="回头看重新整改"),
    },
    state_labels=PROBLEM_STATE_LABELS, terminal=frozenset({ProblemState.CONFIRMED}))

# Problems whose rectification deadline runs.
PROBLEM_RUNNING = frozenset({ProblemState.RECTIFYING})

RECHECK_MONTHS_DEFAULT = 3


def yellow_offset(workdays: int, share: Fraction) -> int | None:
    """Working days after the start on which a period of ``workdays`` turns yellow (the days left
    reach ceil(workdays × (1 − share)), at least 1); None for a period too short to have a line."""
    rest = 1 - share
    left = max(1, -(-workdays * rest.numerator // rest.denominator))
    offset = workdays - left
    return offset if offset >= 1 else None


def add_months(day, months: int):
    """The same day ``months`` later (the last day of a shorter month)."""
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def percent(value: object) -> int:
    """A progress share 0–100, or ValueError."""
    n = int(str(value).strip().rstrip("%"))
    if not 0 <= n <= 100:
        raise ValueError(n)
    return n


# What an inspection looks at in a window (GB/T 36112 政务服务中心服务现场管理规范: presence, dress,
# conduct, queue order, the signs, and whether the case system is used for every service).
CRITERIA = {
    "presence": "人员在岗",
    "dress": "着装规范、佩戴工牌",
    "conduct": "文明用语、服务态度",
    "queue": "排队叫号秩序",
    "signage": "窗口标识、办事指南公开",
    "system": "业务系统全程录入",
}
INSPECTION_KINDS = {"inspection": "明察", "mystery": "暗访", "experience": "体验"}
# Visits recorded as the citizen lived them (waiting minutes required): a mystery visit, and a
# campaign's experience visit (体验: staff apply as a citizen would, seed 003's “大体验”).
CITIZEN_VISITS = frozenset({"mystery", "experience"})

# What the public notice says of a problem's state (seed 003: 公开“上墙”): the rectification
# status only, no person.
PUBLIC_STATE_LABELS = {ProblemState.RECORDED: "已列入问题清单", ProblemState.ASSIGNED: "已明确责任单位",
                       ProblemState.RECTIFYING: "整改中", ProblemState.SUBMITTED: "整改完成，待核验销号",
                       ProblemState.CLOSED: "已销号", ProblemState.CONFIRMED: "已销号（回头看确认）"}

# The phases of seed 003's campaign (“大整改”专项行动), a default for a new campaign's form.
SEED_003_PHASES = ("大学习", "大排查", "大体验", "大督查", "大考评")
