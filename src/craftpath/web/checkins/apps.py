from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "craftpath.web.checkins"
    label = "checkins"
    verbose_name = "Check-ins"

    def ready(self) -> None:
        # Publishing a version (frameworks) tells the people whose open check-in is elsewhere.
        from craftpath.web.frameworks.releasing import version_published

        from .new_version import on_version_published

        version_published.connect(on_version_published, dispatch_uid="checkins-new-version")
