from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county: its data files, loaders and the ``load_demo`` command. No tables of its own."""

    name = "onewindow.demo"
    label = "demo"
    verbose_name = "演示数据"
