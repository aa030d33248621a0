"""Warnings name their record and deadline row (the lifecycle kernel); the supervision order's
history becomes a hash chain like every record's, existing entries chained in order."""

from datetime import UTC

import django.db.models.deletion
from django.db import migrations, models

import onewindow.lifecycle.chain as chain


def _chain_existing(apps, schema_editor):
    Event = apps.get_model("supervision", "SupervisionOrderEvent")
    Order = apps.get_model("supervision", "SupervisionOrder")
    Staff = apps.get_model("organization", "Staff")
    for order in Order.objects.order_by("id").iterator():
        prev = chain.GENESIS
        for seq, event in enumerate(Event.objects.filter(order_id=order.id).order_by("at", "id"), start=1):
            actor_label = ""
            if event.actor_id is not None:
                actor_label = Staff.objects.filter(pk=event.actor_id).values_list("name", flat=True).first() or ""
            content = {"subject": order.number, "seq": seq, "kind": event.kind,
                       "at": event.at.astimezone(UTC).isoformat(), "actor": event.actor_id,
                       "actor_label": actor_label, "note": event.note, "payload": event.payload}
            digest = chain.event_hash(prev, content)
            Event.objects.filter(pk=event.pk).update(seq=seq, actor_label=actor_label, prev_hash=prev, hash=digest)
            prev = digest


class Migration(migrations.Migration):

    dependencies = [
        ("lifecycle", "0001_deadlines"),
        ("organization", "0001_initial"),
        ("supervision", "0002_settings_updated_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="warning", name="subject_type",
            field=models.CharField(blank=True, default="", max_length=32, verbose_name="对象类型"),
        ),
        migrations.AddField(
            model_name="warning", name="subject_id",
            field=models.BigIntegerField(blank=True, null=True, verbose_name="对象编号"),
        ),
        migrations.AddField(
            model_name="warning", name="deadline",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="lifecycle.deadline", verbose_name="期限"),
        ),
        migrations.AddIndex(
            model_name="warning",
            index=models.Index(fields=["deadline", "state"], name="supervision_warning_deadline"),
        ),
        migrations.AddIndex(
            model_name="warning",
            index=models.Index(fields=["subject_type", "subject_id", "state"], name="supervision_warning_subject"),
        ),
        migrations.AddField(
            model_name="sweepcursor", name="last_deadline_change",
            field=models.DateTimeField(blank=True, null=True, verbose_name="已读期限变更"),
        ),
        migrations.AddField(
            model_name="supervisionorderevent", name="seq",
            field=models.PositiveIntegerField(default=0, verbose_name="序号"), preserve_default=False,
        ),
        migrations.AddField(
            model_name="supervisionorderevent", name="actor_label",
            field=models.CharField(blank=True, max_length=64, verbose_name="操作人姓名"),
        ),
        migrations.AddField(
            model_name="supervisionorderevent", name="prev_hash",
            field=models.CharField(default="", max_length=64), preserve_default=False,
        ),
        migrations.AddField(
            model_name="supervisionorderevent", name="hash",
            field=models.CharField(default="", max_length=64), preserve_default=False,
        ),
        migrations.RunPython(_chain_existing, migrations.RunPython.noop),
    ]
