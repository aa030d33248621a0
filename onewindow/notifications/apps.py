from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "onewindow.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from . import checks  # noqa: F401 — registers the settings checks
