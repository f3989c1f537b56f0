from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and signing in"

    def ready(self) -> None:
        from accounts import sign_in_audit

        sign_in_audit.connect()
