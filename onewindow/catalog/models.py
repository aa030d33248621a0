"""Service items (事项) and their versions, materials, fees, stages; bundles (一件事).

A ``ServiceItem`` is the stable identity of one implementation-list record; everything that the
law or the guide says about it lives on a ``ServiceItemVersion``. Editing publishes a new version
and moves ``current_version``; old versions stay readable, because a case keeps the version it
was accepted under.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .rules import (
    HANDLING_TYPE_LABELS,
    ITEM_TYPE_LABELS,
    LIMIT_UNIT_LABELS,
    MATERIAL_FORM_LABELS,
    MATERIAL_PROVISION_LABELS,
    MATERIAL_SOURCE_LABELS,
    ONLINE_DEPTH_LABELS,
    RESULT_TYPE_LABELS,
    HandlingType,
    LimitUnit,
)


def _choices(labels: dict) -> list[tuple[str, Any]]:
    """Choices from a rules module's labels, through gettext: the labels are Chinese msgids, so an
    English page shows "working days", not 工作日."""
    return [(k.value if hasattr(k, "value") else k, _(v)) for k, v in labels.items()]


class ServiceItem(models.Model):
    """The stable identity of an item in one region's implementation list."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="items",
                               verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, related_name="items",
                                   verbose_name=_("实施主体"))
    implementation_code = models.CharField(_("实施编码"), max_length=64, unique=True)
    basic_code = models.CharField(_("基本编码"), max_length=64, db_index=True)
    current_version = models.OneToOneField("ServiceItemVersion", models.PROTECT, null=True, blank=True,
                                           related_name="+", verbose_name=_("当前版本"))
    windows = models.ManyToManyField("organization.Window", related_name="items", blank=True,
                                     verbose_name=_("办理窗口"))
    is_active = models.BooleanField(_("在用"), default=True)
    use_count = models.PositiveIntegerField(_("办件量"), default=0)
    # 办件公示: set from the item's type and name when the item is created
    # (rules.results_public_by_default), changed by the center, kept across versions.
    results_public = models.BooleanField(_("公示办理结果"), default=True,
                                         help_text=_("在办件公示中列出本事项的办件；社会救助、婚姻登记等涉及个人隐私的事项默认不公示"))
    # 决定前公示 (e.g. 最低生活保障审核确认办法 第十九条: 7 days): a case of this item publishes the
    # proposed decision for comment before it may be decided, a typed pause of its clock. Kept
    # across versions, like results_public; None: no publicity before the decision.
    publicity_days = models.PositiveSmallIntegerField(_("决定前公示期"), null=True, blank=True,
                                                      help_text=_("留空：决定前无须公示"))
    publicity_calendar_days = models.BooleanField(_("公示期按自然日计算"), default=False,
                                                  help_text=_("否：按工作日计算"))
    publicity_basis = models.CharField(_("公示依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["department__order", "implementation_code"]

    def __str__(self) -> str:
        return self.current_version.name if self.current_version else self.implementation_code


class ServiceItemVersion(models.Model):
    """One published state of an item: the fields of the implementation list (LEGAL-RULES §4)."""

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="versions", verbose_name=_("事项"))
    version = models.PositiveIntegerField(_("版本号"))
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("发布人"))
    change_note = models.CharField(_("变更说明"), max_length=200, blank=True)
    # A drafted version waits for its legal review (LegalReview) and is not shown or used until
    # published; versions published before the review rule existed count as reviewed.
    is_draft = models.BooleanField(_("草稿"), default=False)

    name = models.CharField(_("事项名称"), max_length=200)
    pinyin_initials = models.CharField(_("拼音首字母"), max_length=200, blank=True, db_index=True)
    item_type = models.CharField(_("事项类型"), max_length=32, choices=_choices(ITEM_TYPE_LABELS))
    implementing_body = models.CharField(_("实施主体"), max_length=100)
    entrusted_department = models.CharField(_("受委托部门"), max_length=100, blank=True)
    legal_basis = models.TextField(_("设定依据"))
    acceptance_conditions = models.TextField(_("受理条件"))
    service_objects = models.CharField(_("服务对象"), max_length=100, blank=True)
    quantity_limit = models.CharField(_("数量限制"), max_length=200, blank=True)

    statutory_limit = models.PositiveIntegerField(_("法定办结时限"))
    statutory_unit = models.CharField(_("法定时限单位"), max_length=16, choices=_choices(LIMIT_UNIT_LABELS),
                                      default=LimitUnit.WORKDAY.value)
    statutory_note = models.CharField(_("法定时限说明"), max_length=200, blank=True)
    promised_limit = models.PositiveIntegerField(_("承诺办结时限"))
    promised_unit = models.CharField(_("承诺时限单位"), max_length=16, choices=_choices(LIMIT_UNIT_LABELS),
                                     default=LimitUnit.WORKDAY.value)
    promised_note = models.CharField(_("承诺时限说明"), max_length=200, blank=True)
    handling_type = models.CharField(_("办件类型"), max_length=16, choices=_choices(HANDLING_TYPE_LABELS),
                                     default=HandlingType.COMMITTED.value)
    is_joint = models.BooleanField(_("联办件"), default=False)
    # 容缺受理: what waits for the owed materials — the decision (default) or only the certificate.
    deferred_blocks = models.CharField(_("容缺材料补齐前不得"), max_length=16, default="decision",
                                       choices=[("decision", _("作出准予决定")), ("certificate", _("制发证照"))])
    # 告知承诺制: the applicant may sign a commitment instead of the missing materials; the department
    # verifies it within this many working days of acceptance.
    # 急办件 (green channel): the promised limit of an urgent case, when shorter than the usual one.
    urgent_limit = models.PositiveIntegerField(_("急办承诺时限（工作日）"), null=True, blank=True)
    commitment_eligible = models.BooleanField(_("可告知承诺"), default=False)
    verification_workdays = models.PositiveSmallIntegerField(_("承诺核查期限（工作日）"), default=20)
    max_visits = models.PositiveSmallIntegerField(_("到现场次数"), default=1)
    visits_note = models.CharField(_("到现场原因"), max_length=200, blank=True)
    special_procedures = models.JSONField(_("特别程序"), default=list, blank=True)
    online_depth = models.PositiveSmallIntegerField(_("网上办理深度"), choices=_choices(ONLINE_DEPTH_LABELS),
                                                    default=3)

    result_type = models.CharField(_("审批结果类型"), max_length=32, choices=_choices(RESULT_TYPE_LABELS))
    result_name = models.CharField(_("审批结果名称"), max_length=100, blank=True)
    delivery_methods = models.JSONField(_("送达方式"), default=list, blank=True)
    place = models.CharField(_("办理地点"), max_length=200, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    consultation = models.CharField(_("咨询方式"), max_length=200, blank=True)
    complaint = models.CharField(_("监督投诉方式"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="item_version_unique"),
            # 承诺时限不得超过法定时限 (when both count the same kind of day).
            models.CheckConstraint(
                condition=~Q(statutory_unit=F("promised_unit")) | Q(promised_limit__lte=F("statutory_limit")),
                name="promised_within_statutory",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Material(models.Model):
    version = models.ForeignKey(ServiceItemVersion, models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("材料名称"), max_length=200)
    required = models.BooleanField(_("必要"), default=True)
    form = models.CharField(_("材料形式"), max_length=16, choices=_choices(MATERIAL_FORM_LABELS), default="both")
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    source = models.CharField(_("来源渠道"), max_length=16, choices=_choices(MATERIAL_SOURCE_LABELS),
                              default="applicant")
    # Whether the applicant hands it in at all (rules.MaterialProvision): shared and
    # department-produced materials are never asked of the applicant.
    provision = models.CharField(_("获取方式"), max_length=16, choices=_choices(MATERIAL_PROVISION_LABELS),
                                 default="applicant")
    # 容缺受理: the item allows accepting the case while this material is still owed.
    deferrable = models.BooleanField(_("可容缺"), default=False)
    paper_size = models.CharField(_("纸质规格"), max_length=16, blank=True)
    blank_form = models.CharField(_("空白表格"), max_length=200, blank=True)
    sample = models.CharField(_("示例样表"), max_length=200, blank=True)
    instructions = models.TextField(_("填报须知"), blank=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="material_order_unique")]

    def __str__(self) -> str:
        return self.name


class FeeItem(models.Model):
    """A fee the item charges. Art. 58-59: only with a legal basis and a published standard."""

    version = models.ForeignKey(ServiceItemVersion, models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("收费项目"), max_length=200)
    basis = models.TextField(_("收费依据"))
    standard = models.CharField(_("收费标准"), max_length=200)
    amount_fen = models.PositiveIntegerField(_("金额（分）"), null=True, blank=True,
                                             help_text=_("固定金额时填写；按标准计算的留空"))
    waivable = models.BooleanField(_("可减免"), default=False)
    waiver_basis = models.CharField(_("减免依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="fee_order_unique")]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    """A step of the process. Stages sharing a ``parallel_group`` run side by side (并联审批)."""

    version = models.ForeignKey(ServiceItemVersion, models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("环节名称"), max_length=100)
    department_code = models.CharField(_("负责部门编码"), max_length=32)
    role = models.CharField(_("负责角色"), max_length=32)
    budget_workdays = models.PositiveSmallIntegerField(_("环节时限（工作日）"))
    parallel_group = models.PositiveSmallIntegerField(_("并联组"), null=True, blank=True)
    requires_two_signatures = models.BooleanField(_("需两人核查"), default=False,
                                                  help_text=_("行政许可法第三十四条：实质审查由两名以上工作人员进行"))

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="stage_order_unique")]

    def __str__(self) -> str:
        return self.name


class Bundle(models.Model):
    """一件事: several items under one form, one notice and one deduplicated material set."""

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="bundles",
                               verbose_name=_("区划"))
    code = models.CharField(_("编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    life_event = models.CharField(_("场景"), max_length=200, blank=True,
                                  help_text=_("群众的说法，例如：我要开餐馆"))
    description = models.TextField(_("说明"), blank=True)
    lead_department = models.ForeignKey("organization.Department", models.PROTECT, related_name="led_bundles",
                                        verbose_name=_("牵头部门"))
    items = models.ManyToManyField(ServiceItem, through="BundleItem", related_name="bundles",
                                   verbose_name=_("事项"))

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("序号"))
    situation = models.CharField(_("情形"), max_length=200, blank=True,
                                 help_text=_("只在某种情形下需要办理时填写"))

    class Meta:
        verbose_name = _("一件事所含事项")
        verbose_name_plural = _("一件事所含事项")
        ordering = ["bundle", "order"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_unique")]

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class ReceivingPoint(models.Model):
    """A center that may receive an item it does not decide (上报件 / 下放): a township center
    receiving a county department's item for 初审 and 上报, or a county center receiving an item
    delegated to a township. The case keeps one number (the deciding region's) throughout."""

    item = models.ForeignKey(ServiceItem, models.CASCADE, related_name="receiving_points", verbose_name=_("事项"))
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="receiving_points",
                               verbose_name=_("收件点"))
    # 上报办理制: 受理部门在规定时限内完成初审、上报 (seed 001).
    forward_workdays = models.PositiveSmallIntegerField(_("初审上报时限（工作日）"), default=2)

    class Meta:
        verbose_name = _("代收件点")
        verbose_name_plural = _("代收件点")
        ordering = ["item", "region__code"]
        constraints = [models.UniqueConstraint(fields=["item", "region"], name="receiving_point_unique")]

    def __str__(self) -> str:
        return f"{self.region} · {self.item}"


class LegalReview(models.Model):
    """法制办审核 of one drafted version: who drafted it, who reviewed it (a different person with
    ``catalog.legal_review``), when, the opinion, and the cancelled items the reviewer knowingly lets
    return (a cancelled item cannot come back under another name or kind without that)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("审核通过")
        REJECTED = "rejected", _("审核不通过")

    version = models.OneToOneField(ServiceItemVersion, models.CASCADE, related_name="legal_review",
                                   verbose_name=_("事项版本"))
    status = models.CharField(_("审核状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    drafter = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("拟稿人"))
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewer = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    opinion = models.TextField(_("审核意见"), blank=True)
    # The initial list (the demo, ``import_catalog --initial``) counts as reviewed when it was adopted.
    is_initial = models.BooleanField(_("初始清单"), default=False)
    acknowledged = models.ManyToManyField(ServiceItem, blank=True, related_name="+",
                                          verbose_name=_("已知悉的已取消事项"))
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.version} · {self.get_status_display()}"


class CatalogChange(models.Model):
    """One streamlining change of the list (事项精简): an item cancelled, merged into another, or
    delegated (下放) to a lower level — the catalog's own history the 精简报告 reads."""

    class Kind(models.TextChoices):
        CANCELLED = "cancelled", _("取消")
        MERGED = "merged", _("合并")
        DELEGATED = "delegated", _("下放")

    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="changes", verbose_name=_("事项"))
    kind = models.CharField(_("变更类型"), max_length=16, choices=Kind.choices)
    effective_on = models.DateField(_("生效日期"))
    basis = models.CharField(_("依据文件"), max_length=200)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    merged_into = models.ForeignKey(ServiceItem, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("并入事项"))
    delegated_to = models.ForeignKey("organization.Region", models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("下放至"))
    # What the item was when it changed: the report stays true after later versions.
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=32, choices=_choices(ITEM_TYPE_LABELS))
    legal_basis = models.TextField(_("设定依据"))
    recorded_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("事项精简记录")
        verbose_name_plural = _("事项精简记录")
        ordering = ["-effective_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["item"], name="catalog_change_once_per_item")]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_kind_display()}"
