"""The emails that could not be sent, as actions: the people team reads them (each row names
someone else and what they were told) and sends them again. Both are on the record; each asks
its own rule in access.py."""

from __future__ import annotations

from django.db import transaction

from craftpath.web import access
from craftpath.web.audit.models import Action
from craftpath.web.notifications import notify
from craftpath.web.notifications.models import EmailState, Notification

from .errors import Refused
from .recording import record

TARGET = "failed emails"
SHOWN_AT_MOST = 500


def failed_emails(viewer) -> list[Notification]:
    """The latest failed emails with their recipients; one entry for the list."""
    if not access.can_see_failed_emails(viewer):
        raise Refused("Failed emails are for the people team.")
    rows = list(Notification.objects.filter(email_state=EmailState.FAILED)
                .select_related("recipient").order_by("-created_at")[:SHOWN_AT_MOST])
    record(viewer, Action.VIEWED, target=TARGET, detail=f"{len(rows)} emails")
    return rows


def retry_failed_emails(viewer) -> int:
    """Queue every failed email again (invitations excepted); returns how many were queued."""
    if not access.can_retry_failed_emails(viewer):
        raise Refused("Failed emails are for the people team.")
    with transaction.atomic():
        ids = list(Notification.objects.filter(email_state=EmailState.FAILED)
                   .values_list("pk", flat=True))
        count = notify.retry_failed(ids)
        record(viewer, Action.CHANGED, target=TARGET, detail=f"queued {count} to send again")
    return count
