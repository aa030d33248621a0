from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "onewindow.feedback"
    label = "feedback"
    verbose_name = "好差评与诉求工单"

    def ready(self) -> None:
        from . import subjects

        subjects.register()
