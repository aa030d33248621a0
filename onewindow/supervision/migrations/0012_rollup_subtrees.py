"""The monthly roll-up's rows now count their region's whole subtree (a county's cases in the
county, its city and its province: a province's year reads its own rows only); the rows written
by 0011, one per own region, are computed again that way."""

from typing import Any

from django.db import migrations


def refill(apps: Any, schema_editor: Any) -> None:
    # The statement of ``supervision.rollup.rebuild`` as it stood at this migration.
    connection = schema_editor.connection

    def month(column: str) -> str:
        if connection.vendor == "postgresql":
            return f"date_trunc('month', {column})::date"
        return f"date({column}, 'start of month')"

    bucket = "on_time, early, is_instant, visits, workdays, compression"
    own = ", ".join(f"o.{c.strip()}" for c in bucket.split(","))
    prefix = ("CASE WHEN substr(a.code, 3) = '0000000000' THEN 2 WHEN substr(a.code, 5) = '00000000' THEN 4 "
              "WHEN substr(a.code, 7) = '000000' THEN 6 WHEN substr(a.code, 10) = '000' THEN 9 ELSE 12 END")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM supervision_factrollup")
        cursor.execute(f"""
            INSERT INTO supervision_factrollup (region_id, month, concluded, {bucket}, n)
            SELECT a.id, o.month, o.concluded, {own}, sum(o.n)
            FROM (
                SELECT region_id, {month('accepted_on')} AS month, false AS concluded, NULL AS on_time,
                       NULL AS early, false AS is_instant, 0 AS visits, NULL AS workdays, NULL AS compression,
                       count(*) AS n
                FROM supervision_casefact GROUP BY region_id, {month('accepted_on')}
                UNION ALL
                SELECT region_id, {month('concluded_on')}, true, {bucket}, count(*)
                FROM supervision_casefact WHERE concluded_on IS NOT NULL
                GROUP BY region_id, {month('concluded_on')}, {bucket}
            ) o
            JOIN organization_region r ON r.id = o.region_id
            CROSS JOIN (SELECT 2 AS k UNION ALL SELECT 4 UNION ALL SELECT 6 UNION ALL SELECT 9 UNION ALL SELECT 12) p
            JOIN organization_region a ON a.code = substr(r.code, 1, p.k) || substr('000000000000', 1, 12 - p.k)
            WHERE {prefix} = p.k
            GROUP BY a.id, o.month, o.concluded, {own}
        """)


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0011_fact_rollup'),
    ]

    operations = [
        migrations.RunPython(refill, migrations.RunPython.noop),
    ]
