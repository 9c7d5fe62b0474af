from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "craftpath.web.cycles"
    label = "cycles"
    verbose_name = "Review cycles"
