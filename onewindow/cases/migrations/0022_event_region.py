"""Events carry their case's region (issue 14, bench/scale.py): a county's ledger of a day becomes
one range of the ``(region, at)`` index instead of the province's events of that day, each probed
for its case.

The column is added empty and filled from the case (a case never changes region); the next
migration requires it and indexes it (in a transaction of its own: PostgreSQL does not alter a
table whose rows this one changed, their foreign-key checks pending until the commit).
Filling it updates every event row, which the append-only triggers refuse: as every rewrite of
history it goes through ``history_maintenance`` (recorded, the triggers lifted for this
transaction only), and only when there are events. The hash does not cover the column
(``cases.history.event_content``): every chain verifies as before, and nothing is re-signed.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

WHO = "数据迁移 cases.0022_event_region"
REASON = "性能：办件事件记录所属区划（取自办件，不参与哈希），供按区划、日期查询台帐；历史链不变"


def forwards(apps: Any, schema_editor: Any) -> None:
    from onewindow.lifecycle.maintenance import history_maintenance

    case_model = apps.get_model("cases", "Case")
    event_model = apps.get_model("cases", "CaseEvent")
    pending = event_model.objects.filter(region__isnull=True)
    if not pending.exists():
        return  # a new database: history is not touched
    statement = "UPDATE cases_caseevent SET region_id = (SELECT region_id FROM cases_case WHERE id = case_id)"
    with history_maintenance(who=WHO, reason=REASON, statements=[statement]):
        # One statement, server-side: the region of each event's case.
        pending.update(region=Subquery(case_model.objects.filter(pk=OuterRef("case_id")).values("region_id")[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0021_case_handler_review_meetings"),
        ("lifecycle", "0003_anchors_and_maintenance"),
        ("organization", "0004_staff_photo_public_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="region",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="organization.region", verbose_name="区划"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
