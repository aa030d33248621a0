"""The outbox: every notification to an applicant or a staff member is first a row here.

A row is written in the caller's transaction, so a notification exists exactly when the action
that caused it committed. Delivery happens afterwards, outside that transaction, by a sender
(:mod:`.senders`); a failed attempt is retried with backoff until the row is sent or given up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.personal_fields import BlindIndexField, EncryptedCharField


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")  # gave up after the last attempt; staff may requeue it


class OutboxMessage(models.Model):
    """One message to one recipient over one channel, and the story of its delivery.

    ``next_attempt_at`` is when a worker should next look at the row: the time of the next try
    while it is pending, and the end of the worker's lease while it is sending (a worker that
    crashed mid-send lets the lease run out, and the row is claimed again). It is cleared once
    the row is sent or failed, so the due scan reads only live rows.
    """

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="outbox_messages",
                               verbose_name=_("区划"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    # Encrypted (core/personal_fields.py); the outbox search matches the blind index.
    recipient = EncryptedCharField(_("接收人"), max_length=254, help_text=_("手机号码或电子邮箱"))
    recipient_bidx = BlindIndexField(source="recipient", kind="phone", db_index=True)
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"))
    topic = models.CharField(_("关联事项"), max_length=100, blank=True, help_text=_("例如办件编号"))
    kind = models.CharField(_("类型"), max_length=64, help_text=_("例如 case.accepted、auth.otp"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sender = models.CharField(_("发送通道"), max_length=200, blank=True,
                              help_text=_("实际送达的发送程序（点分路径）"))
    provider_message_id = models.CharField(_("服务商消息编号"), max_length=200, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True, unique=True)
    # The body holds a one-time code replaced by asterisks: the code itself never reaches the
    # database, and only the attempt made right after the commit (which has it in memory) can
    # deliver the message. See services.notify(secret=…).
    secret_withheld = models.BooleanField(_("验证码未保存"), default=False,
                                          help_text=_("内容中的一次性验证码已隐去，只在申请时发送一次"))

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知发件箱")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The outbox page: one region's newest messages first.
            models.Index(fields=["region", "-created_at"], name="outbox_region_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"

    @property
    def delivery_key(self) -> str:
        """The message's identity at the provider, the same on every attempt.

        A worker killed after the provider took the message but before the row says so leaves the
        row to be claimed again: delivery is at least once. A sender passes this key as the
        provider's client message id (SMS gateways call it 外部流水号 / ``out_id``), and the
        provider's deduplication makes it exactly once.
        """
        return f"{settings.ONEWINDOW.get('OUTBOX_KEY_PREFIX') or 'onewindow'}-{self.region_id}-{self.pk}"
