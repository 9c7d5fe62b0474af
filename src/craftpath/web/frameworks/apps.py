from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "craftpath.web.frameworks"
    label = "frameworks"
    verbose_name = "Frameworks"
