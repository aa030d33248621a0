from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "onewindow.supervision"
    label = "supervision"
    verbose_name = "电子监察"

    def ready(self) -> None:
        from onewindow.lifecycle import center_settings

        from . import case_checks, subjects
        from .selectors import settings_changed_since, yellow_share_for

        subjects.register()
        case_checks.register()
        center_settings.provide(center_settings.Source(yellow_share_for, settings_changed_since))
