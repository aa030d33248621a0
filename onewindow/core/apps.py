from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Imported for what they register: the key checks and the ``__any`` lookup.
        from . import checks, lookups  # noqa: F401
        from .dbsession import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="onewindow.core.dbsession")
