from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "craftpath.web.checkins"
    label = "checkins"
    verbose_name = "Check-ins"
