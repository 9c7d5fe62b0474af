"""Sending notification emails: plain text and HTML, a link back into the app, and a link to
turn that kind of email off.

A row is claimed (locked, then moved from pending to sending, in one transaction) before its
email is built, so the same row is never sent by two workers. A failed send goes back to
pending with a time to retry (the schedule re-queues it then, with notify.requeue_due); after
MAX_ATTEMPTS it is marked failed and listed for the people team at /notifications/failed/.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import EmailState, Notification

log = logging.getLogger("craftpath.worker")

MAX_ATTEMPTS = 3
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10))  # after the 1st and 2nd failure


def claim(ids: list[int], now) -> list[Notification]:
    """Take the still-pending rows among `ids` for this worker: locked (PostgreSQL skips rows
    another worker holds; SQLite's write transaction lets one writer in at a time), then
    moved to sending in the same transaction, so no two workers ever take one row."""
    with transaction.atomic():
        taken = list(Notification.objects.select_for_update(skip_locked=True).filter(
            pk__in=ids, email_state=EmailState.PENDING, email_retry_at=None,
        ).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=taken, email_state=EmailState.PENDING).update(
            email_state=EmailState.SENDING, email_claimed_at=now,
            email_attempts=F("email_attempts") + 1)
    return list(Notification.objects.filter(pk__in=taken).select_related("recipient"))


def message_of(notification: Notification) -> EmailMultiAlternatives:
    base = settings.BASE_URL
    context = {
        "notification": notification,
        "person": notification.recipient,
        "link": base + (notification.email_only_link or notification.link or "/"),
        "turn_off": base + reverse("notifications:preferences") + f"#kind-{notification.kind}",
        "can_turn_off": notification.kind not in ("invited", "email_changed"),
    }
    text = render_to_string("notifications/email.txt", context)
    html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(notification.title, text, settings.DEFAULT_FROM_EMAIL,
                                     [notification.email_to or notification.recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def deliver(ids: list[int], now=None) -> int:
    """Send the given notifications' emails (those still pending); returns how many went."""
    now = now or timezone.now()
    notifications = claim(ids, now)
    if not notifications:
        return 0
    sent = 0
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server is retried
        for notification in notifications:
            failed(notification, error, now)
        return 0
    try:
        for notification in notifications:
            try:
                connection.send_messages([message_of(notification)])
            except Exception as error:  # noqa: BLE001 - one refused address must not stop others
                failed(notification, error, now)
            else:
                Notification.objects.filter(pk=notification.pk).update(
                    email_state=EmailState.SENT, emailed_at=timezone.now(), email_error="",
                    email_only_link="")
                sent += 1
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - the messages are already accepted or recorded
            pass
    return sent


def failed(notification: Notification, error: Exception, now) -> None:
    reason = f"{type(error).__name__}: {error}"[:500]
    attempts = notification.email_attempts
    # The notification's id, never its recipient: an SMTP outage shows in the log at once.
    if attempts >= MAX_ATTEMPTS:
        Notification.objects.filter(pk=notification.pk).update(
            email_state=EmailState.FAILED, email_error=reason, email_only_link="")
        log.error("email for notification %s failed (attempt %s, gave up; listed on the "
                  "failed emails page): %s", notification.pk, attempts, reason)
        return
    log.warning("email for notification %s failed (attempt %s, will retry): %s",
                notification.pk, attempts, reason)
    Notification.objects.filter(pk=notification.pk).update(
        email_state=EmailState.PENDING, email_error=reason,
        email_retry_at=now + RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1])


STUCK_AFTER = timedelta(minutes=15)


def give_up_stuck(now) -> int:
    """A row left in `sending` by a worker that stopped mid-send may or may not have arrived;
    sending it again could send it twice, so it is marked failed for the people team to see."""
    given_up = Notification.objects.filter(
        email_state=EmailState.SENDING, email_claimed_at__lt=now - STUCK_AFTER,
    ).update(email_state=EmailState.FAILED,
             email_error="the worker stopped while sending; it may not have arrived",
             email_only_link="")
    if given_up:
        log.error("%s emails were left sending by a worker that stopped; marked failed",
                  given_up)
    return given_up
