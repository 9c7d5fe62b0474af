from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "craftpath.web.checkins"
    label = "checkins"
    verbose_name = "Check-ins"

    def ready(self) -> None:
        from craftpath.web.audit.subjects import add_owner_finder
        from craftpath.web.frameworks.releasing import version_published

        from .audit import owner_of_route
        from .new_version import on_version_published

        # Publishing a version (frameworks) tells the people whose open check-in is elsewhere.
        version_published.connect(on_version_published, dispatch_uid="checkins-new-version")
        # The audit trail names whose check-in a refused request was for.
        add_owner_finder(owner_of_route)
