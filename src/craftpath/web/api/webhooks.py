"""Webhooks: endpoints chosen by admins receive events, signed the Standard Webhooks way
(webhook-id, webhook-timestamp, webhook-signature = "v1," + base64 HMAC-SHA256 of
"id.timestamp.body" under the endpoint's secret). Each delivery is a background task that
retries with growing delays; an endpoint whose deliveries keep failing is disabled and its
owner told by email. An endpoint whose owner may no longer have webhooks (the admin role
removed, the account deactivated or deleted) is paused, with the reason, when an event is
queued for it and again when a delivery is tried, so nothing more is sent on their behalf."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import default_task_backend, task

from craftpath import config
from craftpath.web import access

from . import destinations
from .models import Delivery, Event, WebhookEndpoint

log = logging.getLogger("craftpath.worker")

SECRET_PREFIX = "whsec_"
BODY_KEPT = 2000


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def emit(event: str, data: dict) -> None:
    """Queue `event` for every active endpoint that chose it, once the current transaction
    commits (an event of a change that is rolled back is never sent)."""
    assert event in Event.values, event

    def queue():
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).select_related("owner"):
            if event in endpoint.events and not pause_if_owner_lost_right(endpoint):
                delivery = Delivery.objects.create(
                    endpoint=endpoint, event=event, message_id="msg_" + secrets.token_hex(12),
                    payload={"type": event, "timestamp": timezone.now().isoformat(),
                             "data": data})
                deliver.enqueue(delivery.pk)

    transaction.on_commit(queue)


@task()
def deliver(delivery_id: int) -> str:
    return attempt(delivery_id)


def lease() -> timedelta:
    """A try that has not ended by then was a stopped worker's: CRAFTPATH_WORKER_LEASE (two
    minutes), or the receiver's timeout and a few seconds more when that is longer."""
    return max(config.get("CRAFTPATH_WORKER_LEASE"),
               timedelta(seconds=settings.WEBHOOK_TIMEOUT + 5))


def _claim(delivery_id: int, now) -> bool:
    """Take the delivery for this try: pending, and nobody's or held by a stopped worker."""
    return bool(Delivery.objects.filter(pk=delivery_id, status=Delivery.PENDING).filter(
        Q(claimed_at=None) | Q(claimed_at__lt=now - lease())).update(claimed_at=now))


def reclaim_expired(now=None) -> int:
    """Deliveries a stopped worker was trying (its lease ran out) are queued again; the
    receiver may get one twice, with the same webhook-id. The schedule calls this."""
    now = now or timezone.now()
    cutoff = now - lease()
    expired = list(Delivery.objects.filter(status=Delivery.PENDING, claimed_at__lt=cutoff)
                   .values_list("pk", flat=True))
    taken = [pk for pk in expired if Delivery.objects.filter(
        pk=pk, status=Delivery.PENDING, claimed_at__lt=cutoff).update(claimed_at=None)]
    for pk in taken:
        transaction.on_commit(lambda pk=pk: deliver.enqueue(pk))
    if taken:
        log.error("%s webhook deliveries were left by a worker that stopped; queued again",
                  len(taken))
    return len(taken)


def attempt(delivery_id: int) -> str:
    """One try at one delivery; schedules the next try when it fails. Returns the status."""
    if not _claim(delivery_id, timezone.now()):
        return "gone"  # delivered, failed, or another worker is trying it now
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != Delivery.PENDING:
        return "gone"
    endpoint = delivery.endpoint
    pause_if_owner_lost_right(endpoint)
    if not endpoint.is_active:
        delivery.status = Delivery.FAILED
        delivery.error = f"endpoint disabled: {endpoint.paused_reason}"[:300] \
            if endpoint.paused_reason else "endpoint disabled"
        delivery.claimed_at = None
        delivery.save(update_fields=["status", "error", "claimed_at"])
        return delivery.status
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json", "User-Agent": "craftpath-webhooks",
        "webhook-id": delivery.message_id, "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(endpoint.secret, delivery.message_id, timestamp, body)}
    status, text, error, refused = None, "", "", False
    try:
        status, answer = destinations.post(endpoint.url, body, headers,
                                           settings.WEBHOOK_TIMEOUT, BODY_KEPT)
        text = answer.decode("utf-8", "replace")
    except destinations.Refused as reason:
        # Not a passing failure: the endpoint points inside (SSRF). No retries.
        error, refused = f"refused: {endpoint.url} {reason}"[:300], True
    except (OSError, ValueError) as failure:
        error = str(failure)[:300] or type(failure).__name__
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    delivery.response_status, delivery.response_body, delivery.error = status, text, error
    if status is not None and 200 <= status < 300:
        delivery.status = Delivery.DELIVERED
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_a_row=0)
    elif not refused and delivery.attempts <= len(settings.WEBHOOK_RETRY_DELAYS):
        delay = settings.WEBHOOK_RETRY_DELAYS[delivery.attempts - 1]
        transaction.on_commit(lambda: _retry(delivery.pk, delay))
    else:
        delivery.status = Delivery.FAILED
        _count_failure(endpoint)
    delivery.claimed_at = None
    delivery.save(update_fields=["attempts", "last_attempt_at", "response_status",
                                 "response_body", "error", "status", "claimed_at"])
    if delivery.status != Delivery.DELIVERED:
        outcome = "gave up" if delivery.status == Delivery.FAILED else "will retry"
        log.log(logging.ERROR if delivery.status == Delivery.FAILED else logging.WARNING,
                "webhook delivery %s to endpoint %s failed (attempt %s, %s): %s",
                delivery.message_id, endpoint.pk, delivery.attempts, outcome,
                error or f"answered {status}")
    return delivery.status


def owner_lost_right(endpoint: WebhookEndpoint) -> str:
    """Why deliveries may no longer go out on the owner's behalf, or "" while they may."""
    owner = endpoint.owner
    if owner is None:
        return "its owner's account was deleted"
    if access.can_own_webhooks(owner):
        return ""
    who = owner.name or owner.email
    if not owner.is_active:
        return f"its owner, {who}, was deactivated"
    return f"its owner, {who}, no longer manages webhooks (admin role removed)"


def pause_if_owner_lost_right(endpoint: WebhookEndpoint) -> bool:
    """Pause `endpoint` if its owner lost the right to it; True if it is (now) paused. An
    admin sees the reason in the list of endpoints and may turn it back on, taking it over."""
    if not endpoint.is_active:
        return True
    reason = owner_lost_right(endpoint)
    if not reason:
        return False
    pause(endpoint, reason)
    return True


def pause(endpoint: WebhookEndpoint, reason: str) -> None:
    endpoint.is_active, endpoint.disabled_at = False, timezone.now()
    endpoint.paused_reason = reason[:200]
    WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
        is_active=False, disabled_at=endpoint.disabled_at, paused_reason=endpoint.paused_reason)


def pause_owned_by(person) -> int:
    """Pause at once the endpoints `person` owns if they lost the right to them (called when
    a role is removed or an account deactivated), so the list shows it before any event."""
    paused = 0
    for endpoint in WebhookEndpoint.objects.filter(owner=person, is_active=True):
        paused += pause_if_owner_lost_right(endpoint)
    return paused


def _retry(delivery_id: int, delay: float) -> None:
    if default_task_backend.supports_defer and delay > 0:
        deliver.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(delivery_id)
    else:  # a backend that cannot wait (the immediate one) tries again at once
        deliver.enqueue(delivery_id)


def _count_failure(endpoint: WebhookEndpoint) -> None:
    with transaction.atomic():
        current = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        current.failures_in_a_row += 1
        fields = ["failures_in_a_row"]
        disable = current.is_active and current.failures_in_a_row >= settings.WEBHOOK_DISABLE_AFTER
        if disable:
            current.is_active, current.disabled_at = False, timezone.now()
            current.paused_reason = (f"{current.failures_in_a_row} deliveries failed in a row, "
                                     "each after every retry")
            fields += ["is_active", "disabled_at", "paused_reason"]
        current.save(update_fields=fields)
    if disable and current.owner is not None and current.owner.email:
        send_mail(
            "craftpath: a webhook endpoint was disabled",
            f"The webhook endpoint {current.url} failed {current.failures_in_a_row} deliveries "
            "in a row (each after every retry), so craftpath stopped sending to it.\n\n"
            "Its deliveries, with the answers it gave, are listed at "
            f"/api/v1/webhooks/{current.pk}/deliveries. Once it works again, turn it back "
            f"on with PATCH /api/v1/webhooks/{current.pk} and {{\"active\": true}}.",
            None, [current.owner.email])
