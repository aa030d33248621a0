from django.apps import AppConfig


class HallConfig(AppConfig):
    name = "onewindow.hall"
    label = "hall"
    verbose_name = "大厅：取号、叫号、预约"

    def ready(self) -> None:
        from .checks import register

        register()
