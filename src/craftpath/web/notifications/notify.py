"""Telling people something: add it to their inboxes and queue the emails.

`notify` is called by the features (invitations, cycles, the check-in pages, feedback) inside
their own transaction; the email tasks are queued in that same transaction (the task queue is
a table in the same database), so either both the notification and its email task exist, or
neither does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import EmailOptOut, EmailState, Kind, Notification
from .tasks import deliver_emails

BATCH = 50  # notifications per email task: one SMTP connection each


def notify(kind: str, recipients: Iterable, title: str, body: str = "", link: str = "", *,
           key: str = "", email_only_link: str = "", always_email: bool = False,
           email_to: str = "", now=None) -> list[int]:
    """One notification of `kind` for each recipient (people or their ids); returns the ids
    of the notifications created. With a `key`, a recipient who already has that key gets
    nothing new. `always_email` ignores opt-outs (an invitation must arrive); `email_to`
    sends the email to that address instead of the recipient's own (their old one)."""
    now = now or timezone.now()
    ids = sorted({getattr(r, "pk", r) for r in recipients if r is not None})
    if not ids:
        return []
    # Opt-outs are few; reading them all avoids an IN list of every recipient.
    opted_out = set() if always_email else set(
        EmailOptOut.objects.filter(kind=kind).values_list("person_id", flat=True))
    rows = [Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, link=link,
                         key=key, created_at=now, email_only_link=email_only_link,
                         email_to=email_to,
                         email_state=EmailState.OFF if pk in opted_out else EmailState.PENDING)
            for pk in ids]
    if key:
        # Two schedulers may add the same reminder at once: the unique key keeps one, and the
        # rows this call added are read back by key and time (bulk inserts that skip
        # conflicts do not return ids).
        Notification.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        added = list(Notification.objects.filter(key=key, created_at=now)
                     .values_list("pk", "email_state"))
    else:
        added = [(row.pk, row.email_state)
                 for row in Notification.objects.bulk_create(rows, batch_size=1000)]
    queue_emails(pk for pk, state in added if state == EmailState.PENDING)
    return [pk for pk, _ in added]


def notify_each(kind: str, messages: Iterable[tuple[int, str, str, str]], *,
                now=None) -> list[int]:
    """One notification per (recipient id, title, body, link), for news that differs from
    person to person (their own check-in, their own version); returns the ids created."""
    now = now or timezone.now()
    messages = list(messages)
    opted_out = set(EmailOptOut.objects.filter(kind=kind).values_list("person_id", flat=True))
    rows = [Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, link=link,
                         created_at=now,
                         email_state=EmailState.OFF if pk in opted_out else EmailState.PENDING)
            for pk, title, body, link in messages]
    added = Notification.objects.bulk_create(rows, batch_size=1000)
    queue_emails(row.pk for row in added if row.email_state == EmailState.PENDING)
    return [row.pk for row in added]


def queue_emails(ids: Iterable[int]) -> int:
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        deliver_emails.enqueue(ids[start:start + BATCH])
    return len(ids)


def requeue_due(now) -> int:
    """Queue again the emails whose retry time has come (the schedule calls this)."""
    due = list(Notification.objects.filter(email_state=EmailState.PENDING,
                                           email_retry_at__lte=now).values_list("pk", flat=True))
    taken = [pk for pk in due if Notification.objects.filter(
        pk=pk, email_state=EmailState.PENDING, email_retry_at__lte=now).update(
        email_retry_at=None)]
    return queue_emails(taken)


def retry_failed(ids: list[int]) -> int:
    """The people team asks to try failed emails again (for example after fixing SMTP)."""
    taken = [pk for pk in ids if Notification.objects.filter(
        pk=pk, email_state=EmailState.FAILED).exclude(kind="invited").update(
        email_state=EmailState.PENDING, email_attempts=0, email_retry_at=None)]
    return queue_emails(taken)


def unread_count(person) -> int:
    return Notification.objects.filter(recipient=person, read_at=None).count()


KIND_LABELS = dict(Kind.choices)
