"""The kernel's tables: deadlines as rows, and the abstract hash-chained event.

:class:`Deadline` is written by the owning app in the same transaction as the change that sets or
moves a deadline (:func:`onewindow.lifecycle.services.deadlines_write`), and scanned by the
supervision sweep by index ranges on ``yellow_from`` and ``due_on`` — it never needs to know what
kind of record a deadline belongs to. :class:`ChainedEvent` is the event of any record type's
history: one table per record type (its own foreign key, its own indexes), one chain mechanism.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .deadlines import KIND_LABELS, Kind, State


class Deadline(models.Model):
    """One deadline of one record: the case's promised date, a stage's budget, an order's reply date …"""

    subject_type = models.CharField(_("对象类型"), max_length=32)
    subject_id = models.BigIntegerField(_("对象"))
    kind = models.CharField(_("期限种类"), max_length=16, choices=[(k.value, KIND_LABELS[k]) for k in Kind])
    # Tells apart several deadlines of one kind on one record (a case's review stages: the stage order).
    key = models.CharField(_("区分键"), max_length=32, blank=True, default="")
    region = models.ForeignKey("organization.Region", models.PROTECT, related_name="+", verbose_name=_("区划"))
    department = models.ForeignKey("organization.Department", models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("责任部门"))
    responsible = models.ForeignKey("organization.Staff", models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("责任人"))
    due_on = models.DateField(_("期限日"), null=True, blank=True)
    statutory = models.BooleanField(_("法定期限"), default=False)
    yellow_from = models.DateField(_("黄牌预警起始日"), null=True, blank=True)
    title = models.CharField(_("期限名称"), max_length=100, blank=True,
                             help_text=_("同一对象有多个同种期限时的名称，如“初审”环节"))
    lapses_after = models.DateField(_("监察截止日"), null=True, blank=True)
    provisional = models.BooleanField(_("暂定"), default=False)
    state = models.CharField(_("状态"), max_length=8, default=State.OPEN,
                             choices=[(State.OPEN.value, _("计时中")), (State.PAUSED.value, _("暂停")),
                                      (State.CLOSED.value, _("已结束"))])
    closed_reason = models.CharField(_("结束原因"), max_length=100, blank=True)
    explanation = models.TextField(_("期限说明"), blank=True)
    changed_at = models.DateTimeField(_("变更时间"))

    class Meta:
        verbose_name = _("期限")
        verbose_name_plural = _("期限")
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id", "kind", "key"],
                                               name="lifecycle_deadline_once")]
        indexes = [
            # The sweep's range scans: only running deadlines are in these indexes' ranges of interest.
            models.Index(fields=["yellow_from"], name="lifecycle_deadline_yellow", condition=Q(state="open")),
            models.Index(fields=["due_on"], name="lifecycle_deadline_due", condition=Q(state="open")),
            # The safety net's join from live warnings to deadlines that ended.
            models.Index(fields=["id"], name="lifecycle_deadline_ended", condition=~Q(state="open")),
            models.Index(fields=["changed_at"], name="lifecycle_deadline_changed"),
            models.Index(fields=["subject_type", "subject_id"], name="lifecycle_deadline_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.kind}{':' + self.key if self.key else ''} {self.due_on}"


class ChainedEvent(models.Model):
    """One thing that happened to a record. Never updated, never deleted.

    A concrete subclass adds the foreign key to its record and the unique (record, seq) constraint,
    and registers its chain (:func:`onewindow.lifecycle.registry.register_chain`), so
    ``verify_history`` covers it.
    """

    seq = models.PositiveIntegerField(_("序号"))
    kind = models.CharField(_("事件"), max_length=48)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey("organization.Staff", models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人姓名"), max_length=64, blank=True)
    note = models.TextField(_("说明"), blank=True)
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # The id of the chain key the hash was signed with (:mod:`onewindow.lifecycle.keys`): keys rotate.
    key_id = models.CharField(_("签名密钥"), max_length=16, blank=True, default="")

    class Meta:
        abstract = True
