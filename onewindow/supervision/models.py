"""Tables of electronic supervision: settings, warnings and their history, the sweep's cursor,
supervision orders (督办单) and efficiency warnings (效能告诫).

Firing a warning is idempotent by the database, not by Python checks: ``(rule, target_key,
subject)`` is unique, and the sweep inserts with ``ON CONFLICT DO NOTHING``, so two sweeps (or
two workers at once) never create one warning twice.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.lifecycle.models import ChainedEvent
from onewindow.workdays.clock import DEFAULT_YELLOW_SHARE, YELLOW_SHARE_MAX, YELLOW_SHARE_MIN

from .rules import (
    LEVEL_LABELS,
    ORDER_STATE_LABELS,
    RULES,
    STATE_LABELS,
    TARGET_LABELS,
    Level,
    OrderState,
    State,
    Target,
    default_enabled,
)


def _decimal(share: Fraction) -> Decimal:
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"))


_DEFAULT_SHARE = _decimal(DEFAULT_YELLOW_SHARE)  # the clock's default, as the table stores a share


class SupervisionSettings(models.Model):
    """One center's supervision settings. Without a row the region follows its nearest ancestor's
    row, and without any the defaults of :mod:`.rules` apply."""

    region = models.OneToOneField("organization.Region", models.PROTECT, related_name="supervision_settings",
                                  verbose_name=_("区划"))
    enabled_rules = models.JSONField(_("启用的监察规则"), default=default_enabled, blank=True,
                                     help_text=_("规则编码列表；不在列表中的规则不预警"))
    yellow_share = models.DecimalField(_("黄牌比例"), max_digits=3, decimal_places=2, default=_DEFAULT_SHARE,
                                       validators=[MinValueValidator(_decimal(YELLOW_SHARE_MIN)),
                                                   MaxValueValidator(_decimal(YELLOW_SHARE_MAX))],
                                       help_text=_("承诺时限用去该比例时黄牌预警，默认 0.90"))
    min_cases_for_ranking = models.PositiveIntegerField(_("参与排名的最少办件数"), default=20)
    order_reply_workdays = models.PositiveSmallIntegerField(_("督办回复期限（工作日）"), default=5,
                                                            validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey("organization.Staff", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("修改人"))

    class Meta:
        verbose_name = _("电子监察设置")
        verbose_name_plural = _("电子监察设置")

    def __str__(self) -> str:
        return f"{self.region} · 电子监察设置"


class Warning(models.Model):  # the domain's word (预警); shadows the builtin where imported
    """One warning (预警): a rule's finding about one unit and one moment, and what became of it."""

    rule = models.CharField(_("规则"), max_length=32, choices=[(c, r.name) for c, r in RULES.items()])
    level = models.CharField(_("级别"), max_length=8, choices=[(v.value, LEVEL_LABELS[v]) for v in Level])
    severe = models.BooleanField(_("严重"), default=False)
    target_kind = models.CharField(_("对象类型"), max_length=16,
                                   choices=[(t.value, TARGET_LABELS[t]) for t in Target])
    target_key = models.CharField(_("对象"), max_length=64)
    subject = models.CharField(_("所涉时点"), max_length=64,
                               help_text=_("预警所针对的期限日、事件或年度，与规则、对象一起唯一"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="supervision_warnings",
                               verbose_name=_("区划"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True,
                             related_name="supervision_warnings", verbose_name=_("办件"))
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="supervision_warnings", verbose_name=_("部门"))
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True,
                               related_name="supervision_warnings", verbose_name=_("窗口"))
    staff = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                              related_name="supervision_warnings", verbose_name=_("工作人员"))
    # The order whose reply is overdue (督办逾期未回复); None for every other rule.
    order = models.ForeignKey("SupervisionOrder", models.PROTECT, null=True, blank=True,
                              related_name="overdue_warnings", verbose_name=_("督办单"))
    # The record it is about, as the lifecycle kernel names it ("case", "order" …), and the
    # deadline row a deadline rule fired on: the sweep resolves the warning when that row changes.
    subject_type = models.CharField(_("对象类型"), max_length=32, blank=True, default="")
    subject_id = models.BigIntegerField(_("对象编号"), null=True, blank=True)
    deadline = models.ForeignKey("lifecycle.Deadline", models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("期限"))
    due_on = models.DateField(_("所涉期限"), null=True, blank=True)
    message = models.TextField(_("预警内容"))
    basis = models.TextField(_("依据"))
    fired_at = models.DateTimeField(_("预警时间"))
    state = models.CharField(_("状态"), max_length=16, choices=[(s.value, STATE_LABELS[s]) for s in State],
                             default=State.OPEN)
    acknowledged_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("说明人"))
    acknowledged_at = models.DateTimeField(_("说明时间"), null=True, blank=True)
    acknowledgement = models.TextField(_("情况说明"), blank=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolved_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("销号人"))
    resolution = models.CharField(_("解除原因"), max_length=200, blank=True)
    # The sweep run that fired it: after an INSERT … ON CONFLICT DO NOTHING the rows carrying the
    # run's token are exactly the ones it created (PostgreSQL returns no ids for skipped rows).
    batch = models.UUIDField(_("预警批次"), null=True, blank=True, db_index=True, editable=False)
    details = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "target_key", "subject"], name="supervision_warning_once"),
            models.CheckConstraint(condition=~Q(target_kind="case") | Q(case__isnull=False),
                                   name="supervision_warning_case_target"),
        ]
        indexes = [
            models.Index(fields=["region", "state", "level"], name="supervision_warning_live"),
            models.Index(fields=["department", "state"], name="supervision_warning_dept"),
            models.Index(fields=["region", "fired_at"], name="supervision_warning_fired"),
            models.Index(fields=["case", "state"], name="supervision_warning_case"),
            models.Index(fields=["staff", "state"], name="supervision_warning_staff"),
            models.Index(fields=["deadline", "state"], name="supervision_warning_deadline"),
            models.Index(fields=["subject_type", "subject_id", "state"], name="supervision_warning_subject"),
        ]

    def __str__(self) -> str:
        return f"{LEVEL_LABELS[Level(self.level)]} {RULES[self.rule].name} · {self.target_key}"

    @property
    def rule_spec(self):
        return RULES[self.rule]

    @property
    def is_live(self) -> bool:
        return self.state != State.RESOLVED


class WarningEvent(models.Model):
    """The history of one warning after it fired (the warning row itself records the firing):
    notified (or why not), explained, resolved, closed out, an order or efficiency warning about it."""

    class Kind(models.TextChoices):
        NOTIFIED = "notified", _("已通知")
        NOT_NOTIFIED = "not_notified", _("未通知")
        ACKNOWLEDGED = "acknowledged", _("情况说明")
        RESOLVED = "resolved", _("自动解除")
        CLOSED_OUT = "closed_out", _("销号")
        ORDER_ISSUED = "order_issued", _("下达督办")
        EFFICIENCY_WARNING = "efficiency_warning", _("效能告诫")

    warning = models.ForeignKey(Warning, models.CASCADE, related_name="events", verbose_name=_("预警"))
    kind = models.CharField(_("事件"), max_length=24, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["warning", "at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.kind}"


class SweepCursor(models.Model):
    """Where the last sweep stopped: the legal day it swept through and the last case event it read.

    The next sweep scans the stored due dates in (``last_day``, today] and the events after
    ``last_event_id``, so its cost grows with what crossed a line since, not with the open cases.
    """

    name = models.CharField(_("名称"), max_length=32, unique=True)
    last_day = models.DateField(_("上次巡查日"), null=True, blank=True)
    last_at = models.DateTimeField(_("上次巡查时间"), null=True, blank=True)
    last_event_id = models.BigIntegerField(_("已读事件"), default=0)
    # The newest deadline change the last sweep read (by the wall clock, like the events' recorded_at).
    last_deadline_change = models.DateTimeField(_("已读期限变更"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("巡查次数"), default=0)
    last_fired = models.PositiveIntegerField(_("上次新增预警"), default=0)
    last_resolved = models.PositiveIntegerField(_("上次解除预警"), default=0)
    last_duration_ms = models.PositiveIntegerField(_("上次耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("巡查进度")
        verbose_name_plural = _("巡查进度")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_at}"


class CaseRecheck(models.Model):
    """Look at this case again on this day: for a moment that matters but is not stored on the
    case row (the announced end of a special procedure). The sweep range-scans ``on_day``."""

    case = models.ForeignKey("cases.Case", models.CASCADE, related_name="+", verbose_name=_("办件"))
    on_day = models.DateField(_("复查日"), db_index=True)
    reason = models.CharField(_("原因"), max_length=32)

    class Meta:
        verbose_name = _("待复查办件")
        verbose_name_plural = _("待复查办件")
        constraints = [models.UniqueConstraint(fields=["case", "on_day", "reason"], name="supervision_recheck_once")]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.on_day}"


class NumberSequence(models.Model):
    """The last number issued per region, year and kind of document (督办单, 效能告诫)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind"], name="supervision_sequence_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}/{self.kind}: {self.last}"


class SupervisionOrder(models.Model):
    """督办单: a supervisor asks a department to explain and fix something by a reply date."""

    number = models.CharField(_("督办单编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="supervision_orders",
                               verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="supervision_orders",
                                   verbose_name=_("承办部门"))
    warning = models.ForeignKey(Warning, models.PROTECT, null=True, blank=True, related_name="orders",
                                verbose_name=_("预警"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="supervision_orders",
                             verbose_name=_("办件"))
    subject = models.CharField(_("督办事项"), max_length=200)
    requirement = models.TextField(_("督办要求"))
    basis = models.TextField(_("依据"), blank=True)
    reply_workdays = models.PositiveSmallIntegerField(_("回复期限（工作日）"))
    reply_due = models.DateField(_("回复期限"), db_index=True)
    state = models.CharField(_("状态"), max_length=16, choices=[(s.value, ORDER_STATE_LABELS[s]) for s in OrderState],
                             default=OrderState.ISSUED)
    issued_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("督办人"))
    issued_at = models.DateTimeField(_("下达时间"))
    explanation = models.TextField(_("情况说明"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    replied_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("回复人"))
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    first_replied_at = models.DateTimeField(_("首次回复时间"), null=True, blank=True)
    replied_on_time = models.BooleanField(_("按期回复"), null=True, blank=True)
    returned_times = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    closed_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("销号人"))
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    close_note = models.TextField(_("销号意见"), blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["region", "state"], name="supervision_order_region"),
            models.Index(fields=["department", "state"], name="supervision_order_dept"),
            models.Index(fields=["state", "reply_due"], name="supervision_order_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def awaiting_reply(self) -> bool:
        return self.state in (OrderState.ISSUED, OrderState.RETURNED)


class SupervisionOrderEvent(ChainedEvent):
    """The history of one order — issued, replied, returned, closed out — hash-chained like every
    record's history (``verify_history`` checks it)."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("下达督办")
        REPLIED = "replied", _("回复")
        RETURNED = "returned", _("退回")
        CLOSED = "closed", _("销号")

    order = models.ForeignKey(SupervisionOrder, models.PROTECT, related_name="events", verbose_name=_("督办单"))
    kind = models.CharField(_("事件"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["order", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="supervision_order_event_seq")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.kind}"


class EfficiencyWarning(models.Model):
    """效能告诫: a supervisor's formal warning to a staff member or a department, with its reason and
    basis. It stays on their record and counts in the indicators and the annual assessment."""

    number = models.CharField(_("告诫编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="efficiency_warnings",
                               verbose_name=_("区划"))
    staff = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                              related_name="efficiency_warnings", verbose_name=_("被告诫人"))
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="efficiency_warnings", verbose_name=_("被告诫部门"))
    warning = models.ForeignKey(Warning, models.PROTECT, null=True, blank=True, related_name="efficiency_warnings",
                                verbose_name=_("预警"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="efficiency_warnings",
                             verbose_name=_("办件"))
    reason = models.TextField(_("告诫事由"))
    basis = models.TextField(_("告诫依据"))
    issued_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("告诫人"))
    issued_at = models.DateTimeField(_("告诫时间"), db_index=True)

    class Meta:
        verbose_name = _("效能告诫")
        verbose_name_plural = _("效能告诫")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(staff__isnull=False) | Q(department__isnull=False),
                                   name="efficiency_warning_has_target"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.staff or self.department}"


class CaseFact(models.Model):
    """办件统计记录: one accepted case as the indicators count it (:class:`.indicators.CaseFact`).

    Written by the sweep when it sees the case accepted, and completed when it sees the case
    concluded (``supervision_backfill_facts`` fills in cases from before). The indicators of a
    county-year read these narrow rows by index instead of replaying every case's history.
    """

    case = models.OneToOneField("cases.Case", models.CASCADE, primary_key=True, related_name="+",
                                verbose_name=_("办件"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("部门"))
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("窗口"))
    accepted_on = models.DateField(_("受理日期"))
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    finished_on = models.DateField(_("作出决定日期"), null=True, blank=True)
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    early = models.BooleanField(_("提前办结"), null=True, blank=True)
    is_instant = models.BooleanField(_("即办件"), default=False)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    workdays = models.PositiveIntegerField(_("办理用时（工作日）"), null=True, blank=True)
    compression = models.FloatField(_("承诺时限压缩率"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件统计记录")
        verbose_name_plural = _("办件统计记录")
        indexes = [
            models.Index(fields=["region", "accepted_on"], name="supervision_fact_region_acc"),
            models.Index(fields=["region", "concluded_on"], name="supervision_fact_region_con"),
            models.Index(fields=["department", "accepted_on"], name="supervision_fact_dept_acc"),
            models.Index(fields=["department", "concluded_on"], name="supervision_fact_dept_con"),
            models.Index(fields=["window", "concluded_on"], name="supervision_fact_window_con"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}"


class FactRollup(models.Model):
    """办件统计汇总: the statistics rows (:class:`CaseFact`) counted per region, month and what the
    indicators group them by. A region's rows count its whole subtree (a county's cases in the
    county, its city and its province), so a province's year is 12 months × the few distinct
    buckets, whatever the number of counties and cases (docs/operations.md "A province").

    A row with ``concluded`` false counts the cases accepted in the month (its bucket columns
    empty); with ``concluded`` true, the cases concluded in the month with exactly these bucket
    values. Kept in step by the writer of the statistics rows (``case_checks.write_facts``: what
    a changed row leaves and what it enters) and rebuilt whole by ``rollup.rebuild``.
    """

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", db_index=False,
                               verbose_name=_("区划"))
    month = models.DateField(_("月份"))  # its first day
    concluded = models.BooleanField(_("办结计数"))
    on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    early = models.BooleanField(_("提前办结"), null=True, blank=True)
    is_instant = models.BooleanField(_("即办件"), default=False)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    workdays = models.PositiveIntegerField(_("办理用时（工作日）"), null=True, blank=True)
    compression = models.FloatField(_("承诺时限压缩率"), null=True, blank=True)
    n = models.PositiveIntegerField(_("件数"))

    class Meta:
        verbose_name = _("办件统计汇总")
        verbose_name_plural = _("办件统计汇总")
        indexes = [models.Index(fields=["region", "month"], name="supervision_rollup_region_m")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.month:%Y-%m}: {self.n}"
