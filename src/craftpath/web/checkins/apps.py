from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "craftpath.web.checkins"
    label = "checkins"
    verbose_name = "Check-ins"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed

        from craftpath.web.audit.subjects import add_owner_finder
        from craftpath.web.frameworks.releasing import version_published

        from .audit import owner_of_route
        from .models import Entry
        from .new_version import on_version_published
        from .tasks import links_changed

        # Publishing a version (frameworks) tells the people whose open check-in is elsewhere.
        version_published.connect(on_version_published, dispatch_uid="checkins-new-version")
        # The audit trail names whose check-in a refused request was for.
        add_owner_finder(owner_of_route)
        # A link made or removed queues the assistant's learning (after the commit).
        m2m_changed.connect(links_changed, sender=Entry.evidence.through,
                            dispatch_uid="checkins-learn-links")
