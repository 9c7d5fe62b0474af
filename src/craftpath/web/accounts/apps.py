from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "craftpath.web.accounts"
    label = "accounts"
    verbose_name = "People"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from craftpath.web.actions.people import confirm_email_on_sign_in

        user_logged_in.connect(confirm_email_on_sign_in, dispatch_uid="confirm-email")
