from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "onewindow.lifecycle"
    label = "lifecycle"
    verbose_name = "办理生命周期"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the chain key's system check)
