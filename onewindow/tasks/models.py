"""The scheduler's table: one row per periodic job, claimed with a lease."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """When a job runs next and who holds it now.

    A runner claims a due row with ``SELECT … FOR UPDATE SKIP LOCKED`` and sets a lease; a second
    runner skips it, and a crashed runner's lease simply expires — or, when the runner that holds
    it was a process on this same host that is gone (killed, crashed), the next runner there takes
    it over at once instead of waiting out the lease. Jobs are idempotent anyway.
    """

    name = models.CharField(_("任务"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("下次运行"), db_index=True)
    lease_until = models.DateTimeField(_("占用至"), null=True, blank=True)
    lease_holder = models.CharField(_("占用进程"), max_length=200, blank=True, help_text=_("主机名:进程号"))
    last_started_at = models.DateTimeField(_("上次开始"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("上次结束"), null=True, blank=True)
    last_error = models.TextField(_("上次错误"), blank=True)
    runs = models.PositiveIntegerField(_("运行次数"), default=0)

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
