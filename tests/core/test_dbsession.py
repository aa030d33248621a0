"""Each PostgreSQL connection keeps as many prepared statements as the settings say."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from onewindow.core.dbsession import on_connection_created

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's prepared statements: PostgreSQL only")
def test_a_connection_keeps_the_configured_number_of_prepared_statements():
    connection.ensure_connection()
    assert connection.settings_dict["OPTIONS"].get("server_side_binding") is True
    assert connection.connection.prepared_max == settings.DB_PREPARED_MAX > 100
    with override_settings(DB_PREPARED_MAX=321):
        on_connection_created(sender=type(connection), connection=connection)
        assert connection.connection.prepared_max == 321
    on_connection_created(sender=type(connection), connection=connection)
    assert connection.connection.prepared_max == settings.DB_PREPARED_MAX


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_a_connection_runs_without_jit_unless_the_settings_want_it():
    def jit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            return cursor.fetchone()[0]

    connection.ensure_connection()
    assert jit() == "off"
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    with override_settings(DB_JIT=True):
        on_connection_created(sender=type(connection), connection=connection)
        assert jit() == "on"  # left as the server has it
    on_connection_created(sender=type(connection), connection=connection)
    assert jit() == "off"


def test_other_connections_are_left_alone():
    class Other:
        vendor = "sqlite"
        settings_dict: dict = {"OPTIONS": {}}
        connection = object()

    on_connection_created(sender=None, connection=Other())  # nothing to set, nothing raised
