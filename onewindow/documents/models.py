"""Numbered documents (notices, decisions, certificates) and signed certificates.

A ``Document`` is frozen at issue time: its ``content`` holds everything the PDF shows, and the
PDF is a pure function of it (``render.py``), so it can be reproduced and checked. Once its PDF
is stored it is never rewritten. A ``Certificate`` adds a signature over its own payload with the
issuing center's Ed25519 key (``signing.py``), so anyone can check one that is shown to them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentNumberSequence(models.Model):
    """The last sequence number issued per scope (issuer + kind, or certificate region) and year."""

    scope = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "year"], name="document_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.last}"


class Document(models.Model):
    class Kind(models.TextChoices):
        INTAKE_RECEIPT = "intake_receipt", _("收件回执")
        ACCEPTANCE_NOTICE = "acceptance_notice", _("受理通知书")
        SUPPLEMENT_NOTICE = "supplement_notice", _("补正告知书")
        REFUSAL_NOTICE = "refusal_notice", _("不予受理告知书")
        SPECIAL_PROCEDURE_NOTICE = "special_procedure_notice", _("特别程序告知书")
        EXTENSION_NOTICE = "extension_notice", _("延期告知书")
        DECISION_NOTICE = "decision_notice", _("准予/不予行政许可决定书")
        REVOCATION_NOTICE = "revocation_notice", _("撤销决定书")
        OBJECTION_REPLY = "objection_reply", _("异议答复书")
        REVIEW_MEETING_NOTICE = "review_meeting_notice", _("联审意见告知书")
        CERTIFICATE_REVOCATION_NOTICE = "certificate_revocation_notice", _("证照撤销告知书")
        CERTIFICATE = "certificate", _("证照")

    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="documents", verbose_name=_("办件"))
    kind = models.CharField(_("文书种类"), max_length=32, choices=Kind.choices)
    number = models.CharField(_("文书编号"), max_length=64, unique=True)
    event_seq = models.PositiveIntegerField(_("对应事件序号"))
    content = models.JSONField(_("文书内容"))
    content_sha256 = models.CharField(_("内容哈希"), max_length=64)
    pdf_path = models.CharField(_("PDF 文件"), max_length=255, blank=True,
                                help_text=_("相对于 MEDIA_ROOT；生成前为空"))
    pdf_sha256 = models.CharField(_("PDF 哈希"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("出具时间"))
    rendered_at = models.DateTimeField(_("生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case", "event_seq", "id"]
        constraints = [
            # One document of a kind per event: issuing again for the same event returns it.
            models.UniqueConstraint(fields=["case", "event_seq", "kind"], name="document_once_per_event"),
        ]
        indexes = [models.Index(fields=["rendered_at", "id"], name="document_render_queue")]

    def __str__(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        """The document's own title (准予行政许可决定书, 予以确认决定书 …), not its kind's generic name."""
        return str((self.content or {}).get("title") or self.get_kind_display())


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已撤销")

    number = models.CharField(_("证照编号"), max_length=32, unique=True)
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="certificates", verbose_name=_("办件"))
    document = models.OneToOneField(Document, models.PROTECT, related_name="certificate", verbose_name=_("文书"))
    content = models.JSONField(_("签名内容"))
    key_id = models.CharField(_("签名密钥"), max_length=16)
    signature = models.CharField(_("签名"), max_length=128, help_text=_("Ed25519，Base64"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证照")
        verbose_name_plural = _("证照")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.number
