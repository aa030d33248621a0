"""Regions, departments, windows, staff, their postings and authorizations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.filecrypt import public_storage

from .rules import LEVEL_LABELS, POWER_LABELS, ROLE_LABELS, Power, RegionLevel, Role, region_prefix


class Region(models.Model):
    """One node of the division tree (区划), identified by its 12-digit code."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(
        _("层级"), choices=[(level.value, LEVEL_LABELS[level]) for level in RegionLevel]
    )
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级区划"))
    has_center = models.BooleanField(_("设有政务服务中心"), default=False)
    is_demo = models.BooleanField(_("演示数据"), default=False)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return region_prefix(self.code)

    def ancestors(self) -> list[Region]:
        """From the root down to the parent."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Department(models.Model):
    """A unit stationed in a center (进驻单位)."""

    region = models.ForeignKey(Region, models.PROTECT, related_name="departments", verbose_name=_("区划"))
    code = models.CharField(_("部门编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_stationed = models.BooleanField(_("进驻中心"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "code"], name="department_code_unique_in_region")]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A service window of a center's hall."""

    class Kind(models.TextChoices):
        DEDICATED = "dedicated", _("专门窗口")
        GENERAL = "general", _("综合窗口")
        PERIODIC = "periodic", _("定期窗口")

    region = models.ForeignKey(Region, models.PROTECT, related_name="windows", verbose_name=_("区划"))
    number = models.CharField(_("窗口号"), max_length=16)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.DEDICATED)
    departments = models.ManyToManyField(Department, related_name="windows", blank=True, verbose_name=_("部门"))
    schedule = models.CharField(_("开放时间"), max_length=128, blank=True,
                                help_text=_("定期窗口的开放安排，例如：每周二、四上午"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["region__code", "number"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="window_number_unique_in_region")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Staff(models.Model):
    """A staff member of a center. Their duties are their postings."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff",
                                verbose_name=_("登录账户"))
    name = models.CharField(_("姓名"), max_length=64)
    employee_number = models.CharField(_("工号"), max_length=32, unique=True)
    region = models.ForeignKey(Region, models.PROTECT, related_name="staff", verbose_name=_("所属区划"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="staff",
                                   verbose_name=_("所属部门"))
    is_present = models.BooleanField(_("在岗"), default=True,
                                     help_text=_("不在岗时，AB岗的B岗人员代为处理其工作"))
    # The photo of the hall's staff identity board (岗位效能监督公示栏): public by design.
    # Stored in plaintext on purpose (core.filecrypt.public_storage): the board is public.
    photo = models.FileField(_("照片"), upload_to="staff/", blank=True, storage=public_storage,
                             help_text=_("窗口公示栏照片：JPEG 或 PNG"))
    photo_type = models.CharField(_("照片类型"), max_length=32, blank=True, editable=False)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["employee_number"]

    def __str__(self) -> str:
        return self.name


class Posting(models.Model):
    """A staff member holds a role in a region, optionally for one department or at one window."""

    staff = models.ForeignKey(Staff, models.CASCADE, related_name="postings", verbose_name=_("工作人员"))
    role = models.CharField(_("角色"), max_length=32, choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    region = models.ForeignKey(Region, models.PROTECT, related_name="postings", verbose_name=_("区划"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="postings",
                                   verbose_name=_("部门"), help_text=_("留空表示该区划的全部部门"))
    window = models.ForeignKey(Window, models.PROTECT, null=True, blank=True, related_name="postings",
                               verbose_name=_("窗口"))

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        indexes = [models.Index(fields=["staff", "role"])]

    def __str__(self) -> str:
        return f"{self.staff} · {ROLE_LABELS[Role(self.role)]} · {self.region}"


class BackupPost(models.Model):
    """AB岗: the backup (B) acts for the primary (A) while A is absent."""

    primary = models.ForeignKey(Staff, models.CASCADE, related_name="backups", verbose_name=_("A岗"))
    backup = models.ForeignKey(Staff, models.CASCADE, related_name="backing", verbose_name=_("B岗"))

    class Meta:
        verbose_name = _("AB岗")
        verbose_name_plural = _("AB岗")
        constraints = [
            models.UniqueConstraint(fields=["primary", "backup"], name="backup_post_unique"),
            models.CheckConstraint(condition=~Q(primary=models.F("backup")), name="backup_post_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.primary} ← {self.backup}"


class Authorization(models.Model):
    """授权: a staff member may accept, or decide, a department's items (one item, or all when empty)."""

    staff = models.ForeignKey(Staff, models.CASCADE, related_name="authorizations", verbose_name=_("被授权人"))
    power = models.CharField(_("权限"), max_length=16, choices=[(p.value, POWER_LABELS[p]) for p in Power])
    department = models.ForeignKey(Department, models.CASCADE, related_name="authorizations",
                                   verbose_name=_("部门"))
    item = models.ForeignKey("catalog.ServiceItem", models.CASCADE, null=True, blank=True,
                             related_name="authorizations", verbose_name=_("事项"),
                             help_text=_("留空表示该部门的全部事项"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("失效日期"), null=True, blank=True)
    document_number = models.CharField(_("授权书编号"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        indexes = [models.Index(fields=["staff", "power"])]

    def __str__(self) -> str:
        scope = self.item or self.department
        return f"{self.staff} · {POWER_LABELS[Power(self.power)]} · {scope}"
