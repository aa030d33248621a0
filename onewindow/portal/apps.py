from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "onewindow.portal"
    label = "portal"
    verbose_name = "公众门户"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the settings checks
