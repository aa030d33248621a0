"""The fee tables: how an item is billed (its settings and each fee item's calculation), bills
with their lines and chained history, payments, refunds, callbacks as received, and the daily
reconciliation with the bank's statement.

Nothing here is edited in place once issued: a correction or a refund is a new row referencing
the old one (``Bill.corrects``, ``Refund.bill``), and a reconciliation day once closed is frozen.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.lifecycle.models import ChainedEvent

from .matching import MISMATCH_LABELS
from .rules import (
    BILL_STATE_LABELS,
    BILLING_POINT_LABELS,
    BLOCKS_LABELS,
    METHOD_LABELS,
    BillingPoint,
    BillState,
    Blocks,
    Method,
)


def _choices(labels: dict) -> list[tuple[str, str]]:
    return [(k.value, v) for k, v in labels.items()]


class ItemFeeSettings(models.Model):
    """How one item is billed: when, and what an unpaid bill blocks."""

    item = models.OneToOneField("catalog.ServiceItem", models.CASCADE, related_name="fee_settings",
                                verbose_name=_("事项"))
    billing_point = models.CharField(_("收费节点"), max_length=16, choices=_choices(BILLING_POINT_LABELS),
                                     default=BillingPoint.DECISION.value)
    blocks = models.CharField(_("未缴费限制"), max_length=16, choices=_choices(BLOCKS_LABELS),
                              default=Blocks.CERTIFICATE.value)

    class Meta:
        verbose_name = _("事项收费设置")
        verbose_name_plural = _("事项收费设置")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.billing_point}/{self.blocks}"



class FeeCalculation(models.Model):
    """How a catalog fee item is computed when it is not a fixed amount (per unit, tiered)."""

    fee_item = models.OneToOneField("catalog.FeeItem", models.CASCADE, related_name="calculation",
                                    verbose_name=_("收费项目"))
    method = models.CharField(_("计费方式"), max_length=16, choices=_choices(METHOD_LABELS),
                              default=Method.FIXED.value)
    fen_per_unit = models.PositiveIntegerField(_("单价（分）"), default=0)
    unit = models.CharField(_("计量单位"), max_length=16, default="件")
    tiers = models.JSONField(_("分段"), default=list, blank=True,
                             help_text=_("[[上限数量或 null, 每单位分], …]，按上限升序"))

    class Meta:
        verbose_name = _("计费方式")
        verbose_name_plural = _("计费方式")

    def __str__(self) -> str:
        return f"{self.fee_item_id}: {self.method}"



class Bill(models.Model):
    """缴款通知书: one numbered bill of one case, computed from the item version's fee items."""

    number = models.CharField(_("通知书编号"), max_length=32, unique=True)
    payment_code = models.CharField(_("缴款码"), max_length=20, unique=True)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="bills", verbose_name=_("办件"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("执收部门"))
    item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, related_name="+", verbose_name=_("事项"))
    item_version = models.ForeignKey("catalog.ServiceItemVersion", models.PROTECT, related_name="+",
                                     verbose_name=_("事项版本"))
    state = models.CharField(_("状态"), max_length=16, choices=_choices(BILL_STATE_LABELS),
                             default=BillState.DRAFT.value)
    gross_fen = models.PositiveIntegerField(_("应收（分）"))
    reduction_fen = models.PositiveIntegerField(_("减免（分）"), default=0)
    total_fen = models.PositiveIntegerField(_("实收（分）"))
    payer_name = models.CharField(_("缴款人"), max_length=200)
    corrects = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="corrections",
                                 verbose_name=_("更正的通知书"))
    correction_reason = models.CharField(_("更正理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("核定时间"))
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("核定人"))
    issued_at = models.DateTimeField(_("开具时间"), null=True, blank=True)
    issued_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("开具人"))
    paid_at = models.DateTimeField(_("缴费时间"), null=True, blank=True)
    pdf_path = models.CharField(_("PDF 文件"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("缴款通知书")
        verbose_name_plural = _("缴款通知书")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "state"], name="fees_bill_case_state")]
        constraints = [models.CheckConstraint(condition=Q(total_fen=models.F("gross_fen") - models.F("reduction_fen")),
                                              name="fees_bill_total_is_gross_less_reduction")]

    def __str__(self) -> str:
        return self.number


class BillLine(models.Model):
    bill = models.ForeignKey(Bill, models.PROTECT, related_name="lines")
    order = models.PositiveSmallIntegerField(_("序号"))
    fee_item = models.ForeignKey("catalog.FeeItem", models.PROTECT, related_name="+", verbose_name=_("收费项目"))
    name = models.CharField(_("收费项目"), max_length=200)
    basis = models.TextField(_("收费依据"))
    standard = models.CharField(_("收费标准"), max_length=200)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16)
    gross_fen = models.PositiveIntegerField(_("应收（分）"))
    waiver = models.CharField(_("减免类别"), max_length=32, blank=True)
    waiver_basis = models.TextField(_("减免依据"), blank=True)
    reduction_fen = models.PositiveIntegerField(_("减免（分）"), default=0)
    net_fen = models.PositiveIntegerField(_("实收（分）"))

    class Meta:
        ordering = ["bill", "order"]
        constraints = [models.UniqueConstraint(fields=["bill", "order"], name="fees_line_order_unique"),
                       models.CheckConstraint(condition=Q(net_fen=models.F("gross_fen") - models.F("reduction_fen")),
                                              name="fees_line_net_is_gross_less_reduction")]

    def __str__(self) -> str:
        return f"{self.bill_id}#{self.order} {self.name}"



class BillEvent(ChainedEvent):
    bill = models.ForeignKey(Bill, models.PROTECT, related_name="events")

    class Meta:
        ordering = ["bill", "seq"]
        constraints = [models.UniqueConstraint(fields=["bill", "seq"], name="fees_bill_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.bill_id}#{self.seq} {self.kind}"



class Payment(models.Model):
    """Money received for a bill: at the cashier (cash, card), online through a provider, or
    completed from the bank's statement. One per bill: a second payment of a paid bill is a
    reconciliation mismatch, never a second row."""

    class Channel(models.TextChoices):
        CASH = "cash", _("现金")
        CARD = "card", _("银行卡")
        ONLINE = "online", _("网上支付")
        WAIVED = "waived", _("全额减免")

    bill = models.OneToOneField(Bill, models.PROTECT, related_name="payment", verbose_name=_("缴款通知书"))
    channel = models.CharField(_("缴费方式"), max_length=8, choices=Channel.choices)
    provider = models.CharField(_("支付渠道"), max_length=32, blank=True)
    provider_ref = models.CharField(_("支付流水号"), max_length=64, blank=True)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    paid_at = models.DateTimeField(_("缴费时间"))
    paid_on = models.DateField(_("入账日"), db_index=True)
    received_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("收款人"))
    source = models.CharField(_("记录来源"), max_length=16, default="direct",
                              help_text=_("direct 直接记录；reconciliation 对账补记"))

    class Meta:
        verbose_name = _("缴费")
        verbose_name_plural = _("缴费")
        constraints = [models.UniqueConstraint(fields=["provider", "provider_ref"], name="fees_payment_ref_once",
                                               condition=~Q(provider_ref=""))]

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.amount_fen}"



class CallbackLog(models.Model):
    """Every callback a provider sent, as received, and what it did (applied, repeated, refused)."""

    provider = models.CharField(_("支付渠道"), max_length=32)
    received_at = models.DateTimeField(_("收到时间"))
    body = models.TextField(_("内容"))
    signature_ok = models.BooleanField(_("签名有效"))
    bill_number = models.CharField(_("通知书编号"), max_length=32, blank=True)
    provider_ref = models.CharField(_("支付流水号"), max_length=64, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=32)
    message = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("支付回调记录")
        verbose_name_plural = _("支付回调记录")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.outcome}"



class Refund(models.Model):
    """退费: a new record against a paid bill, requested with a reason, approved by a second staff member."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已退费")
        REJECTED = "rejected", _("已驳回")

    number = models.CharField(_("退费单号"), max_length=32, unique=True)
    bill = models.ForeignKey(Bill, models.PROTECT, related_name="refunds", verbose_name=_("缴款通知书"))
    amount_fen = models.PositiveIntegerField(_("退费金额（分）"))
    reason = models.CharField(_("退费理由"), max_length=200)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.REQUESTED)
    requested_at = models.DateTimeField(_("申请时间"))
    requested_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("申请人"))
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("审批人"))
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("退费")
        verbose_name_plural = _("退费")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fees_refund_positive")]

    def __str__(self) -> str:
        return self.number



class Reconciliation(models.Model):
    """One day's reconciliation of one region's non-tax account with the bank's statement."""

    class State(models.TextChoices):
        OPEN = "open", _("对账中")
        CLOSED = "closed", _("已关账")

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    day = models.DateField(_("对账日"))
    bank = models.CharField(_("银行"), max_length=32)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    file_name = models.CharField(_("流水文件"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("导入时间"))
    imported_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("导入人"))
    matched = models.PositiveIntegerField(_("已匹配笔数"), default=0)
    statement_total_fen = models.BigIntegerField(_("流水合计（分）"), default=0)
    closed_at = models.DateTimeField(_("关账时间"), null=True, blank=True)
    closed_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("关账人"))

    class Meta:
        verbose_name = _("日对账")
        verbose_name_plural = _("日对账")
        constraints = [models.UniqueConstraint(fields=["region", "day"], name="fees_reconciliation_day_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.day}"



class StatementRow(models.Model):
    reconciliation = models.ForeignKey(Reconciliation, models.PROTECT, related_name="rows")
    line = models.PositiveIntegerField(_("行号"))
    payment_code = models.CharField(_("缴款码"), max_length=40)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    bank_ref = models.CharField(_("银行流水号"), max_length=64, blank=True)
    payment = models.ForeignKey(Payment, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["reconciliation", "line"]
        constraints = [models.UniqueConstraint(fields=["reconciliation", "line"], name="fees_statement_line_once")]

    def __str__(self) -> str:
        return f"{self.reconciliation_id}:{self.line}"



class Mismatch(models.Model):
    reconciliation = models.ForeignKey(Reconciliation, models.PROTECT, related_name="mismatches")
    kind = models.CharField(_("差异类型"), max_length=32, choices=_choices(MISMATCH_LABELS))
    payment_code = models.CharField(_("缴款码"), max_length=40)
    line = models.PositiveIntegerField(_("流水行号"), null=True, blank=True)
    payment = models.ForeignKey(Payment, models.PROTECT, null=True, blank=True, related_name="+")
    expected_fen = models.BigIntegerField(_("应收（分）"), null=True, blank=True)
    actual_fen = models.BigIntegerField(_("实收（分）"), null=True, blank=True)
    resolution = models.CharField(_("处理说明"), max_length=200, blank=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("处理人"))

    class Meta:
        verbose_name = _("对账差异")
        verbose_name_plural = _("对账差异")
        ordering = ["reconciliation", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.payment_code}"



class FeeNumberSequence(models.Model):
    """The last number issued per region, year and scope (bills, payment codes, refunds)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    scope = models.CharField(max_length=16)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "scope"], name="fees_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.last}"



class LocalCharge(models.Model):
    """The shipped local payment provider's own ledger — what a bank's gateway keeps on its side:
    a charge it acknowledged to the payer, and whether its signed callback reached the center yet
    (it retries until it does)."""

    provider_ref = models.CharField(_("支付流水号"), max_length=64, unique=True)
    bill_number = models.CharField(_("通知书编号"), max_length=32)
    payment_code = models.CharField(_("缴款码"), max_length=20, db_index=True)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    paid_at = models.DateTimeField(_("支付时间"))
    callback_url = models.CharField(_("回调地址"), max_length=300)
    delivered_at = models.DateTimeField(_("回调送达时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("回调次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("本地支付渠道流水")
        verbose_name_plural = _("本地支付渠道流水")
        ordering = ["-paid_at", "-id"]

    def __str__(self) -> str:
        return self.provider_ref


class OffScheduleAttempt(models.Model):
    """An attempt to bill a fee that is not on the item's schedule (refused), for e-supervision:
    the fees check raises the "目录外收费" finding for each (``checks.py``)."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("部门"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("办件"))
    attempted_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    source = models.CharField(_("来源"), max_length=32, help_text=_("import 导入"))
    fee_name = models.CharField(_("收费项目"), max_length=200)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)

    class Meta:
        verbose_name = _("目录外收费尝试")
        verbose_name_plural = _("目录外收费尝试")

    def __str__(self) -> str:
        return f"{self.fee_name} @ {self.attempted_at}"
