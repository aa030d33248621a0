from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        # Imported for what they register: the key checks and the ``__any`` lookup.
        from . import checks, lookups  # noqa: F401
