from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "craftpath.web.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        from . import signals

        signals.connect()
