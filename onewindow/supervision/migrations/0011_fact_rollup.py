"""The monthly roll-up of the statistics rows (issue 14, bench/scale.py: a province-year's
indicators read it instead of every row of the year), filled from the rows already there."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def fill(apps: Any, schema_editor: Any) -> None:
    # The same statement as ``supervision.rollup.rebuild`` (kept here as it stood at this migration).
    connection = schema_editor.connection

    def month(column: str) -> str:
        if connection.vendor == "postgresql":
            return f"date_trunc('month', {column})::date"
        return f"date({column}, 'start of month')"

    bucket = "on_time, early, is_instant, visits, workdays, compression"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO supervision_factrollup (region_id, month, concluded, {bucket}, n)
            SELECT region_id, {month('accepted_on')}, false, NULL, NULL, false, 0, NULL, NULL, count(*)
            FROM supervision_casefact GROUP BY region_id, {month('accepted_on')}
            UNION ALL
            SELECT region_id, {month('concluded_on')}, true, {bucket}, count(*)
            FROM supervision_casefact WHERE concluded_on IS NOT NULL
            GROUP BY region_id, {month('concluded_on')}, {bucket}
        """)


class Migration(migrations.Migration):

    dependencies = [
        ('organization', '0004_staff_photo_public_storage'),
        ('supervision', '0010_queue_wait_exceeded_rule'),
    ]

    operations = [
        migrations.CreateModel(
            name='FactRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(verbose_name='月份')),
                ('concluded', models.BooleanField(verbose_name='办结计数')),
                ('on_time', models.BooleanField(blank=True, null=True, verbose_name='按时办结')),
                ('early', models.BooleanField(blank=True, null=True, verbose_name='提前办结')),
                ('is_instant', models.BooleanField(default=False, verbose_name='即办件')),
                ('visits', models.PositiveSmallIntegerField(default=0, verbose_name='到现场次数')),
                ('workdays', models.PositiveIntegerField(blank=True, null=True, verbose_name='办理用时（工作日）')),
                ('compression', models.FloatField(blank=True, null=True, verbose_name='承诺时限压缩率')),
                ('n', models.PositiveIntegerField(verbose_name='件数')),
                ('region', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organization.region', verbose_name='区划')),
            ],
            options={
                'verbose_name': '办件统计汇总',
                'verbose_name_plural': '办件统计汇总',
                'indexes': [models.Index(fields=['region', 'month'], name='supervision_rollup_region_m')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
