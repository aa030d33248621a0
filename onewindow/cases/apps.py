from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "onewindow.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from onewindow.workdays.retiming import register_retimer

        from .retimer import retime_cases
        from .subject import register

        register_retimer(retime_cases)
        register()
