"""Login accounts. A staff member's duties live in ``organization.Staff``; applicants' in the portal."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.personal_fields import EncryptedCharField


class User(AbstractUser):
    """One login. ``full_name`` replaces Django's split first/last name, which Chinese names don't fit."""

    full_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = EncryptedCharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """A bearer token for the REST API (``Authorization: Bearer …``), issued to one staff login.

    Only the SHA-256 digest of the token is stored: a copy of the database does not hand out
    working tokens. The token has enough entropy (256 bits) that an unsalted fast hash is safe;
    a slow password hash would cost every API request tens of milliseconds for nothing.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens",
                             verbose_name=_("登录账户"))
    name = models.CharField(_("用途"), max_length=64, blank=True, help_text=_("例如：叫号系统、数据交换"))
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False,
                                  help_text=_("令牌的 SHA-256 摘要；令牌本身只在签发时显示一次"))
    prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False,
                              help_text=_("用于辨认令牌，不足以使用令牌"))
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True, help_text=_("留空表示不过期"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"
