"""Sending notification emails: plain text and HTML, a link back into the app, and a link to
turn that kind of email off.

A row is claimed (locked, then moved from pending to sending, in one transaction) before its
email is built, so the same row is never sent by two live workers. A failed send goes back to
pending with a time to retry (the schedule re-queues it then, with notify.requeue_due); after
MAX_ATTEMPTS it is marked failed and listed for the people team at /notifications/failed/.

A claim is a lease: the worker renews it while it sends, and a row still sending when its
lease has run out (the worker was killed, or lost its database) goes back to pending on the
schedule's next tick and is sent again. So delivery is at least once: a message the dead
worker handed to the server just before it died arrives twice, under the same Message-ID
(one per notification, on every try), which mail clients use to drop the repeat.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from craftpath import config

from .models import EmailState, Notification

log = logging.getLogger("craftpath.worker")

MAX_ATTEMPTS = 3
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10))  # after the 1st and 2nd failure


def lease() -> timedelta:
    """A claim not renewed for this long is a stopped worker's (CRAFTPATH_WORKER_LEASE)."""
    return config.get("CRAFTPATH_WORKER_LEASE")


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
                                     [notification.email_to or notification.recipient.email],
                                     headers={"Message-ID": message_id(notification)})
    message.attach_alternative(html, "text/html")
    return message


def message_id(notification: Notification) -> str:
    """The same on every try of one notification, so a repeat is recognisable as one."""
    host = urlsplit(settings.BASE_URL).hostname or "craftpath.invalid"
    return f"<notification.{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{host}>"


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
    renewed = timezone.now()
    try:
        for notification in notifications:
            if timezone.now() - renewed > lease() / 4:  # still alive: keep the rest claimed
                renewed = timezone.now()
                Notification.objects.filter(
                    pk__in=[n.pk for n in notifications], email_state=EmailState.SENDING,
                ).update(email_claimed_at=renewed)
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


def reclaim_expired(now) -> int:
    """Rows whose lease ran out (their worker stopped mid-batch) go back to pending, due now,
    to be sent again under the same Message-ID; those that had their last try are marked
    failed, for the people team. Returns how many went back."""
    expired = Notification.objects.filter(email_state=EmailState.SENDING,
                                          email_claimed_at__lt=now - lease())
    reason = "the worker stopped while sending; sent again (it may arrive twice)"
    back = expired.filter(email_attempts__lt=MAX_ATTEMPTS).update(
        email_state=EmailState.PENDING, email_retry_at=now, email_error=reason)
    given_up = expired.update(
        email_state=EmailState.FAILED, email_only_link="",
        email_error="the worker stopped while sending its last try; it may not have arrived")
    if back or given_up:
        log.error("%s emails were left sending by a worker that stopped: %s queued again, "
                  "%s marked failed", back + given_up, back, given_up)
    return back
