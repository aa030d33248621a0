from django.apps import AppConfig


class WorktasksConfig(AppConfig):
    name = "onewindow.worktasks"
    label = "worktasks"
    verbose_name = "工作任务与问题整改"

    def ready(self) -> None:
        from . import subjects

        subjects.register()
