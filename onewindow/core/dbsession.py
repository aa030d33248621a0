"""What every new database connection is given beyond Django's own settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """psycopg keeps at most ``prepared_max`` prepared statements per connection (least recently
    used first out); a hall's pages and transitions run more distinct statements than its
    default, so the connection keeps ``settings.DB_PREPARED_MAX``."""
    if connection.vendor == "postgresql" and connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        connection.connection.prepared_max = settings.DB_PREPARED_MAX
