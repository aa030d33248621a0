from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "onewindow.projects"
    label = "projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        from . import checks, subjects

        subjects.register()
        checks.register()
