from django.apps import AppConfig


class OpennessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "onewindow.openness"
    verbose_name = "政务公开"

    def ready(self) -> None:
        from .case_publicity import connect as connect_case_publicity
        from .fund_feedback import connect
        from .subjects import (
            register,
            register_enforcement,
            register_funds,
            register_publications,
            register_topics,
        )

        register()
        register_publications()
        register_topics()
        register_enforcement()
        register_funds()
        connect()
        connect_case_publicity()
