"""/metrics: off unless configured, then only for the token or the listed addresses; requests
counted by route (never by path), and the shared figures read from the database."""

import pytest

from craftpath.web.notifications.models import EmailState, Kind, Notification

TOKEN = "scrape-me-0123456789"


def test_off_unless_configured(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_the_token_or_a_listed_address_is_needed(client, monkeypatch):
    monkeypatch.setenv("CRAFTPATH_METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    monkeypatch.delenv("CRAFTPATH_METRICS_TOKEN")
    monkeypatch.setenv("CRAFTPATH_METRICS_FROM", "10.0.0.0/8")
    assert client.get("/metrics").status_code == 403  # the test client is 127.0.0.1
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


@pytest.mark.django_db
def test_requests_by_route_and_the_shared_figures(client, small_org, monkeypatch):
    monkeypatch.setenv("CRAFTPATH_METRICS_TOKEN", TOKEN)
    client.get(f"/people/{small_org.eva.pk}/")  # a sign-in redirect, counted under its route
    client.get("/no/such/page/")
    Notification.objects.create(recipient=small_org.eva, kind=Kind.CHECKIN_CLOSED,
                                title="Closed", email_state=EmailState.FAILED)
    body = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'craftpath_http_requests_total{method="GET",route="people/<int:pk>/",' \
           'status="302"}' in body
    assert f"/people/{small_org.eva.pk}/" not in body  # routes, never paths
    assert 'route="(no route)",status="404"' in body
    assert 'craftpath_http_request_duration_seconds_bucket{le="0.005",route=' in body
    assert 'craftpath_emails{state="failed"} 1.0' in body
    assert 'craftpath_emails{state="sent"} 0.0' in body
    assert 'craftpath_webhook_deliveries{state="pending"} 0.0' in body
    assert "craftpath_task_queue_due 0.0" in body
    assert "craftpath_sign_in_failures 0.0" in body
