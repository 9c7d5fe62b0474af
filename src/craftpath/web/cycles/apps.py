from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "craftpath.web.cycles"
    label = "cycles"
    verbose_name = "Review cycles"

    def ready(self) -> None:
        # The worker's schedule (notifications) sends the deadline reminders.
        from craftpath.web.notifications import schedule

        from .actions import scheduled_reminders

        schedule.add_reminders(scheduled_reminders)
