"""The kernel's tables: deadlines as rows, and the abstract hash-chained event.

:class:`Deadline` is written by the owning app in the same transaction as the change that sets or
moves a deadline (:func:`onewindow.lifecycle.services.deadlines_write`), and scanned by the
supervision sweep by index ranges on ``yellow_from`` and ``due_on`` — it never needs to know what
kind of record a deadline belongs to. :class:`ChainedEvent` is the event of any record type's
history: one table per record type (its own foreign key, its own indexes), one chain mechanism.
"""

from __future__ import annotations

import pgtrigger
from django.db import models
from django.db.models import Q
from django.db.models.signals import class_prepared
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


# The trigger that makes a history table append-only in PostgreSQL: any UPDATE or DELETE of a row
# is refused by the database itself, whoever sends it. The only way round is
# :func:`onewindow.lifecycle.maintenance.history_maintenance` (pgtrigger.ignore, logged with who and
# why). pgtrigger installs triggers on PostgreSQL only: on SQLite the tables are not protected.
APPEND_ONLY = "append_only"


def append_only() -> pgtrigger.Protect:
    """A new append-only trigger (one instance per table)."""
    return pgtrigger.Protect(name=APPEND_ONLY, operation=pgtrigger.Update | pgtrigger.Delete)


class ChainedEvent(models.Model):
    """One thing that happened to a record. Never updated, never deleted — in PostgreSQL the
    table refuses both (the ``append_only`` trigger every subclass gets, see below).

    A concrete subclass adds the foreign key to its record and the unique (record, seq) constraint,
    and registers its record type (:func:`onewindow.lifecycle.registry.register_subject`), so
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
        # Inherited by a subclass that declares no Meta or subclasses this one; one that declares a
        # Meta of its own gets the trigger from :func:`_protect_every_event_table`.
        triggers = [append_only()]


def _protect_every_event_table(sender: type[models.Model], **kwargs: object) -> None:
    """Give every concrete ChainedEvent subclass — of any app, now or later — the append-only
    trigger, whatever its Meta says (a Meta of its own does not inherit the abstract one's)."""
    if not issubclass(sender, ChainedEvent) or sender._meta.abstract or sender._meta.proxy:
        return
    if not any(t.name == APPEND_ONLY for t in getattr(sender._meta, "triggers", [])):
        append_only().register(sender)


class_prepared.connect(_protect_every_event_table)


class Anchor(models.Model):
    """A signed checkpoint of one history table in one region (issue 13): up to its high-water
    mark (the table's highest event id when it was taken), how many events and records there were
    and an order-independent digest of their hashes. ``verify_history`` recomputes every anchor from
    the events, so a deleted record (a case and its events) or a rewritten chain breaks its count or
    its digest. Append-only, each anchor HMAC-signed with the chain key and chained to the one
    before, and also written as a JSON line to a file outside the database
    (:mod:`onewindow.lifecycle.anchors`).
    """

    table = models.CharField(_("事件表"), max_length=64)
    region = models.ForeignKey("organization.Region", models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("区划"))
    taken_at = models.DateTimeField(_("锚定时间"))
    reason = models.CharField(_("锚定原因"), max_length=32)
    high_water = models.BigIntegerField(_("覆盖至事件编号"))
    events = models.PositiveIntegerField(_("事件数"))
    records = models.PositiveIntegerField(_("记录数"))
    digest = models.CharField(_("摘要"), max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    key_id = models.CharField(_("签名密钥"), max_length=16)

    class Meta:
        verbose_name = _("历史锚点")
        verbose_name_plural = _("历史锚点")
        constraints = [models.UniqueConstraint(fields=["prev_hash"], name="lifecycle_anchor_one_successor")]
        indexes = [models.Index(fields=["table", "region", "high_water"], name="lifecycle_anchor_table")]
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"#{self.pk} {self.table} {self.region_id} ≤{self.high_water}"


class HistoryMaintenance(models.Model):
    """One pass through the only door round the append-only triggers
    (:func:`onewindow.lifecycle.maintenance.history_maintenance`): who, why, when, on which tables
    and what was run. Written before the door opens; append-only itself."""

    who = models.CharField(_("操作人"), max_length=150)
    reason = models.TextField(_("原因"))
    started_at = models.DateTimeField(_("开始时间"))
    tables = models.JSONField(_("涉及的表"), default=list)
    statements = models.TextField(_("执行的语句"), blank=True)

    class Meta:
        verbose_name = _("历史表维护记录")
        verbose_name_plural = _("历史表维护记录")
        triggers = [append_only()]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.who}: {self.reason[:40]}"
