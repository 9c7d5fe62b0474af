from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "craftpath.web.promotions"
    label = "promotions"
    verbose_name = "Promotions"

    def ready(self) -> None:
        # The worker's schedule (notifications) runs the rounds' reminders and applies the
        # decisions whose effective date has come (tasks.py, a door onto the actions).
        from craftpath.web.notifications import schedule

        from .tasks import scheduled_work

        schedule.add_reminders(scheduled_work)
