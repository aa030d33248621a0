"""The table of the database cache (settings.CACHES without REDIS_URL), made like ``createcachetable``
would, so that ``migrate`` alone prepares a database: tests, benchmarks and a fresh install alike."""

from django.db import migrations

TABLE = "onewindow_cache"


def create(apps, schema_editor):
    from django.core.management.commands.createcachetable import Command

    command = Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(create, drop, elidable=False)]
