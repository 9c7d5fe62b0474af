"""A new framework version and the open check-ins on older ones: telling their people (the
answer to frameworks' `version_published`, connected in apps.py) and listing them for carrying
them over in bulk (the versions page, actions.checkins.move_all_open)."""

from __future__ import annotations

from django.db import transaction

from craftpath.web.frameworks.models import FrameworkVersion
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify_each

from .models import CheckIn


def tell_open_checkins(version: FrameworkVersion) -> int:
    """Tell everyone whose open check-in is on another version that `version` is out, with
    its change note: a notification in their inbox, and an email the worker sends (a mail
    server that is down delays it, and never the publish). Returns how many were told."""
    open_ones = (CheckIn.objects.filter(closed_at=None, person__is_active=True)
                 .exclude(version=version).exclude(person__email="")
                 .select_related("person", "version"))
    by = f" by {version.author_name}" if version.author_name else ""
    messages = []
    for checkin in open_ones:
        body = (f"Version {version.label} of {version.name} has been published{by}.\n\n"
                f"What changed:\n{version.note or '(no note)'}\n\n"
                f"Your open check-in is on version {checkin.version.label}. You (or your "
                f"manager) can move it to {version.label} from the check-in's page; your "
                "ratings go along with their statements, and new statements start unrated.")
        messages.append((checkin.person_id, f"New framework version {version.label}", body,
                         f"/checkins/{checkin.pk}/"))
    with transaction.atomic():
        return len(notify_each(Kind.VERSION_PUBLISHED, messages))


def on_version_published(sender, version: FrameworkVersion, **kwargs) -> int:
    return tell_open_checkins(version)


def open_checkins_elsewhere(version: FrameworkVersion):
    return (CheckIn.objects.filter(closed_at=None).exclude(version=version)
            .select_related("person", "version").order_by("version_id", "person__name"))
