from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "craftpath.web.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from . import signals

        signals.connect()
