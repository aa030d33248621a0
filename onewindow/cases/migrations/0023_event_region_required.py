"""The event's region, filled by 0022, is required from now on and indexed with the event time."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_event_region")]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="region",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="organization.region", verbose_name="区划"),
        ),
        migrations.AddIndex(
            model_name="caseevent",
            index=models.Index(fields=["region", "at"], name="cases_event_region_at"),
        ),
    ]
