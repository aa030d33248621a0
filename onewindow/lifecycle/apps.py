from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "onewindow.lifecycle"
    label = "lifecycle"
    verbose_name = "办理生命周期"
