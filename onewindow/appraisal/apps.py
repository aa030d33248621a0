from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "onewindow.appraisal"
    label = "appraisal"
    verbose_name = "评议、承诺与队伍建设"

    def ready(self) -> None:
        from . import sources, subjects

        subjects.register()
        sources.register_all()
