from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "onewindow.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from . import checks  # noqa: F401 — registers the settings checks
        from .throttle import count_failure

        user_login_failed.connect(count_failure, dispatch_uid="onewindow.accounts.throttle")
