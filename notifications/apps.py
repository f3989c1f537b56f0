from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Emails about organisations' people, on organisations' signals (notifications/membership.py).
        from notifications import membership

        membership.connect()
