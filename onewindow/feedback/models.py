"""Tables of the citizen's voice: ratings and their links, the rectification of bad ones, work
orders, their hash-chained histories, the per-center limits and the clerk flags.

Nothing here is ever deleted: a withdrawn or duplicate order is closed with its reason; a rating
found invalid keeps its row and its rectification says why.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.lifecycle.models import ChainedEvent

from .rules import (
    CHANNEL_LABELS,
    HANDLING_LABELS,
    LEVEL_LABELS,
    NOTICE_GROUP_LABELS,
    NOTICE_STATE_LABELS,
    ORDER_KIND_LABELS,
    ORDER_STATE_LABELS,
    OUTCOME_LABELS,
    RECT_STATE_LABELS,
    SATISFACTION_LABELS,
    SOURCE_LABELS,
    NoticeGroup,
    NoticeState,
    OrderKind,
    OrderState,
    RectState,
)


class FeedbackSequence(models.Model):
    """The last number issued per region, year and kind (ZG 整改单, GD 工单)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=4)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year", "kind"], name="feedback_sequence_once")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}/{self.kind}: {self.last}"


class FeedbackSettings(models.Model):
    """A center's own working-day limits (LEGAL-RULES §3, §4 give the defaults)."""

    region = models.OneToOneField("organization.Region", models.CASCADE, related_name="feedback_settings",
                                  verbose_name=_("区划"))
    verify_workdays = models.PositiveSmallIntegerField(_("核实期限（工作日）"), default=1)
    rectify_workdays = models.PositiveSmallIntegerField(_("整改期限（工作日）"), default=15)
    visit_workdays = models.PositiveSmallIntegerField(_("回访期限（工作日）"), default=3)
    written_workdays = models.PositiveSmallIntegerField(_("书面投诉答复期限（工作日）"), default=3)
    complex_workdays = models.PositiveSmallIntegerField(_("复杂投诉答复期限（工作日）"), default=5)
    public_min_sample = models.PositiveSmallIntegerField(_("公开满意率的最少评价数"), default=10)
    # 默认好评: where the local rule has it (Guangdong: 7 days → 基本满意); empty: never.
    default_rating_days = models.PositiveSmallIntegerField(_("未评价视为基本满意的天数"), null=True, blank=True)

    class Meta:
        verbose_name = _("好差评与工单设置")
        verbose_name_plural = _("好差评与工单设置")

    def __str__(self) -> str:
        return f"{self.region_id}"


class RatingLink(models.Model):
    """An invitation to rate once: the link of the conclusion SMS or the pad's invitation for the
    visitor at the counter. The address carries only ``token`` (random, signed): no personal data."""

    token = models.CharField(_("令牌"), max_length=32, unique=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=[(c.value, label) for c, label in CHANNEL_LABELS.items()])
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("办件"))
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("部门"))
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("窗口"))
    staff = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("工作人员"))
    created_at = models.DateTimeField(_("生成时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价链接")
        verbose_name_plural = _("评价链接")

    def __str__(self) -> str:
        return f"{self.channel}:{self.pk}"


class Rating(models.Model):
    """One rating (一事一评 per case, 一次一评 per counter visit), bound to case, item, department,
    window and staff member."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="ratings",
                             verbose_name=_("办件"))
    link = models.OneToOneField(RatingLink, models.PROTECT, null=True, blank=True, related_name="rating",
                                verbose_name=_("评价链接"))
    item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("事项"))
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("部门"))
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("窗口"))
    staff = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("工作人员"))
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=[(int(k), v) for k, v in LEVEL_LABELS.items()])
    reasons = models.JSONField(_("评价原因"), default=list, blank=True)
    comment = models.TextField(_("评价意见"), blank=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=[(c.value, label) for c, label in CHANNEL_LABELS.items()])
    rated_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-rated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(case__isnull=False),
                                               name="feedback_rating_once_per_case")]
        indexes = [models.Index(fields=["department", "rated_at"], name="feedback_rating_dept"),
                   models.Index(fields=["region", "rated_at"], name="feedback_rating_region")]

    def __str__(self) -> str:
        return f"{LEVEL_LABELS.get(self.level, self.level)} {self.rated_at:%Y-%m-%d}"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, str(self.level))


class Rectification(models.Model):
    """差评整改单: opened by every bad rating, 核实 → 整改 → 回访 → 结果."""

    number = models.CharField(_("整改单编号"), max_length=40, unique=True)
    rating = models.OneToOneField(Rating, models.PROTECT, related_name="rectification", verbose_name=_("评价"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("责任部门"))
    state = models.CharField(_("状态"), max_length=16, default=RectState.VERIFYING,
                             choices=[(s.value, label) for s, label in RECT_STATE_LABELS.items()])
    opened_at = models.DateTimeField(_("生成时间"))
    verify_due = models.DateField(_("核实期限"))
    rectify_due = models.DateField(_("整改期限"))
    visit_due = models.DateField(_("回访期限"), null=True, blank=True)
    # Per step ("verify", "rectify", "visit"): {"yellow": ISO date or null, "explanation": text}.
    due_notes = models.JSONField(_("期限说明"), default=dict, blank=True)
    finding = models.TextField(_("核实情况"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    outcome = models.CharField(_("结果"), max_length=16, blank=True,
                               choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()])
    invalid_reason = models.TextField(_("无效评价理由"), blank=True)
    malicious = models.BooleanField(_("恶意评价"), default=False)
    marked_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("认定人"))
    confirmed_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("复核人"))
    visit_note = models.TextField(_("回访情况"), blank=True)
    visit_satisfaction = models.CharField(_("回访满意度"), max_length=16, blank=True,
                                          choices=[(s.value, label) for s, label in SATISFACTION_LABELS.items()])
    result_text = models.TextField(_("告知申请人的结果"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    row_version = models.PositiveIntegerField(_("记录版本"), default=0)

    class Meta:
        verbose_name = _("差评整改单")
        verbose_name_plural = _("差评整改单")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["department", "state"], name="feedback_rect_dept"),
                   models.Index(fields=["region", "state"], name="feedback_rect_region")]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return RECT_STATE_LABELS.get(RectState(self.state), self.state)


class RectificationEvent(ChainedEvent):
    """The history of one rectification, hash-chained (``verify_history`` checks it)."""

    rectification = models.ForeignKey(Rectification, models.PROTECT, related_name="events",
                                      verbose_name=_("整改单"))

    class Meta:
        verbose_name = _("整改单事件")
        verbose_name_plural = _("整改单事件")
        constraints = [models.UniqueConstraint(fields=["rectification", "seq"], name="feedback_rect_event_seq")]


class WorkOrder(models.Model):
    """工单: a complaint, inquiry, suggestion, praise or letter/visit, from any channel."""

    number = models.CharField(_("工单编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    kind = models.CharField(_("类别"), max_length=16, choices=[(k.value, v) for k, v in ORDER_KIND_LABELS.items()])
    source = models.CharField(_("来源"), max_length=16, choices=[(k.value, v) for k, v in SOURCE_LABELS.items()])
    handling = models.CharField(_("办理方式"), max_length=16,
                                choices=[(k.value, v) for k, v in HANDLING_LABELS.items()])
    topic = models.CharField(_("主题"), max_length=100, blank=True)
    content = models.TextField(_("诉求内容"))
    caller_name = models.CharField(_("诉求人"), max_length=64, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    external_number = models.CharField(_("12345 工单号"), max_length=40, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("相关办件"))
    item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("相关事项"))
    about_staff = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("被投诉工作人员"))
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("承办部门"))
    owner = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("首问责任人"))
    handler = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("办理人"))
    state = models.CharField(_("状态"), max_length=16, default=OrderState.RECEIVED,
                             choices=[(s.value, v) for s, v in ORDER_STATE_LABELS.items()])
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    answer_due = models.DateField(_("答复期限"), db_index=True)
    answer_yellow = models.DateField(_("黄牌预警起始日"), null=True, blank=True)
    answer_explanation = models.TextField(_("期限说明"), blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    substantiated = models.BooleanField(_("投诉属实"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_reason = models.TextField(_("办结/撤回说明"), blank=True)
    merged_into = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="duplicates",
                                    verbose_name=_("并入工单"))
    supervised_times = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    satisfaction = models.CharField(_("回访满意度"), max_length=16, blank=True,
                                    choices=[(s.value, v) for s, v in SATISFACTION_LABELS.items()])
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    publish_consent = models.BooleanField(_("同意公开"), default=False)
    published = models.BooleanField(_("已审核公开"), default=False)
    reward_amount = models.DecimalField(_("奖励金额（元）"), max_digits=10, decimal_places=2, null=True, blank=True)
    reward_approved_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("奖励批准人"))
    row_version = models.PositiveIntegerField(_("记录版本"), default=0)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["department", "state"], name="feedback_order_dept"),
                   models.Index(fields=["region", "state"], name="feedback_order_region"),
                   models.Index(fields=["about_staff", "substantiated"], name="feedback_order_staff"),
                   models.Index(fields=["external_number"], name="feedback_order_external")]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return ORDER_STATE_LABELS.get(OrderState(self.state), self.state)

    @property
    def kind_label(self) -> str:
        return ORDER_KIND_LABELS.get(OrderKind(self.kind), self.kind)


class WorkOrderEvent(ChainedEvent):
    """The history of one work order, hash-chained."""

    order = models.ForeignKey(WorkOrder, models.PROTECT, related_name="events", verbose_name=_("工单"))

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="feedback_order_event_seq")]


class ClerkFlag(models.Model):
    """Two substantiated complaints against one clerk in a year: flagged to the center administrator."""

    staff = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("工作人员"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    year = models.PositiveSmallIntegerField(_("年度"))
    orders = models.JSONField(_("属实投诉工单"), default=list)
    flagged_at = models.DateTimeField(_("标记时间"))

    class Meta:
        verbose_name = _("投诉属实标记")
        verbose_name_plural = _("投诉属实标记")
        constraints = [models.UniqueConstraint(fields=["staff", "year"], name="feedback_clerk_flag_once")]

    def __str__(self) -> str:
        return f"{self.staff_id}/{self.year}"


class RatingFollowUp(models.Model):
    """追评: the applicant's one later word on a rating (e.g. after the return visit). A row of its
    own, linked to the rating, which is never edited; one per rating (the unique link)."""

    rating = models.OneToOneField(Rating, models.PROTECT, related_name="follow_up", verbose_name=_("原评价"))
    level = models.PositiveSmallIntegerField(_("追评等级"), null=True, blank=True,
                                             choices=[(int(k), v) for k, v in LEVEL_LABELS.items()])
    comment = models.TextField(_("追评内容"))
    channel = models.CharField(_("渠道"), max_length=16, choices=[(c.value, label) for c, label in CHANNEL_LABELS.items()])
    added_at = models.DateTimeField(_("追评时间"))

    class Meta:
        verbose_name = _("追评")
        verbose_name_plural = _("追评")

    def __str__(self) -> str:
        return f"{self.rating_id} {self.added_at:%Y-%m-%d}"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, "") if self.level else ""


class BulkNotice(models.Model):
    """群发通知: one SMS of a department to a chosen group, its text approved by a second person
    before it goes out through the outbox (one message per phone, never twice)."""

    number = models.CharField(_("通知编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("发送部门"))
    group = models.CharField(_("发送对象"), max_length=20, choices=[(g.value, v) for g, v in NOTICE_GROUP_LABELS.items()])
    item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("事项"))
    year = models.PositiveSmallIntegerField(_("年度"))
    body = models.TextField(_("短信内容"))
    state = models.CharField(_("状态"), max_length=16, default=NoticeState.DRAFT,
                             choices=[(s.value, v) for s, v in NOTICE_STATE_LABELS.items()])
    # The drafter's Idempotency-Key: the same key of the same department gives the same notice.
    idempotency_key = models.CharField(_("幂等键"), max_length=100, blank=True)
    drafted_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("拟稿人"))
    drafted_at = models.DateTimeField(_("拟稿时间"))
    approved_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("审核人"))
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    sent_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("发送人"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True, db_index=True)
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    row_version = models.PositiveIntegerField(_("记录版本"), default=0)

    class Meta:
        verbose_name = _("群发通知")
        verbose_name_plural = _("群发通知")
        ordering = ["-drafted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["department", "idempotency_key"],
                                               condition=~Q(idempotency_key=""), name="feedback_notice_key_once")]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return NOTICE_STATE_LABELS.get(NoticeState(self.state), self.state)

    @property
    def group_label(self) -> str:
        return NOTICE_GROUP_LABELS.get(NoticeGroup(self.group), self.group)


class BulkNoticeEvent(ChainedEvent):
    """The history of one bulk notice (drafted, approved or rejected, sent), hash-chained."""

    notice = models.ForeignKey(BulkNotice, models.PROTECT, related_name="events", verbose_name=_("群发通知"))

    class Meta:
        verbose_name = _("群发通知事件")
        verbose_name_plural = _("群发通知事件")
        constraints = [models.UniqueConstraint(fields=["notice", "seq"], name="feedback_notice_event_seq")]
