from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "onewindow.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the key checks
