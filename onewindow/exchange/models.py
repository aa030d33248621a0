"""The exchange with the upper-level platform (省级政务服务平台): one row per fact sent up.

Each case's acceptance, process steps, special procedures, result and satisfaction become
records with the fields of the national exchange tables (LEGAL-RULES §4 "Case exchange
records"), collected from the case events after they committed and pushed through an outbox
(:mod:`onewindow.core.delivery`): retried with backoff, given up after the last attempt, requeued
by a center administrator. The payload names the applicant and their ID number, so it is stored
encrypted like every other personal value.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from onewindow.core.personal_fields import EncryptedJSONField


class Kind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理信息")
    STEP = "step", _("过程信息")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序")
    RESULT = "result", _("办结信息")
    SATISFACTION = "satisfaction", _("满意度评价")


class Status(models.TextChoices):
    PENDING = "pending", _("待推送")
    SENDING = "sending", _("推送中")
    SENT = "sent", _("已推送")
    FAILED = "failed", _("推送失败")


class ExchangeCursor(models.Model):
    """How far the collector has read one source (case events, ratings), by id."""

    source = models.CharField(_("来源"), max_length=32, unique=True)
    last_id = models.BigIntegerField(_("已读至"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("交换读取位置")
        verbose_name_plural = _("交换读取位置")

    def __str__(self) -> str:
        return f"{self.source} → {self.last_id}"


class ExchangeRecord(models.Model):
    """One fact of one case for the upper-level platform, and the story of its delivery.

    ``source_key`` names the fact (``event:<case id>:<seq>``, ``rating:<id>``): collecting it
    twice finds the row already there, and the platform receives it as ``record_id`` on every
    attempt, so a record pushed again after a worker died is recognised there too.
    """

    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    case = models.ForeignKey("cases.Case", models.PROTECT, related_name="+", verbose_name=_("办件"))
    kind = models.CharField(_("记录类型"), max_length=20, choices=Kind.choices)
    source_key = models.CharField(_("来源标识"), max_length=64, unique=True)
    payload = EncryptedJSONField(_("交换内容"))
    occurred_at = models.DateTimeField(_("发生时间"))
    created_at = models.DateTimeField(_("生成时间"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("推送时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    remote_id = models.CharField(_("平台回执编号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("交换记录")
        verbose_name_plural = _("交换记录")
        indexes = [models.Index(fields=["region", "created_at"], name="exchange_region_created"),
                   models.Index(fields=["case", "occurred_at"], name="exchange_case_occurred")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.source_key}"
