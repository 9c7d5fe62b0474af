from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "craftpath.web.notifications"
    label = "notifications"
    verbose_name = "Notifications"
