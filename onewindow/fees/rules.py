"""The pure fee rules: how a bill is computed from an item version's fee items, which reductions
apply, and the bill's lifecycle. No ORM, no I/O.

行政许可法 第五十八、五十九条: a fee only by law or administrative regulation, at the published
standard — a bill line always names the catalog fee item it comes from (with its basis), and a
line that is not on the item's schedule cannot exist (:func:`compute`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from onewindow.lifecycle.transitions import Move, TransitionTable

from .money import round_fen


class Method(StrEnum):
    FIXED = "fixed"  # 按件：固定金额
    PER_UNIT = "per_unit"  # 按数量：单价 × 数量
    TIERED = "tiered"  # 分段累进：每段数量按该段单价


METHOD_LABELS = {Method.FIXED: "按件计收", Method.PER_UNIT: "按数量计收", Method.TIERED: "分段累进"}


class BillingPoint(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理后收费
    DECISION = "decision"  # 准予许可后收费


BILLING_POINT_LABELS = {BillingPoint.ACCEPTANCE: "受理后缴费", BillingPoint.DECISION: "准予许可后缴费"}


class Blocks(StrEnum):
    CERTIFICATE = "certificate"  # 未缴费不制证（默认）
    DELIVERY = "delivery"  # 未缴费不送达
    NOTHING = "nothing"


BLOCKS_LABELS = {Blocks.CERTIFICATE: "未缴费不得制证", Blocks.DELIVERY: "未缴费不得送达", Blocks.NOTHING: "不限制"}


@dataclass(frozen=True)
class Tier:
    """Units up to ``upto`` (inclusive; None: no upper end) cost ``fen_per_unit`` each."""

    upto: Decimal | None
    fen_per_unit: int


@dataclass(frozen=True)
class Schedule:
    """One fee item of the item version's schedule as the calculator needs it."""

    fee_item_id: int
    name: str
    basis: str
    standard: str
    method: Method = Method.FIXED
    fixed_fen: int = 0
    fen_per_unit: int = 0
    unit: str = "件"
    tiers: tuple[Tier, ...] = ()
    waivable: bool = False
    waiver_basis: str = ""


@dataclass(frozen=True)
class Waiver:
    """A reduction category (小微企业, 低保户 …): the share of the fee it takes off, in percent, and
    the rule that grants it."""

    code: str
    label: str
    percent: int
    basis: str


# The reductions the center applies to fee items marked waivable. The bases are the national
# rules each category rests on; an item's own waiver basis (catalog FeeItem.waiver_basis) is
# printed beside it on the bill.
WAIVERS: Mapping[str, Waiver] = {w.code: w for w in (
    Waiver("small_micro", "小微企业免征", 100,
           "《财政部 国家发展改革委关于对小微企业免征有关行政事业性收费的通知》（财税〔2014〕101号）"),
    Waiver("dibao", "最低生活保障对象免收", 100,
           "《国务院办公厅关于进一步做好减免行政事业性收费工作的通知》；社会救助暂行办法"),
    Waiver("disabled", "残疾人减半收取", 50, "《残疾人保障法》第五十条及地方减免规定"),
)}


@dataclass(frozen=True)
class Request:
    """What the clerk asks for one fee item: how many units, and a reduction if any."""

    fee_item_id: int
    quantity: Decimal = Decimal(1)
    waiver: str = ""


@dataclass(frozen=True)
class Line:
    fee_item_id: int
    name: str
    basis: str
    standard: str
    quantity: Decimal
    unit: str
    gross_fen: int
    waiver: str = ""
    waiver_basis: str = ""
    reduction_fen: int = 0

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.reduction_fen


@dataclass(frozen=True)
class Computed:
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def gross_fen(self) -> int:
        return sum(line.gross_fen for line in self.lines)

    @property
    def reduction_fen(self) -> int:
        return sum(line.reduction_fen for line in self.lines)

    @property
    def total_fen(self) -> int:
        return sum(line.net_fen for line in self.lines)


class RuleError(ValueError):
    """A request the schedule does not allow: ``code`` in English, ``message`` in Chinese, ``field``."""

    def __init__(self, code: str, message: str, field: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def gross_fen(item: Schedule, quantity: Decimal) -> int:
    """The fee before any reduction, rounded once to the fen."""
    if item.method == Method.FIXED:
        return item.fixed_fen
    if item.method == Method.PER_UNIT:
        return round_fen(quantity * item.fen_per_unit)
    total = Decimal(0)
    lower = Decimal(0)
    for tier in item.tiers:
        upper = quantity if tier.upto is None else min(quantity, tier.upto)
        if upper > lower:
            total += (upper - lower) * tier.fen_per_unit
        if tier.upto is None or quantity <= tier.upto:
            break
        lower = tier.upto
    return round_fen(total)


def reduction_fen(gross: int, waiver: Waiver) -> int:
    """The part of ``gross`` a waiver takes off: never more than the fee, rounded half up."""
    return min(gross, round_fen(Decimal(gross) * waiver.percent / 100))


def compute(schedule: Sequence[Schedule], requests: Sequence[Request]) -> Computed:
    """The bill's lines for ``requests``: each must name a fee item of ``schedule`` (off the
    schedule: ``fees.off_schedule``), at most once, with a positive quantity (a fixed fee counts
    one), and a reduction only on a waivable item."""
    by_id = {s.fee_item_id: s for s in schedule}
    seen: set[int] = set()
    lines: list[Line] = []
    for n, req in enumerate(requests):
        item = by_id.get(req.fee_item_id)
        if item is None:
            raise RuleError("fees.off_schedule", "收费项目不在本事项的收费目录内，不得收取（行政许可法第五十九条）",
                            f"lines[{n}].fee_item")
        if req.fee_item_id in seen:
            raise RuleError("fees.line_twice", f"收费项目“{item.name}”重复", f"lines[{n}].fee_item")
        seen.add(req.fee_item_id)
        quantity = Decimal(1) if item.method == Method.FIXED else Decimal(req.quantity)
        if not quantity.is_finite() or quantity <= 0 or quantity != quantity.quantize(Decimal("0.01")):
            raise RuleError("fees.quantity_invalid", f"“{item.name}”的数量须为正数，最多两位小数",
                            f"lines[{n}].quantity")
        gross = gross_fen(item, quantity)
        line = Line(item.fee_item_id, item.name, item.basis, item.standard, quantity, item.unit, gross)
        if req.waiver:
            waiver = WAIVERS.get(req.waiver)
            if waiver is None:
                raise RuleError("fees.waiver_unknown", "减免类别不存在", f"lines[{n}].waiver")
            if not item.waivable:
                raise RuleError("fees.not_waivable", f"“{item.name}”不属于可减免收费项目", f"lines[{n}].waiver")
            basis = waiver.basis + (f"；{item.waiver_basis}" if item.waiver_basis else "")
            line = Line(line.fee_item_id, line.name, line.basis, line.standard, quantity, item.unit, gross,
                        waiver.code, basis, reduction_fen(gross, waiver))
        lines.append(line)
    return Computed(tuple(lines))


def refundable_fen(paid_fen: int, refunded_fen: Sequence[int]) -> int:
    """What may still be refunded of a payment: never more than was paid."""
    return paid_fen - sum(refunded_fen)


# -- the bill's lifecycle ------------------------------------------------------------------------


class BillState(StrEnum):
    DRAFT = "draft"  # 已核定待确认
    ISSUED = "issued"  # 已开具待缴费
    PAID = "paid"  # 已缴费
    CANCELLED = "cancelled"  # 已作废（未缴费）
    SUPERSEDED = "superseded"  # 已被更正（新缴款通知书替代）
    REFUNDED = "refunded"  # 已全额退费


BILL_STATE_LABELS = {BillState.DRAFT: "待确认", BillState.ISSUED: "待缴费", BillState.PAID: "已缴费",
                     BillState.CANCELLED: "已作废", BillState.SUPERSEDED: "已更正", BillState.REFUNDED: "已退费"}


class BillAction(StrEnum):
    DRAFT = "draft"
    CONFIRM = "confirm"
    PAY = "pay"
    CANCEL = "cancel"
    SUPERSEDE = "supersede"
    REFUND = "refund"


BILL_TABLE: TransitionTable[BillState, BillAction] = TransitionTable(
    name="bill", noun="缴款通知书",
    moves={
        BillAction.DRAFT: Move(frozenset({None}), BillState.DRAFT, "fees.bill_issue", "核定收费"),
        BillAction.CONFIRM: Move(frozenset({BillState.DRAFT}), BillState.ISSUED, "fees.bill_issue", "确认开具"),
        BillAction.PAY: Move(frozenset({BillState.ISSUED}), BillState.PAID, "fees.collect", "缴费"),
        BillAction.CANCEL: Move(frozenset({BillState.DRAFT, BillState.ISSUED}), BillState.CANCELLED,
                                "fees.bill_issue", "作废"),
        BillAction.SUPERSEDE: Move(frozenset({BillState.ISSUED, BillState.PAID}), BillState.SUPERSEDED,
                                   "fees.approve", "更正"),
        BillAction.REFUND: Move(frozenset({BillState.PAID}), BillState.REFUNDED, "fees.approve", "全额退费"),
    },
    state_labels=BILL_STATE_LABELS,
    terminal=frozenset({BillState.CANCELLED, BillState.SUPERSEDED, BillState.REFUNDED}),
)

# A bill that is not paid (yet) blocks the item's blocked action; these states owe nothing.
SETTLED = frozenset({BillState.PAID, BillState.REFUNDED, BillState.CANCELLED, BillState.SUPERSEDED})
