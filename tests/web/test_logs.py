"""Logs a platform team can use: a line per request (tokens masked, people by account id
only), the worker's failed deliveries as they happen, and JSON lines on request."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from django.utils import timezone

from craftpath.web.notifications import delivery
from craftpath.web.notifications.models import EmailState, Kind, Notification

from .test_secrets_and_folders import TOKEN, console_output

pytestmark = pytest.mark.django_db


def _access_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "craftpath.access"]


def test_a_line_per_request_with_the_token_masked(client, caplog):
    caplog.set_level(logging.INFO, logger="craftpath.access")
    with console_output() as written:
        client.get(f"/accounts/invitation/{TOKEN}/?next=/home/")
    [line] = _access_lines(caplog)
    assert line.startswith("GET /accounts/invitation/…/?next=/home/ 404 ")
    assert line.endswith("ms person=-")
    assert TOKEN not in written.getvalue() and "404" in written.getvalue()


def test_a_signed_in_person_is_named_by_account_id_only(client_as, small_org, caplog):
    caplog.set_level(logging.INFO, logger="craftpath.access")
    client_as(small_org.eva).get("/home/")
    line = _access_lines(caplog)[-1]
    assert line.startswith("GET /home/ 200 ") and line.endswith(f"person={small_org.eva.pk}")
    assert small_org.eva.email not in line and small_org.eva.name not in line


def test_a_failed_email_is_logged_at_once(small_org, caplog):
    caplog.set_level(logging.INFO, logger="craftpath.worker")
    note = Notification.objects.create(recipient=small_org.eva, kind=Kind.CHECKIN_CLOSED,
                                       title="Closed", email_state=EmailState.SENDING,
                                       email_attempts=1)
    delivery.failed(note, ConnectionRefusedError("connection refused"), timezone.now())
    note.email_attempts = delivery.MAX_ATTEMPTS
    delivery.failed(note, ConnectionRefusedError("connection refused"), timezone.now())
    retry, final = [(r.levelname, r.getMessage()) for r in caplog.records
                    if r.name == "craftpath.worker"]
    assert retry == ("WARNING", f"email for notification {note.pk} failed (attempt 1, will "
                                "retry): ConnectionRefusedError: connection refused")
    assert final[0] == "ERROR" and "gave up; listed on the failed emails page" in final[1]
    assert small_org.eva.email not in retry[1] + final[1]


@pytest.mark.subprocess
def test_json_lines_on_request():
    env = dict(os.environ, CRAFTPATH_LOG_FORMAT="json")
    env.pop("DATABASE_URL", None)
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('craftpath.worker').error('webhook delivery %s failed', 'm1')")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"]) == (
        "ERROR", "craftpath.worker", "webhook delivery m1 failed")
    assert "time" in line
    bad = subprocess.run([sys.executable, "-c", code],
                         env=dict(env, CRAFTPATH_LOG_FORMAT="xml"), capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode != 0 and "CRAFTPATH_LOG_FORMAT" in bad.stderr
