"""Webhooks end to end: admins register endpoints through the API, events from the check-in
loop and from people's accounts are delivered by the background worker (django-tasks'
database queue) to a real receiver on loopback, signed as Standard Webhooks say (checked with
the `standardwebhooks` library), retried with back-off, listed with their answers; an endpoint
that keeps failing is disabled and its owner emailed through a real SMTP server."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from standardwebhooks.webhooks import Webhook

from craftpath.web.api.models import Delivery, WebhookEndpoint

from .checkin_helpers import closed, start_for
from .webhook_receiver import start_receiver


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def admin_api(transactional_db, small_org, api_as):
    return api_as(small_org.ada, "admin")


def register(api, url, events):
    answer = api.post("/api/v1/webhooks", {"url": url, "events": events})
    assert answer.status_code == 201, answer.json()
    return answer.json()


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay",
                 verbosity=0)


def verified(secret, request) -> dict:
    return Webhook(secret).verify(request.body, request.headers)


def test_checkin_events_are_delivered_signed(small_org, admin_api, receiver):
    endpoint = register(admin_api, receiver.url, ["checkin.submitted", "checkin.reviewed",
                                                  "checkin.closed"])
    assert endpoint["secret"].startswith("whsec_")
    assert admin_api.get(f"/api/v1/webhooks/{endpoint['id']}").json()["secret"] is None
    checkin = closed(start_for(small_org.ian, include_next=False), small_org.ian,
                     small_org.leo)
    run_worker()
    events = [verified(endpoint["secret"], request) for request in receiver.requests]
    assert [e["type"] for e in events] == ["checkin.submitted", "checkin.reviewed",
                                           "checkin.closed"]
    assert all(e["data"]["checkin_id"] == checkin.pk for e in events)
    tampered = receiver.requests[0]
    with pytest.raises(Exception, match="(?i)signature"):
        Webhook(endpoint["secret"]).verify(tampered.body.replace(b"checkin", b"checkout"),
                                           tampered.headers)
    listed = admin_api.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries").json()["items"]
    assert [(d["status"], d["response_status"], d["attempts"]) for d in listed] == \
        [("delivered", 204, 1)] * 3


def test_people_events_from_the_api_and_scim(small_org, admin_api, receiver):
    endpoint = register(admin_api, receiver.url, ["person.created", "person.deactivated"])
    made = admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"}).json()
    url = f"/api/v1/people/{made['id']}"
    admin_api.patch(url, {"active": False}, if_match=admin_api.get(url)["ETag"])
    run_worker()
    events = [verified(endpoint["secret"], r) for r in receiver.requests]
    assert [(e["type"], e["data"]["person_id"]) for e in events] == [
        ("person.created", made["id"]), ("person.deactivated", made["id"])]


def test_an_event_nobody_chose_is_not_sent(small_org, admin_api, receiver):
    register(admin_api, receiver.url, ["checkin.closed"])
    start_for(small_org.ian)
    admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"})
    run_worker()
    assert receiver.requests == [] and Delivery.objects.count() == 0


@override_settings(WEBHOOK_RETRY_DELAYS=(0, 0, 0))
def test_failures_are_retried_with_the_same_id_until_delivered(small_org, admin_api,
                                                               receiver):
    endpoint = register(admin_api, receiver.url, ["person.created"])
    receiver.statuses = [500, 503]
    admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"})
    run_worker()
    assert len(receiver.requests) == 3
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (
        "delivered", 3, 204)
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).failures_in_a_row == 0


def test_retries_wait_longer_each_time(small_org, admin_api, receiver):
    from django_tasks.backends.database.models import DBTaskResult

    register(admin_api, receiver.url, ["person.created"])
    receiver.statuses = [500]
    admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"})
    run_worker()  # the first try fails; the second waits in the queue
    waiting = DBTaskResult.objects.filter(status="READY").get()
    delay = (waiting.run_after - Delivery.objects.get().last_attempt_at).total_seconds()
    assert 25 < delay <= 31  # the first of WEBHOOK_RETRY_DELAYS (30 s)
    assert len(receiver.requests) == 1


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_owner_told(
        small_org, admin_api, receiver, smtp_server, settings):
    # One way of changing settings in this test (the fixture): mixing it with
    # override_settings undoes them out of order and leaks them into later tests.
    settings.WEBHOOK_RETRY_DELAYS, settings.WEBHOOK_DISABLE_AFTER = (0,), 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    endpoint = register(admin_api, receiver.url, ["person.created"])
    receiver.statuses = [500] * 10
    for number in range(3):
        admin_api.post("/api/v1/people", {"email": f"p{number}@example.com", "name": "P"})
        run_worker()
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert not stored.is_active and stored.disabled_at is not None
    assert len(receiver.requests) == 4  # two deliveries, two tries each; then nothing
    failed = admin_api.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries?status=failed")
    assert [(d["response_status"], d["response_body"]) for d in failed.json()["items"]] == \
        [(500, "receiver is down")] * 2
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["to"] == "ada@example.com" and receiver.url in message.get_payload()
    # Turned back on by an admin, it receives again.
    receiver.statuses = []
    admin_api.patch(f"/api/v1/webhooks/{endpoint['id']}", {"active": True})
    admin_api.post("/api/v1/people", {"email": "again@example.com", "name": "A"})
    run_worker()
    assert json.loads(receiver.requests[-1].body)["data"]["email"] == "again@example.com"


def test_bad_endpoints_are_refused_naming_the_field(small_org, admin_api):
    bad_url = admin_api.post("/api/v1/webhooks", {"url": "ftp://x", "events": ["checkin.closed"]})
    assert bad_url.status_code == 422 and bad_url.json()["errors"][0]["field"] == "url"
    bad_event = admin_api.post("/api/v1/webhooks", {"url": "http://127.0.0.1:9/",
                                                    "events": ["cycle.launched"]})
    assert bad_event.status_code == 422 and bad_event.json()["errors"][0]["field"] == "events"
    assert WebhookEndpoint.objects.count() == 0
