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
def receiver(settings):
    """A receiver on loopback: an internal address, so the operator's setting allows it."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
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
    from django_tasks_db.models import DBTaskResult

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
    bad_event = admin_api.post("/api/v1/webhooks", {"url": "http://203.0.114.9/",
                                                    "events": ["cycle.exploded"]})
    assert bad_event.status_code == 422 and bad_event.json()["errors"][0]["field"] == "events"
    assert WebhookEndpoint.objects.count() == 0


def a_cycle(version):
    from datetime import date

    from craftpath.web.cycles.models import Cycle

    return Cycle.objects.create(name="Spring 2030", version=version,
                                self_due=date(2030, 3, 9), review_due=date(2030, 3, 16),
                                agree_due=date(2030, 3, 23), close_due=date(2030, 3, 30))


def test_cycle_events_are_delivered_signed_from_the_page_and_the_api(
        small_org, published_seed, admin_api, api_as, receiver, client):
    endpoint = register(admin_api, receiver.url, ["cycle.launched", "cycle.closed"])
    cycle = a_cycle(published_seed)
    client.force_login(small_org.pia)
    assert client.post(f"/cycles/{cycle.pk}/launch/").status_code == 302  # the page
    closed_ = api_as(small_org.pia, "write").post(f"/api/v1/cycles/{cycle.pk}/close")
    assert closed_.status_code == 200, closed_.json()  # the API
    run_worker()
    events = [verified(endpoint["secret"], request) for request in receiver.requests]
    assert [(e["type"], e["data"]["cycle_id"], e["data"]["state"]) for e in events] == [
        ("cycle.launched", cycle.pk, "running"), ("cycle.closed", cycle.pk, "closed")]
    assert events[0]["data"]["participants"] == 8 and events[0]["data"]["name"] == cycle.name
    assert events[0]["data"]["version"] == published_seed.label
    assert events[0]["data"]["deadlines"]["self"] == "2030-03-09"
    # A refused launch (it ran already) sends nothing more.
    again = api_as(small_org.pia, "write").post(f"/api/v1/cycles/{cycle.pk}/launch")
    assert again.status_code == 409
    run_worker()
    assert len(receiver.requests) == 2


# --- internal addresses (SSRF) --------------------------------------------------------------

INTERNAL = {
    "http://127.0.0.1:8000/hook": "loopback", "http://[::1]/hook": "loopback",
    "http://localhost:8000/hook": "this machine", "http://10.1.2.3/hook": "private",
    "http://192.168.1.20/hook": "private", "http://169.254.169.254/latest": "link-local",
    "http://[fe80::1]/hook": "link-local", "http://224.0.0.1/hook": "multicast",
    "http://240.0.0.1/hook": "reserved", "http://0.0.0.0/hook": "unspecified",
    "http://[::ffff:127.0.0.1]/hook": "loopback", "http://100.64.0.1/hook": "non-public",
}


def test_internal_addresses_are_refused_at_registration(small_org, admin_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url, kind in INTERNAL.items():
        answer = admin_api.post("/api/v1/webhooks", {"url": url, "events": ["checkin.closed"]})
        problem = answer.json()
        assert answer.status_code == 422, (url, problem)
        assert problem["errors"][0]["field"] == "url", url
        assert kind in problem["detail"] and "CRAFTPATH_WEBHOOK_ALLOW_PRIVATE" in \
            problem["detail"], (url, problem["detail"])
    assert WebhookEndpoint.objects.count() == 0
    public = admin_api.post("/api/v1/webhooks", {"url": "https://203.0.114.9/hook",
                                                 "events": ["checkin.closed"]})
    assert public.status_code == 201
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the operator's choice
    allowed = admin_api.post("/api/v1/webhooks", {"url": "http://10.1.2.3/hook",
                                                  "events": ["checkin.closed"]})
    assert allowed.status_code == 201


@pytest.fixture
def fake_dns(monkeypatch):
    """Answers for made-up host names, as a DNS server would give them (others resolve as
    usual); `answers[name]` is a list of addresses, one list used per lookup."""
    import socket

    real = socket.getaddrinfo
    answers: dict[str, list[list[str]]] = {}
    asked: list[str] = []

    def lookup(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        turn = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port)) for a in turn]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return answers, asked


def test_a_name_resolving_inside_is_refused_at_registration(small_org, admin_api, settings,
                                                            fake_dns):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    answers, _ = fake_dns
    answers["inside.example"] = [["203.0.114.9", "10.0.0.5"]]  # one bad address is enough
    answer = admin_api.post("/api/v1/webhooks", {"url": "https://inside.example/hook",
                                                 "events": ["checkin.closed"]})
    assert answer.status_code == 422 and "10.0.0.5 is a private address" in \
        answer.json()["detail"]


def test_delivery_to_an_internal_address_is_refused_and_recorded(
        small_org, admin_api, receiver, settings, fake_dns):
    """Registered while allowed (or a name that then changed its answer: DNS rebinding), a
    delivery to an internal address fails at once with the reason, and nothing is sent."""
    answers, _ = fake_dns
    port = receiver.url.split(":")[2].split("/")[0]
    answers["rebind.example"] = [["203.0.114.9"], ["127.0.0.1"]]
    settings.WEBHOOK_ALLOW_PRIVATE = False
    by_name = register(admin_api, f"http://rebind.example:{port}/hooks", ["person.created"])
    WebhookEndpoint.objects.create(url=receiver.url, events=["person.created"],
                                   secret=by_name["secret"],  # made while it was allowed
                                   owner=small_org.ada)
    admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"})
    run_worker()
    assert receiver.requests == []
    failed = Delivery.objects.order_by("endpoint_id")
    assert [(d.status, d.attempts, d.response_status) for d in failed] == \
        [("failed", 1, None)] * 2
    assert all("127.0.0.1 is a loopback address" in d.error for d in failed)
    listed = admin_api.get(f"/api/v1/webhooks/{by_name['id']}/deliveries").json()["items"]
    assert listed[0]["status"] == "failed" and "loopback" in listed[0]["error"]


def test_delivery_connects_to_the_address_it_checked(small_org, admin_api, receiver,
                                                     fake_dns):
    """The name is looked up once per try and the connection goes to that address, with the
    name in the Host header: a second answer (here an unreachable public address) is never
    used, so a rebinding DNS server cannot swap the address after the check."""
    answers, asked = fake_dns
    port = receiver.url.split(":")[2].split("/")[0]
    answers["hooks.example"] = [["127.0.0.1"], ["203.0.114.9"]]
    endpoint = WebhookEndpoint.objects.create(url=f"http://hooks.example:{port}/hooks",
                                              events=["person.created"],
                                              secret="whsec_" + "A" * 32, owner=small_org.ada)
    admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"})
    run_worker()
    assert asked == ["hooks.example"]
    assert [r.headers["host"] for r in receiver.requests] == [f"hooks.example:{port}"]
    verified(endpoint.secret, receiver.requests[0])
    assert Delivery.objects.get().status == "delivered"


@pytest.fixture
def tls_receiver(tmp_path, settings, monkeypatch):
    """A receiver on loopback speaking HTTPS with a certificate for hooks.example, made by the
    openssl command and trusted through SSL_CERT_FILE (OpenSSL reads it on each new
    context); `make(name)` starts one whose certificate names `name`."""
    import shutil
    import ssl
    import subprocess

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the openssl command is missing (Debian package openssl)")
    settings.WEBHOOK_ALLOW_PRIVATE = True
    servers = []

    def make(name):
        key, cert = tmp_path / f"{name}.key", tmp_path / f"{name}.pem"
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}",
                        "-addext", f"subjectAltName=DNS:{name}"],
                       check=True, capture_output=True)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        found, server = start_receiver(tls=context)
        servers.append(server)
        return found, server.server_address[1]

    yield make
    for server in servers:
        server.shutdown()
        server.server_close()


def test_https_goes_to_the_checked_address_and_checks_the_certificate_for_the_name(
        small_org, admin_api, tls_receiver, fake_dns):
    answers, asked = fake_dns
    answers["hooks.example"] = [["127.0.0.1"]]
    answers["other.example"] = [["127.0.0.1"]]
    receiver, port = tls_receiver("hooks.example")
    good = register(admin_api, f"https://hooks.example:{port}/hooks", ["person.created"])
    # The same server reached by another name: its certificate does not match, so no send.
    register(admin_api, f"https://other.example:{port}/hooks", ["person.created"])
    admin_api.post("/api/v1/people", {"email": "kim@example.com", "name": "Kim"})
    run_worker()
    assert len(receiver.requests) == 1
    verified(good["secret"], receiver.requests[0])
    by_url = {d.endpoint.url: d for d in Delivery.objects.select_related("endpoint")}
    assert by_url[f"https://hooks.example:{port}/hooks"].status == "delivered"
    mismatch = by_url[f"https://other.example:{port}/hooks"]
    assert mismatch.status == "pending" and mismatch.attempts == 1  # retried later
    assert "certificate" in mismatch.error.lower()


# --- an owner who loses the right to webhooks (finding 10) -----------------------------------

@pytest.fixture
def second_admin(small_org, api_as):
    """Max, another admin, who changes Ada's roles and account and reads the endpoints."""
    from craftpath.web.accounts.models import Role, User

    max_ = User.objects.create_user("max@example.com", name="Max")
    max_.grant(Role.ADMIN)
    return max_, api_as(max_, "admin")


def _pending_event(number: int = 0) -> None:
    """An event for every endpoint that chose person.created: someone is added."""
    from craftpath.web.accounts.models import User

    User.objects.create_user(f"new{number}@example.com", name="New")


def test_deliveries_stop_once_the_owner_is_deactivated_checked_at_delivery(
        small_org, admin_api, receiver):
    """Deactivated behind every signal's back (a bulk update), the owner's endpoint still
    sends nothing: the delivery itself checks, fails it and pauses the endpoint."""
    from craftpath.web.accounts.models import User

    endpoint = register(admin_api, receiver.url, ["person.created"])
    _pending_event()  # queued while Ada was an admin
    User.objects.filter(pk=small_org.ada.pk).update(is_active=False)
    run_worker()
    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 0)
    assert "its owner, Ada, was deactivated" in delivery.error
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert not stored.is_active and stored.disabled_at is not None
    assert stored.paused_reason == "its owner, Ada, was deactivated"


def test_removing_the_owners_admin_role_through_the_api_pauses_their_endpoints(
        small_org, admin_api, receiver, second_admin):
    max_, max_api = second_admin
    endpoint = register(admin_api, receiver.url, ["person.created", "checkin.closed"])
    url = f"/api/v1/people/{small_org.ada.pk}/roles"
    changed = max_api.put(url, {"roles": ["engineer"]},
                          if_match=max_api.get(f"/api/v1/people/{small_org.ada.pk}")["ETag"])
    assert changed.status_code == 200, changed.json()
    _pending_event()
    run_worker()
    assert receiver.requests == [] and Delivery.objects.count() == 0
    listed = max_api.get("/api/v1/webhooks").json()
    assert [(e["id"], e["active"], e["owner"]["email"], e["paused_reason"]) for e in listed] \
        == [(endpoint["id"], False, "ada@example.com",
             "its owner, Ada, no longer manages webhooks (admin role removed)")]
    # Turned back on by another admin, it is theirs now and receives again.
    again = max_api.patch(f"/api/v1/webhooks/{endpoint['id']}", {"active": True}).json()
    assert again["active"] and again["owner"]["id"] == max_.pk and again["paused_reason"] == ""
    _pending_event(1)
    run_worker()
    assert [json.loads(r.body)["type"] for r in receiver.requests] == ["person.created"]


def test_deactivating_the_owner_through_the_api_pauses_their_endpoints_at_once(
        small_org, admin_api, receiver, second_admin):
    """Not even the event of the owner's own deactivation goes out."""
    _, max_api = second_admin
    endpoint = register(admin_api, receiver.url, ["person.deactivated"])
    url = f"/api/v1/people/{small_org.ada.pk}"
    answer = max_api.patch(url, {"active": False}, if_match=max_api.get(url)["ETag"])
    assert answer.status_code == 200, answer.json()
    run_worker()
    assert receiver.requests == [] and Delivery.objects.count() == 0
    assert max_api.get(f"/api/v1/webhooks/{endpoint['id']}").json()["paused_reason"] == \
        "its owner, Ada, was deactivated"


def test_an_endpoint_whose_owner_was_deleted_sends_nothing(small_org, admin_api, receiver):
    endpoint = register(admin_api, receiver.url, ["person.created"])
    small_org.ada.delete()
    _pending_event()
    run_worker()
    assert receiver.requests == []
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert (stored.is_active, stored.owner, stored.paused_reason) == (
        False, None, "its owner's account was deleted")


def test_admins_see_every_endpoint_on_the_tokens_page_others_do_not(
        small_org, admin_api, receiver, second_admin, client_as):
    from craftpath.web.accounts.models import User

    register(admin_api, receiver.url, ["person.created"])
    User.objects.filter(pk=small_org.ada.pk).update(is_active=False)
    _pending_event()
    run_worker()
    max_, _ = second_admin
    page = client_as(max_).get("/api/tokens/").content.decode()
    assert "Webhook endpoints" in page and receiver.url in page
    assert "paused</span> its owner, Ada, was deactivated" in page
    for person in (small_org.pia, small_org.leo):
        page = client_as(person).get("/api/tokens/").content.decode()
        assert "Webhook endpoints" not in page and receiver.url not in page


# --- cloud metadata, even with internal addresses allowed -------------------------------------

METADATA = ["http://169.254.169.254/latest/meta-data/", "http://169.254.170.2/v2/credentials",
            "http://[fd00:ec2::254]/latest", "http://100.100.100.200/latest/meta-data",
            "http://192.0.0.192/", "http://[::ffff:169.254.169.254]/",
            "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::1]/",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://metadata.google.internal./", "http://instance-data.ec2.internal/latest"]


def test_cloud_metadata_addresses_are_refused_even_with_internal_ones_allowed(
        small_org, admin_api, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    for url in METADATA:
        answer = admin_api.post("/api/v1/webhooks", {"url": url, "events": ["checkin.closed"]})
        problem = answer.json()
        assert answer.status_code == 422, (url, problem)
        assert problem["errors"][0]["field"] == "url", url
        assert "cloud metadata" in problem["detail"], (url, problem["detail"])
    assert WebhookEndpoint.objects.count() == 0


def test_a_name_resolving_to_a_metadata_address_is_refused(small_org, admin_api, settings,
                                                            fake_dns):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    answers, _ = fake_dns
    answers["meta.example"] = [["10.0.0.5", "169.254.169.254"]]
    answer = admin_api.post("/api/v1/webhooks", {"url": "http://meta.example/hook",
                                                 "events": ["checkin.closed"]})
    assert answer.status_code == 422 and "169.254.169.254 is where cloud metadata" in \
        answer.json()["detail"]
    assert WebhookEndpoint.objects.count() == 0


def test_delivery_to_a_name_turned_metadata_is_refused(small_org, admin_api, receiver,
                                                       fake_dns):
    """Registered while it answered with the receiver (internal addresses allowed), then
    rebound to the metadata address: the delivery is refused, not tried."""
    answers, _ = fake_dns
    port = receiver.url.split(":")[2].split("/")[0]
    answers["rebind.example"] = [["127.0.0.1"], ["169.254.169.254"]]
    register(admin_api, f"http://rebind.example:{port}/hooks", ["person.created"])
    _pending_event()
    run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "169.254.169.254 is where cloud metadata services answer" in delivery.error


def test_a_stopped_workers_delivery_is_queued_again_under_the_same_id(small_org, admin_api,
                                                                      receiver):
    """A worker killed mid-try leaves the delivery claimed: once the lease has run out the
    schedule queues it again, and the receiver can drop a repeat by its webhook-id."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from craftpath.web.api import webhooks
    from craftpath.web.notifications import schedule

    register(admin_api, receiver.url, ["person.created"])
    _pending_event()
    delivery = Delivery.objects.get()
    DBTaskResult.objects.all().delete()  # the task died with its worker
    claimed = timezone.now()
    Delivery.objects.filter(pk=delivery.pk).update(claimed_at=claimed)
    assert webhooks.attempt(delivery.pk) == "gone"  # held: no second try meanwhile
    schedule.tick(claimed + timedelta(minutes=1))
    assert not DBTaskResult.objects.exists()  # its lease still holds
    schedule.tick(claimed + webhooks.lease() + timedelta(seconds=1))
    run_worker()
    [request] = receiver.requests
    assert request.headers["webhook-id"] == delivery.message_id
    stored = Delivery.objects.get()
    assert (stored.status, stored.attempts, stored.claimed_at) == ("delivered", 1, None)
