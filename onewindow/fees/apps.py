from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "onewindow.fees"
    label = "fees"
    verbose_name = "收费"

    def ready(self) -> None:
        from . import blocking, checks, subjects

        subjects.register()
        blocking.register()
        checks.register()
