"""Applicants' own accounts and what they do online (网上办事): one-time codes, drafts, uploads.

An applicant logs in with a one-time code sent to the phone number (no password). Their real
name and ID live on :class:`ApplicantProfile`; the case copies them at submission, as a window
clerk would copy them from the ID card. Uploaded files live under ``MEDIA_ROOT/online/`` (outside
the web root) and are served only through a view that checks who asks.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from onewindow.core.personal_fields import BlindIndexField, EncryptedCharField, EncryptedJSONField


class ApplicantProfile(models.Model):
    """The applicant behind a login: a person, or a person acting for a company (代理人)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("自然人")
        COMPANY_AGENT = "company_agent", _("企业经办人")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="applicant_profile",
                                verbose_name=_("登录账户"))
    phone = EncryptedCharField(_("手机号"), max_length=11)
    phone_bidx = BlindIndexField(source="phone", kind="phone", unique=True)
    phone_verified_at = models.DateTimeField(_("手机号验证时间"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.PERSON)
    real_name = models.CharField(_("姓名"), max_length=64)
    id_type = models.CharField(_("证件类型"), max_length=32)
    id_number = EncryptedCharField(_("证件号码"), max_length=32)
    id_number_bidx = BlindIndexField(source="id_number", kind="id_number", db_index=True)
    # 代理企业办事: the company the agent acts for (Administrative Licensing Law Art. 29).
    company_name = models.CharField(_("企业名称"), max_length=100, blank=True)
    company_credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("注册时间"))
    # The applicant's own "yes" to cases of theirs from elsewhere (a legacy system, an upper-level
    # platform) being imported into this account; None: no import may name the account.
    import_consent_at = models.DateTimeField(_("同意导入历史办件时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申请人账户")
        verbose_name_plural = _("申请人账户")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person") | (~Q(company_name="") & ~Q(company_credit_code="")),
                name="applicant_agent_names_company"),
        ]

    def __str__(self) -> str:
        return self.real_name


class OtpThrottle(models.Model):
    """One row per phone number, locked while a code is issued, so two simultaneous requests
    cannot both slip under the once-a-minute rule (a row to lock exists even before the first code)."""

    phone = EncryptedCharField(_("手机号"), max_length=11)
    phone_bidx = BlindIndexField(source="phone", kind="phone", unique=True)
    last_requested_at = models.DateTimeField(_("最近获取时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("验证码发送记录")
        verbose_name_plural = _("验证码发送记录")

    def __str__(self) -> str:
        return self.phone


class OneTimeCode(models.Model):
    """A six-digit code sent by SMS. Only a keyed hash is stored: a copy of the database hands out
    no working code. Dead once used, expired (5 minutes) or tried wrongly 5 times."""

    class Purpose(models.TextChoices):
        REGISTER = "register", _("注册")
        LOGIN = "login", _("登录")

    phone = EncryptedCharField(_("手机号"), max_length=11)
    phone_bidx = BlindIndexField(source="phone", kind="phone")
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("验证码")
        verbose_name_plural = _("验证码")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["phone_bidx", "purpose", "-created_at"], name="otp_phone_latest"),
                   models.Index(fields=["phone_bidx", "-created_at"], name="otp_phone_day")]

    def __str__(self) -> str:
        return f"{self.phone} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class Draft(models.Model):
    """An application being filled in online: the form's data and the uploads so far.

    ``token`` is rendered into the form, so a repeated submit (a double click, a reload) finds the
    draft it already turned into ``case`` and returns that case instead of filing a second one.
    """

    account = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="online_drafts",
                                verbose_name=_("申请人账户"))
    item = models.ForeignKey("catalog.ServiceItem", models.PROTECT, related_name="+", verbose_name=_("事项"))
    token = models.UUIDField(_("表单标识"), default=uuid.uuid4, unique=True, editable=False)
    # The form as filled in (address, contact phone …): personal data, encrypted at rest.
    data = EncryptedJSONField(_("填报内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("保存时间"))
    case = models.OneToOneField("cases.Case", models.PROTECT, null=True, blank=True, related_name="online_draft",
                                verbose_name=_("提交后的办件"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("网上申请草稿")
        verbose_name_plural = _("网上申请草稿")
        ordering = ["-updated_at"]
        constraints = [
            # One open draft per applicant and item: "save" always continues the same one.
            models.UniqueConstraint(fields=["account", "item"], condition=Q(case__isnull=True),
                                    name="online_one_open_draft_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} · {self.item_id}"


class OnlineUpload(models.Model):
    """One file an applicant uploaded for one material, first to a draft, then part of the case."""

    class Purpose(models.TextChoices):
        APPLICATION = "application", _("申请材料")
        SUPPLEMENT = "supplement", _("补正材料")

    account = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="online_uploads",
                                verbose_name=_("申请人账户"))
    # Set while the file belongs to an open draft; cleared when the draft becomes a case (the
    # upload then belongs to the case, and discarding a draft can never take a case's file along).
    draft = models.ForeignKey(Draft, models.CASCADE, null=True, blank=True, related_name="uploads",
                              verbose_name=_("草稿"))
    case = models.ForeignKey("cases.Case", models.PROTECT, null=True, blank=True, related_name="online_uploads",
                             verbose_name=_("办件"))
    purpose = models.CharField(_("用途"), max_length=16, choices=Purpose.choices, default=Purpose.APPLICATION)
    material = models.CharField(_("材料名称"), max_length=200)
    path = models.CharField(_("文件"), max_length=255, help_text=_("相对于 MEDIA_ROOT"))
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_type = models.CharField(_("文件类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("网上上传材料")
        verbose_name_plural = _("网上上传材料")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(draft__isnull=False) | Q(case__isnull=False),
                                   name="online_upload_belongs_somewhere"),
        ]

    def __str__(self) -> str:
        return f"{self.material} ({self.path})"
