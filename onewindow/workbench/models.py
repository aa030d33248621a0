"""Tables of the staff web: the scans taken in at a window, and the log of full-ID views.

Both are append-only records about a case that the case's own event chain does not need: a scan
is evidence kept beside the checklist (the checklist itself is in the ``submitted`` event), and an
ID view is an audit line (DESIGN.md §6: every view of a full ID by staff is logged).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseScan(models.Model):
    """One scanned material of a case, stored under ``MEDIA_ROOT/uploads/<case number>/``.

    The file lies outside the web root and is served only by a view that checks the viewer may
    see the case; ``sha256`` lets that view refuse a file that was changed on disk.
    """

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="scans", verbose_name=_("办件"))
    material = models.CharField(_("材料名称"), max_length=200)
    file_path = models.CharField(_("文件"), max_length=255, help_text=_("相对于 MEDIA_ROOT"))
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("材料扫描件")
        verbose_name_plural = _("材料扫描件")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.material}"


class IdView(models.Model):
    """A staff member looked at a full identity number or phone of a case (DESIGN.md §6): who,
    when, which case, which value and why. Listed for supervisors (``/staff/id-views/``)."""

    class Field(models.TextChoices):
        APPLICANT = "applicant", _("申请人证件号码")
        AGENT = "agent", _("代理人证件号码")
        PHONE = "phone", _("申请人联系电话")

    class Reason(models.TextChoices):
        IDENTITY = "identity", _("核验申请人身份")
        CONTACT = "contact", _("联系申请人")
        DOCUMENT = "document", _("制作文书或证照")
        OTHER = "other", _("其他办理需要")

    staff = models.ForeignKey("organization.Staff", models.PROTECT, related_name="+", verbose_name=_("工作人员"))
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+", verbose_name=_("办件"))
    field = models.CharField(_("查看内容"), max_length=16, choices=Field.choices)
    # Rows from before reasons were asked for keep "" (shown as 未记录).
    reason = models.CharField(_("查看事由"), max_length=16, choices=Reason.choices, blank=True)
    viewed_at = models.DateTimeField(_("查看时间"), default=timezone.now, db_index=True)
    remote_addr = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("证件号码查看记录")
        verbose_name_plural = _("证件号码查看记录")
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["case", "viewed_at"])]

    def __str__(self) -> str:
        return f"{self.staff_id} → {self.case_id} {self.field}"
