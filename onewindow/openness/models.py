"""Tables of open government: disclosure requests (依申请公开), their chained history and replies."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.lifecycle.models import ChainedEvent

from .rules import (
    ANSWER_LABELS,
    APPLICANT_KIND_LABELS,
    CHANNEL_LABELS,
    DELIVERY_LABELS,
    STATE_LABELS,
    State,
)


class DisclosureRequest(models.Model):
    """One request for government information, addressed to one agency (a department of a region)."""

    number = models.CharField(_("申请编号"), max_length=40, unique=True)
    query_code = models.CharField(_("查询码"), max_length=16)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("受理机关"))
    channel = models.CharField(_("申请方式"), max_length=16, choices=list(CHANNEL_LABELS.items()))
    applicant_kind = models.CharField(_("申请人类型"), max_length=16, choices=list(APPLICANT_KIND_LABELS.items()))
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_id_number = models.CharField(_("证件号码"), max_length=32)
    applicant_phone = models.CharField(_("联系电话"), max_length=20)
    applicant_address = models.CharField(_("通信地址"), max_length=200, blank=True)
    description = models.TextField(_("所需信息的内容描述"))
    purpose = models.CharField(_("用途"), max_length=200, blank=True)
    delivery = models.CharField(_("获取方式"), max_length=16, choices=list(DELIVERY_LABELS.items()))
    received_on = models.DateField(_("收到申请之日"), help_text=_("政府信息公开条例 第三十一条"))
    state = models.CharField(_("状态"), max_length=24, choices=list(STATE_LABELS.items()), default=State.RECEIVED)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True)
    extension_workdays = models.PositiveSmallIntegerField(_("延长工作日"), default=0)
    clarification_requested = models.BooleanField(_("已告知补正"), default=False)
    consulted = models.BooleanField(_("已征求第三方意见"), default=False)
    answer = models.CharField(_("答复类型"), max_length=24, blank=True, choices=list(ANSWER_LABELS.items()))
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("登记人"))
    row_version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["region", "state"], name="openness_request_region"),
            models.Index(fields=["department", "state"], name="openness_request_dept"),
            models.Index(fields=["received_on"], name="openness_request_received"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return STATE_LABELS[State(self.state)]


class DisclosureRequestEvent(ChainedEvent):
    """The history of one request, hash-chained (``verify_history --type disclosure``)."""

    request = models.ForeignKey(DisclosureRequest, models.PROTECT, related_name="events", verbose_name=_("申请"))

    class Meta:
        verbose_name = _("依申请公开记录")
        verbose_name_plural = _("依申请公开记录")
        ordering = ["request", "seq"]
        constraints = [models.UniqueConstraint(fields=["request", "seq"], name="openness_request_event_seq")]

    def __str__(self) -> str:
        return f"{self.request_id}#{self.seq} {self.kind}"


class DisclosureReply(models.Model):
    """The numbered reply document (答复书) of a request, frozen at issue; its PDF is a pure function
    of ``content`` (``documents.render``)."""

    request = models.OneToOneField(DisclosureRequest, models.PROTECT, related_name="reply", verbose_name=_("申请"))
    number = models.CharField(_("答复书编号"), max_length=64, unique=True)
    answer = models.CharField(_("答复类型"), max_length=24, choices=list(ANSWER_LABELS.items()))
    content = models.JSONField(_("文书内容"))
    content_sha256 = models.CharField(_("内容哈希"), max_length=64)
    issued_at = models.DateTimeField(_("出具时间"))

    class Meta:
        verbose_name = _("政府信息公开申请答复书")
        verbose_name_plural = _("政府信息公开申请答复书")

    def __str__(self) -> str:
        return self.number


class DisclosureFee(models.Model):
    """The processing fee of one request (信息处理费, 国办函〔2020〕109号): its numbered fee notice, frozen
    at issue like the reply, and what became of it — paid, waived with a reason, or lapsed."""

    request = models.OneToOneField(DisclosureRequest, models.PROTECT, related_name="fee", verbose_name=_("申请"))
    number = models.CharField(_("收费通知书编号"), max_length=64, unique=True)
    method = models.CharField(_("计收方式"), max_length=16)
    pieces = models.PositiveSmallIntegerField(_("计件数"), default=1,
                                              help_text=_("按“一事一申请”拆分后本申请计为几件"))
    pages = models.PositiveIntegerField(_("页数"), null=True, blank=True)
    month_count = models.PositiveIntegerField(_("本月累计件数（含本件）"), default=0)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    pay_by = models.DateField(_("缴费期限"))
    state = models.CharField(_("状态"), max_length=16, default="pending")
    content = models.JSONField(_("通知书内容"))
    content_sha256 = models.CharField(_("内容哈希"), max_length=64)
    issued_at = models.DateTimeField(_("发出时间"))
    issued_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("经办人"))
    settled_on = models.DateField(_("缴费或减免日期"), null=True, blank=True)
    receipt_number = models.CharField(_("缴款票据号"), max_length=64, blank=True)
    waiver_reason = models.TextField(_("减免理由"), blank=True)
    settled_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("信息处理费")
        verbose_name_plural = _("信息处理费")

    def __str__(self) -> str:
        return self.number


class OpennessSequence(models.Model):
    """The last number issued per scope (a region's requests) and year (``core.sequences``)."""

    scope = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="openness_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.last}"


# -- the power list (权力清单) and discretion standards (裁量基准) ----------------------------------------


class PowerListVersion(models.Model):
    """One published version of a region's power list, in force from its effective date until the
    next version's (an import never edits a published version: it adds one)."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    version = models.PositiveIntegerField(_("版本"))
    effective_from = models.DateField(_("生效日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("导入时间"))
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("导入人"))

    class Meta:
        verbose_name = _("权力清单版本")
        verbose_name_plural = _("权力清单版本")
        constraints = [models.UniqueConstraint(fields=["region", "version"], name="openness_power_version_once")]
        ordering = ["region", "-effective_from", "-version"]

    def __str__(self) -> str:
        return f"{self.region_id} v{self.version} ({self.effective_from})"


class Power(models.Model):
    """One power (职权) of one department, as a version of the list states it."""

    list_version = models.ForeignKey(PowerListVersion, models.CASCADE, related_name="powers",
                                     verbose_name=_("清单版本"))
    code = models.CharField(_("权力编码"), max_length=40)
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("实施部门"))
    name = models.CharField(_("权力名称"), max_length=200)
    power_type = models.CharField(_("权力类型"), max_length=16)
    legal_basis = models.TextField(_("设定依据"))
    implementing_body = models.CharField(_("实施主体"), max_length=100)
    responsibilities = models.TextField(_("责任事项"), blank=True)
    accountability = models.TextField(_("追责情形"), blank=True)
    stages = models.JSONField(_("办理流程环节"), default=list, blank=True)
    item_codes = models.JSONField(_("关联服务事项编码"), default=list, blank=True)

    class Meta:
        verbose_name = _("权力事项")
        verbose_name_plural = _("权力事项")
        constraints = [models.UniqueConstraint(fields=["list_version", "code"], name="openness_power_code_once")]
        ordering = ["department__order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DiscretionStandard(models.Model):
    """One situation of a penalty power's discretion standard (行政处罚裁量基准) with its range."""

    power = models.ForeignKey(Power, models.CASCADE, related_name="standards", verbose_name=_("权力事项"))
    category = models.CharField(_("裁量情形类别"), max_length=16)
    situation = models.CharField(_("情形"), max_length=300)
    range_min = models.DecimalField(_("下限（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    range_max = models.DecimalField(_("上限（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_text = models.TextField(_("法律条文"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        ordering = ["power", "order", "id"]

    def __str__(self) -> str:
        return f"{self.power_id} {self.category} {self.situation[:20]}"


# -- fund disclosure (惠民资金公开) -----------------------------------------------------------------------


class Fund(models.Model):
    """A special fund paid to persons, households or projects (到人到户资金)."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("主管部门"))
    code = models.CharField(_("资金编码"), max_length=40, unique=True)
    name = models.CharField(_("资金名称"), max_length=100)
    basis = models.TextField(_("政策依据"))
    standard = models.CharField(_("补助标准"), max_length=200)
    period = models.CharField(_("资金所属期"), max_length=50)
    total = models.DecimalField(_("资金总额（元）"), max_digits=14, decimal_places=2)
    payment_workdays = models.PositiveSmallIntegerField(_("审批后发放时限（工作日）"), default=10)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("惠民资金")
        verbose_name_plural = _("惠民资金")
        ordering = ["region", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FundEvent(ChainedEvent):
    """The history of a fund, hash-chained: created, distributions imported, payments recorded."""

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="events", verbose_name=_("资金"))

    class Meta:
        verbose_name = _("惠民资金记录")
        verbose_name_plural = _("惠民资金记录")
        ordering = ["fund", "seq"]
        constraints = [models.UniqueConstraint(fields=["fund", "seq"], name="openness_fund_event_seq")]

    def __str__(self) -> str:
        return f"{self.fund_id}#{self.seq} {self.kind}"


class FundImport(models.Model):
    """One imported workbook of a fund's distribution (all its rows, or none)."""

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="imports", verbose_name=_("资金"))
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("行数"))
    imported_at = models.DateTimeField(_("导入时间"))
    imported_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("导入人"))

    class Meta:
        verbose_name = _("资金发放导入")
        verbose_name_plural = _("资金发放导入")

    def __str__(self) -> str:
        return f"{self.fund_id} {self.imported_at:%Y-%m-%d} ({self.rows})"


class Distribution(models.Model):
    """One payment of a fund to one person or household in one village."""

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="distributions", verbose_name=_("资金"))
    batch = models.ForeignKey(FundImport, models.PROTECT, related_name="distributions", verbose_name=_("导入批次"))
    village = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("村（社区）"))
    recipient_name = models.CharField(_("姓名"), max_length=64)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    approved_on = models.DateField(_("审批日期"))
    pay_due = models.DateField(_("应发放日期"))
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("资金发放明细")
        verbose_name_plural = _("资金发放明细")
        ordering = ["fund", "village", "id"]
        indexes = [models.Index(fields=["village", "fund"], name="openness_distribution_village"),
                   models.Index(fields=["id_number"], name="openness_distribution_id")]

    def __str__(self) -> str:
        return f"{self.fund_id}:{self.village_id} {self.amount}"


class FundDispute(models.Model):
    """A disputed entry reported by the public (an entry that is wrong, or someone who should not
    receive it). Hands over to the feedback work orders through ``fund_hooks.dispute_filed``."""

    distribution = models.ForeignKey(Distribution, models.PROTECT, related_name="disputes", verbose_name=_("发放明细"))
    reason = models.TextField(_("异议内容"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    filed_at = models.DateTimeField(_("提出时间"))
    work_order = models.CharField(_("工单编号"), max_length=40, blank=True,
                                  help_text=_("转为意见建议工单后的编号；工单模块未接入时为空"))

    class Meta:
        verbose_name = _("资金公示异议")
        verbose_name_plural = _("资金公示异议")
        ordering = ["-filed_at"]

    def __str__(self) -> str:
        return f"{self.distribution_id} {self.filed_at:%Y-%m-%d}"


# -- publicity with a schedule (公示) -------------------------------------------------------------------


class Publication(models.Model):
    """A publication (公示): scheduled, reviewed by a named reviewer, published with a comment period,
    objections answered, then finalized."""

    number = models.CharField(_("公示编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("发布部门"))
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("公示类型"), max_length=16)
    body = models.TextField(_("公示内容"))
    comment_days = models.PositiveSmallIntegerField(_("公示期"))
    comment_unit = models.CharField(_("公示期单位"), max_length=16)
    due_on = models.DateField(_("应发布日期"))
    state = models.CharField(_("状态"), max_length=16)
    author = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("拟稿人"))
    reviewer = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("审核人"))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    comment_ends = models.DateField(_("公示期截止"), null=True, blank=True)
    finalized_on = models.DateField(_("公示结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    # A quarterly publication schedules its next quarter's when it is published: one follower each.
    follows = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="followed_by",
                                   verbose_name=_("上期公示"))
    # The proactive disclosure catalogue (主动公开目录): what the document is, and its index number
    # (given when it is published).
    category = models.CharField(_("信息类别"), max_length=24, default="notice")
    subject = models.CharField(_("主题分类"), max_length=24, blank=True)
    doc_number = models.CharField(_("文号"), max_length=64, blank=True)
    made_on = models.DateField(_("形成或变更日期"), null=True, blank=True,
                               help_text=_("政府信息公开条例 第二十六条：自此日起 20 个工作日内公开"))
    index_number = models.CharField(_("索引号"), max_length=64, blank=True)
    village = models.ForeignKey("organization.Region", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("村（社区）"))
    # A change of published information is published as a revision of it (Art. 26: "或者变更").
    revises = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="revised_by",
                                   verbose_name=_("变更的公开信息"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    # 决定前公示 of a benefit case (case_publicity.py): while it runs the case's clock is paused;
    # finalizing it ends the pause.
    case = models.OneToOneField("cases.Case", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("办件"))

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["index_number"], condition=~models.Q(index_number=""),
                                               name="openness_publication_index_once")]
        indexes = [models.Index(fields=["state", "category"], name="openness_publication_catalogue")]

    def __str__(self) -> str:
        return self.number


class PublicationEvent(ChainedEvent):
    publication = models.ForeignKey(Publication, models.PROTECT, related_name="events", verbose_name=_("公示"))

    class Meta:
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")
        ordering = ["publication", "seq"]
        constraints = [models.UniqueConstraint(fields=["publication", "seq"], name="openness_publication_event_seq")]

    def __str__(self) -> str:
        return f"{self.publication_id}#{self.seq} {self.kind}"


class Objection(models.Model):
    """An objection (异议) raised during a publication's comment period; answered before finalizing."""

    publication = models.ForeignKey(Publication, models.PROTECT, related_name="objections", verbose_name=_("公示"))
    text = models.TextField(_("异议内容"))
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    filed_at = models.DateTimeField(_("提出时间"))
    answer = models.TextField(_("答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("答复人"))

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["filed_at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.filed_at:%Y-%m-%d}"


# -- 点题公开: topics the public asks to see published ----------------------------------------------------


class Topic(models.Model):
    """A topic the public asks a department to publish; others second it; the department answers
    by a deadline with a publication or a reasoned refusal."""

    number = models.CharField(_("点题编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("答复部门"))
    title = models.CharField(_("点题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    proposed_on = models.DateField(_("提出日期"))
    answer_due = models.DateField(_("答复期限"))
    seconds = models.PositiveIntegerField(_("附议数"), default=0)
    state = models.CharField(_("状态"), max_length=16, default="open")
    answer_kind = models.CharField(_("答复方式"), max_length=16, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answered_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("答复人"))

    class Meta:
        verbose_name = _("点题公开")
        verbose_name_plural = _("点题公开")
        ordering = ["-proposed_on", "-id"]

    def __str__(self) -> str:
        return self.number


class TopicEvent(ChainedEvent):
    topic = models.ForeignKey(Topic, models.PROTECT, related_name="events", verbose_name=_("点题"))

    class Meta:
        verbose_name = _("点题记录")
        verbose_name_plural = _("点题记录")
        ordering = ["topic", "seq"]
        constraints = [models.UniqueConstraint(fields=["topic", "seq"], name="openness_topic_event_seq")]

    def __str__(self) -> str:
        return f"{self.topic_id}#{self.seq} {self.kind}"


class TopicSecond(models.Model):
    """One seconding, once per client (a keyed hash of its address: no address is stored)."""

    topic = models.ForeignKey(Topic, models.CASCADE, related_name="+", verbose_name=_("点题"))
    client_key = models.CharField(max_length=64)
    at = models.DateTimeField(_("附议时间"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "client_key"], name="openness_topic_second_once")]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.at:%Y-%m-%d}"


# -- enforcement made public (阳光执法): certified officers, inspections, major penalties -------------------


class EnforcementOfficer(models.Model):
    """An enforcement officer of a department and the certificate they hold (持证上岗)."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("执法部门"))
    name = models.CharField(_("姓名"), max_length=64)
    id_number = models.CharField(_("身份证号码"), max_length=18)
    certificate_kind = models.CharField(_("证件类型"), max_length=16, default="enforcement")
    certificate_number = models.CharField(_("执法证号"), max_length=32, unique=True)
    area = models.CharField(_("执法类别"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"))
    state = models.CharField(_("状态"), max_length=16, default="active")
    revoked_on = models.DateField(_("注销日期"), null=True, blank=True)
    revoked_reason = models.CharField(_("注销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("行政执法人员")
        verbose_name_plural = _("行政执法人员")
        ordering = ["department__order", "certificate_number"]

    def __str__(self) -> str:
        return f"{self.certificate_number} {self.name}"


class OfficerEvent(ChainedEvent):
    officer = models.ForeignKey(EnforcementOfficer, models.PROTECT, related_name="events", verbose_name=_("执法人员"))

    class Meta:
        verbose_name = _("执法人员记录")
        verbose_name_plural = _("执法人员记录")
        ordering = ["officer", "seq"]
        constraints = [models.UniqueConstraint(fields=["officer", "seq"], name="openness_officer_event_seq")]

    def __str__(self) -> str:
        return f"{self.officer_id}#{self.seq} {self.kind}"


class EnforcementInspection(models.Model):
    """One entry of the enforcement inspection register (行政检查登记)."""

    number = models.CharField(_("检查编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("执法部门"))
    inspected_on = models.DateField(_("检查日期"))
    party_kind = models.CharField(_("检查对象类型"), max_length=16)
    party_name = models.CharField(_("检查对象"), max_length=200)
    place = models.CharField(_("检查地点"), max_length=200)
    basis = models.TextField(_("检查依据"))
    matters = models.TextField(_("检查事项"))
    random_draw = models.BooleanField(_("双随机抽查"), default=False)
    result = models.CharField(_("检查结果"), max_length=16)
    result_note = models.TextField(_("处理情况"), blank=True)
    officers = models.ManyToManyField(EnforcementOfficer, related_name="inspections", verbose_name=_("执法人员"))
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("行政检查登记")
        verbose_name_plural = _("行政检查登记")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return self.number


class InspectionEvent(ChainedEvent):
    inspection = models.ForeignKey(EnforcementInspection, models.PROTECT, related_name="events",
                                   verbose_name=_("行政检查"))

    class Meta:
        verbose_name = _("行政检查记录")
        verbose_name_plural = _("行政检查记录")
        ordering = ["inspection", "seq"]
        constraints = [models.UniqueConstraint(fields=["inspection", "seq"], name="openness_inspection_event_seq")]

    def __str__(self) -> str:
        return f"{self.inspection_id}#{self.seq} {self.kind}"


class MajorPenalty(models.Model):
    """A major penalty decision and its filing with the legal office (重大行政处罚备案), due by a day."""

    number = models.CharField(_("备案编号"), max_length=40, unique=True)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                   verbose_name=_("执法部门"))
    decision_number = models.CharField(_("处罚决定书文号"), max_length=64, unique=True)
    party_kind = models.CharField(_("当事人类型"), max_length=16)
    party_name = models.CharField(_("当事人"), max_length=200)
    violation = models.TextField(_("违法事实"))
    penalty_kinds = models.JSONField(_("处罚种类"), default=list)
    amount = models.DecimalField(_("罚没金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_review_on = models.DateField(_("法制审核日期"))
    decided_on = models.DateField(_("决定日期"))
    filing_due = models.DateField(_("备案期限"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_with = models.CharField(_("备案机关"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=16, default="pending")
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("登记人"))

    class Meta:
        verbose_name = _("重大行政处罚备案")
        verbose_name_plural = _("重大行政处罚备案")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.number


class PenaltyEvent(ChainedEvent):
    penalty = models.ForeignKey(MajorPenalty, models.PROTECT, related_name="events", verbose_name=_("重大行政处罚"))

    class Meta:
        verbose_name = _("重大行政处罚备案记录")
        verbose_name_plural = _("重大行政处罚备案记录")
        ordering = ["penalty", "seq"]
        constraints = [models.UniqueConstraint(fields=["penalty", "seq"], name="openness_penalty_event_seq")]

    def __str__(self) -> str:
        return f"{self.penalty_id}#{self.seq} {self.kind}"
