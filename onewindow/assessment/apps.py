from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "onewindow.assessment"
    label = "assessment"
    verbose_name = "绩效考核"

    def ready(self) -> None:
        from . import accountability_selectors, sources, subjects

        subjects.register()
        accountability_selectors.register()
        sources.register_all()
