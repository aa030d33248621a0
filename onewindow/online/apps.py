from django.apps import AppConfig


class OnlineConfig(AppConfig):
    name = "onewindow.online"
    label = "online"
    verbose_name = "网上办事"
