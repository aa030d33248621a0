"""The case (办件) and its append-only, hash-chained events.

The case row is a projection of its events kept for querying: status, class flags, the current
stage, and the materialized due dates of the clock (with the calendar version they were computed
on), so the supervision sweep is an index range scan. ``row_version`` increases with every event:
a writer that read an older version is refused (no lost updates).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.personal_fields import BlindIndexField, EncryptedCharField
from onewindow.lifecycle.models import ChainedEvent, append_only

from .bundle_rules import BUNDLE_STATUS_LABELS, BundleStatus
from .events import EVENT_LABELS, EventKind
from .referral_rules import REFERRAL_LABELS, ReferralState
from .states import STATUS_LABELS, Status


class CaseNumberSequence(models.Model):
    """The last sequence number issued per region and year (case numbers are region + year + seq)."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last}"


class Case(models.Model):
    class Channel(models.TextChoices):
        WINDOW = "window", _("窗口")
        ONLINE = "online", _("网上")
        PROXY = "proxy", _("代办")
        IMPORT = "import", _("导入")

    class ApplicantKind(models.TextChoices):
        PERSON = "person", _("自然人")
        COMPANY = "company", _("法人或其他组织")

    number = models.CharField(_("办件编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=16)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="cases", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="cases",
                                   verbose_name=_("部门"))
    item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, related_name="cases", verbose_name=_("事项"))
    item_version = models.ForeignKey("catalog.ServiceItemVersion", models.PROTECT, related_name="cases",
                                     verbose_name=_("事项版本"))
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="cases",
                               verbose_name=_("收件窗口"))
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices)

    applicant_kind = models.CharField(_("申请人类型"), max_length=16, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_id_type = models.CharField(_("证件类型"), max_length=32)
    # Personal numbers are stored encrypted (core/personal_fields.py); search by their blind index.
    applicant_id_number = EncryptedCharField(_("证件号码"), max_length=32)
    applicant_id_number_bidx = BlindIndexField(source="applicant_id_number", kind="id_number")
    applicant_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True)
    applicant_phone_bidx = BlindIndexField(source="applicant_phone", kind="phone", db_index=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    agent_name = models.CharField(_("代理人"), max_length=64, blank=True)
    agent_id_number = EncryptedCharField(_("代理人证件号码"), max_length=32, blank=True)
    agent_id_number_bidx = BlindIndexField(source="agent_id_number", kind="id_number", db_index=True)
    # The applicant's own login when the case came in online (the portal); None at a window.
    applicant_account = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                          related_name="cases", verbose_name=_("申请人账户"))

    status = models.CharField(_("状态"), max_length=32, choices=[(s.value, _(STATUS_LABELS[s])) for s in Status])
    is_urgent = models.BooleanField(_("急办件"), default=False)
    urgent_reason = models.CharField(_("急办理由"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("收件时间"))
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    current_stage = models.PositiveSmallIntegerField(_("当前环节"), null=True, blank=True)
    outcome = models.CharField(_("审批结果"), max_length=16, blank=True,
                               choices=[("grant", _("准予")), ("deny", _("不予")), ("revoked", _("已撤销"))])
    # A reviewer's pending request for an extension, in working days, until the chief decides.
    extension_requested_days = models.PositiveSmallIntegerField(_("申请延期工作日"), null=True, blank=True)

    # 容缺受理: the deferrable materials still owed after acceptance and the date they are due by.
    deferred_owed = models.JSONField(_("尚欠容缺材料"), default=list, blank=True)
    deferred_due = models.DateField(_("容缺材料补交期限"), null=True, blank=True, db_index=True)

    # 告知承诺制: the conditions the applicant committed to, the verification date and its result
    # ("pending" until recorded, then "true" or "false").
    commitment_conditions = models.JSONField(_("承诺事项"), default=list, blank=True)
    verification_due = models.DateField(_("承诺核查期限"), null=True, blank=True, db_index=True)
    verification_result = models.CharField(_("核查结果"), max_length=8, blank=True, default="")

    # 异议: the applicant's objections, each {"no", "against_seq", "against_kind", "content", "due",
    # "answered"} (the answer itself is its event and numbered notice).
    objections = models.JSONField(_("异议"), default=list, blank=True)

    # 一件事: the bundle application this case is a child of (its ``submitted`` event names it too,
    # so the link is sealed in the chain).
    bundle_application = models.ForeignKey("BundleApplication", models.PROTECT, null=True, blank=True,
                                           related_name="children", verbose_name=_("所属一件事申请"))

    # 上报件 / 下放: the center that received the application when it is not the deciding region's
    # (a catalog ReceivingPoint), the referral's state and its two limits (referral_rules).
    received_region = models.ForeignKey("organization.Region", models.PROTECT, null=True, blank=True,
                                        related_name="received_cases", verbose_name=_("收件点"))
    referral_state = models.CharField(_("上报状态"), max_length=16, blank=True, default="",
                                      choices=[(s.value, _(REFERRAL_LABELS[s]) if s else "—") for s in ReferralState])
    forward_due = models.DateField(_("上报期限"), null=True, blank=True)
    pickup_due = models.DateField(_("接收期限"), null=True, blank=True)
    # 村代办: the proxy agent who filed it (they see only their own filings), the date their paper
    # materials are due at the township center and when they arrived.
    filed_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                 related_name="filed_cases", verbose_name=_("代办员"))
    paper_due = models.DateField(_("纸质材料送达期限"), null=True, blank=True)
    paper_received_on = models.DateField(_("纸质材料送达日期"), null=True, blank=True)
    # 全程承办人 (seed 001: 确定该事项的全程承办人，并作为办理责任人): named at acceptance, changed only
    # by ``assign_handler`` (an event each time), shown to the applicant.
    handler = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                related_name="handled_cases", verbose_name=_("全程承办人"))

    # The clock, materialized on every transition and calendar change.
    acceptance_due = models.DateField(_("受理决定期限"), null=True, blank=True, db_index=True)
    promised_due = models.DateField(_("承诺期限"), null=True, blank=True, db_index=True)
    statutory_due = models.DateField(_("法定期限"), null=True, blank=True, db_index=True)
    issuance_due = models.DateField(_("制证期限"), null=True, blank=True, db_index=True)
    yellow_from = models.DateField(_("黄牌预警起始日"), null=True, blank=True, db_index=True)
    # The center's yellow share ``yellow_from`` was computed with: a case timed with another share
    # than its center's current one is re-timed by the ``cases.refresh_yellow_lines`` job.
    yellow_share = models.DecimalField(_("黄牌比例"), max_digits=3, decimal_places=2, null=True, blank=True)
    is_paused = models.BooleanField(_("暂停计时"), default=False)
    clock_provisional = models.BooleanField(_("期限为暂定"), default=False)
    calendar_version = models.PositiveIntegerField(_("日历版本"), default=0)

    row_version = models.PositiveIntegerField(_("记录版本"), default=0)
    last_event_hash = models.CharField(_("最新事件哈希"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["applicant_id_number_bidx", "item"]),
            # The published results, newest first, of a department or of all (online.selectors):
            # the first page is the index's first rows, however many cases the province holds.
            models.Index(fields=["department", "-accepted_on", "-id"], name="cases_case_dept_accepted",
                         condition=Q(accepted_on__isnull=False)),
            models.Index(fields=["-accepted_on", "-id"], name="cases_case_accepted",
                         condition=Q(accepted_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.number


class CaseEvent(models.Model):
    """One thing that happened to a case. Never updated, never deleted."""

    case = models.ForeignKey(Case, models.PROTECT, related_name="events", verbose_name=_("办件"))
    # The case's region, copied onto the event when it is appended (a case never changes region):
    # a county's events of a day are then one index range (``cases_event_region_at``), not the
    # province's events of the day each probed for its case. Not hashed: it repeats the case's
    # ``region_id``, which the projection seals.
    # (No index of its own: ``cases_event_region_at`` serves it.)
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", db_index=False,
                               verbose_name=_("区划"))
    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件"), max_length=48, choices=[(k.value, EVENT_LABELS[k]) for k in EventKind])
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人姓名"), max_length=64, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    # The case row's key fields right after this event; the row must always equal the last one.
    projection = models.JSONField(_("办件状态快照"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The id of the chain key the hash was signed with (:mod:`onewindow.lifecycle.keys`): keys rotate.
    key_id = models.CharField(_("签名密钥"), max_length=16, blank=True, default="")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办件事件")
        verbose_name_plural = _("办件事件")
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]
        # A day's ledger reads the events of one county and day: a range scan of that county's
        # day, not of the province's (bench/scale.py, docs/operations.md "A province").
        indexes = [models.Index(fields=["at"], name="cases_event_at"),
                   models.Index(fields=["region", "at"], name="cases_event_region_at")]
        # Append-only in PostgreSQL itself, as every ChainedEvent table (lifecycle.models).
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"


class CaseTask(models.Model):
    """One review stage of one case in a department's inbox (the item's process, DESIGN.md §3).

    Tasks open when their stage becomes ready (every earlier stage done; a parallel group's
    members open together) and close when the stage is completed. ``assignee`` is whoever
    claimed it; an unclaimed task is visible to every staff member of its department and role.
    """

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已办")

    case = models.ForeignKey(Case, models.CASCADE, related_name="tasks", verbose_name=_("办件"))
    stage_order = models.PositiveSmallIntegerField(_("环节序号"))
    stage_name = models.CharField(_("环节名称"), max_length=100)
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="case_tasks",
                                   verbose_name=_("负责部门"))
    role = models.CharField(_("负责角色"), max_length=32)
    budget_workdays = models.PositiveSmallIntegerField(_("环节时限（工作日）"), default=0)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True,
                                 related_name="case_tasks", verbose_name=_("承办人"))
    opened_at = models.DateTimeField(_("开始时间"))
    due_on = models.DateField(_("环节期限"), null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理任务")
        verbose_name_plural = _("办理任务")
        ordering = ["case", "stage_order"]
        constraints = [models.UniqueConstraint(fields=["case", "stage_order"], name="case_task_stage_unique")]
        indexes = [models.Index(fields=["department", "state", "role"])]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.stage_name}"


class CreditRecord(models.Model):
    """信用记录: an entry against an applicant, written by the transition that found the fault (a
    false commitment under 告知承诺制 revokes the decision and records it here)."""

    class Kind(models.TextChoices):
        FALSE_COMMITMENT = "false_commitment", _("虚假承诺")

    case = models.ForeignKey(Case, models.PROTECT, related_name="credit_records", verbose_name=_("办件"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("记录机关所在地"))
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    applicant_name = models.CharField(_("当事人"), max_length=100)
    applicant_id_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    reason = models.CharField(_("事由"), max_length=500)
    event_seq = models.PositiveIntegerField(_("对应事件序号"))
    recorded_at = models.DateTimeField(_("记录时间"))
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("记录人"))

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-recorded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "event_seq", "kind"], name="credit_record_once")]

    def __str__(self) -> str:
        return f"{self.applicant_name} {self.kind} {self.case_id}"


class BundleNumberSequence(models.Model):
    """The last bundle application number issued per region and year."""

    region = models.ForeignKey("organization.Region", models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="bundle_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last}"


class BundleApplication(models.Model):
    """一件事申请: one application of a bundle (one form, one material set, one notice), the parent
    of one child case per item that applies. A record type of the lifecycle kernel: its state is a
    projection of its children's (``bundle_rules.target_status``), every change explained by an
    event of its own hash chain. It stores no personal number: those live, encrypted, in the
    children."""

    number = models.CharField(_("申请编号"), max_length=32, unique=True)
    query_code = models.CharField(_("查询码"), max_length=16)
    bundle = models.ForeignKey("catalog.Bundle", models.PROTECT, related_name="applications", verbose_name=_("一件事"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    lead_department = models.ForeignKey("organization.Department", models.PROTECT, related_name="+",
                                        verbose_name=_("牵头部门"))
    window = models.ForeignKey("organization.Window", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("收件窗口"))
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Case.Channel.choices)
    applicant_kind = models.CharField(_("申请人类型"), max_length=16, choices=Case.ApplicantKind.choices)
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_account = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                          related_name="bundle_applications", verbose_name=_("申请人账户"))
    # An online form's token: the same form posted twice makes one application.
    form_token = models.UUIDField(_("表单标识"), null=True, blank=True, unique=True)
    situations = models.JSONField(_("所选情形"), default=list, blank=True)
    materials = models.JSONField(_("材料清单"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=32,
                              choices=[(s.value, _(BUNDLE_STATUS_LABELS[s])) for s in BundleStatus])
    submitted_at = models.DateTimeField(_("申请时间"))
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Each child's status as the parent last recorded it (its ``child_progress`` events say when
    # and why it changed).
    child_statuses = models.JSONField(_("子办件状态"), default=dict, blank=True)
    # The supplement request of each child that a combined notice already told ({number: seq}),
    # and how many combined notices were issued (their numbers: ``bundle_rules.notice_number``).
    noticed = models.JSONField(_("已告知的补正"), default=dict, blank=True)
    notices = models.PositiveSmallIntegerField(_("补正告知书份数"), default=0)
    # The children handed over in the one delivery under way (until the last one is).
    delivering = models.JSONField(_("统一送达中的子办件"), default=list, blank=True)
    row_version = models.PositiveIntegerField(_("记录版本"), default=0)

    class Meta:
        verbose_name = _("一件事申请")
        verbose_name_plural = _("一件事申请")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["region", "status"], name="cases_bundle_region_status")]

    def __str__(self) -> str:
        return self.number


class BundleApplicationEvent(ChainedEvent):
    """One thing that happened to a bundle application: applied, a child's progress, a combined
    supplement notice, the supplement, ready for the one delivery, delivered, concluded. Each
    payload records the parent's status right after it (``verify_history`` compares the row)."""

    application = models.ForeignKey(BundleApplication, models.PROTECT, related_name="events",
                                    verbose_name=_("一件事申请"))

    class Meta:
        verbose_name = _("一件事申请事件")
        verbose_name_plural = _("一件事申请事件")
        ordering = ["application", "seq"]
        constraints = [models.UniqueConstraint(fields=["application", "seq"], name="cases_bundle_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.application_id}#{self.seq} {self.kind}"
