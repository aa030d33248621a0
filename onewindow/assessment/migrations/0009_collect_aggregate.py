"""A collecting aggregate the parallel workers can share (PostgreSQL only).

The month's scoring reads the late cases and every window's sample from one scan of the month's
cases (``sources._concluded_scan``). ``array_agg`` has no combine function before PostgreSQL 16,
so a query using it runs on one process; ``onewindow_collect`` concatenates arrays and is marked
parallel-safe with ``array_cat`` as its combine function, so the scan runs on the parallel
workers like the plain aggregate it is measured against (bench/assessment.py).
"""

from django.db import migrations

CREATE = ("CREATE AGGREGATE onewindow_collect(anycompatiblearray) "
          "(SFUNC = array_cat, STYPE = anycompatiblearray, COMBINEFUNC = array_cat, PARALLEL = SAFE)")
DROP = "DROP AGGREGATE IF EXISTS onewindow_collect(anycompatiblearray)"


def _create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)
        schema_editor.execute(CREATE)


def _drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("assessment", "0008_monitors"),
    ]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]
