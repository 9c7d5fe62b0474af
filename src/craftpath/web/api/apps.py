from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "craftpath.web.api"
    label = "api"
    verbose_name = "API, SCIM and webhooks"

    def ready(self) -> None:
        # Events for webhooks come from model saves, so pages and the API both send them.
        from . import events

        events.connect()
        # The worker's schedule queues again the deliveries a stopped worker held.
        from craftpath.web.notifications import schedule

        from .webhooks import reclaim_expired

        schedule.add_upkeep(reclaim_expired)
