"""Delivery that survives a crash: a real `craftpath worker` is killed with SIGKILL twice
during a run of 300 webhook events and twice during a run of 3,000 emails, and started again
each time. Every email reaches the loopback SMTP server and every event the loopback
receiver; a repeat (a message the dead worker had handed over just before it died) carries
the same Message-ID or webhook-id as the first, so it is recognisable. On SQLite, and on
PostgreSQL in the PostgreSQL run (a database of its own in the throwaway cluster).

The leases are shortened to 5 seconds (CRAFTPATH_WORKER_LEASE) so that the test does not
wait two minutes per kill; the mechanism is the same."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from .mail_helpers import Inbox, _free_port
from .webhook_receiver import start_receiver

PEOPLE, EMAILS_EACH = 300, 10  # 300 person.created events, 3,000 emails
EVENT_KILLS, EMAIL_KILLS = (60, 180), (700, 2000)  # kill when this many have arrived
DEADLINE = 600  # seconds for the whole run: a wait, not a speed check

SETUP = f"""
import sys
from craftpath.web.serve import migrate, setup_django
setup_django(sys.argv[1]); migrate()
from craftpath.web.accounts.models import Role, User
from craftpath.web.api.models import WebhookEndpoint
from craftpath.web.api.webhooks import new_secret
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify
owner = User.objects.create_user("owner@example.com", name="Owner")
owner.grant(Role.ADMIN)
WebhookEndpoint.objects.create(owner=owner, url=sys.argv[2], events=["person.created"],
                               secret=new_secret())
people = [User.objects.create_user(f"p{{i}}@example.com", name=f"P{{i}}")
          for i in range({PEOPLE})]
for n in range({EMAILS_EACH}):
    notify(Kind.CHECKIN_CLOSED, people, f"Message {{n}}")
"""


@pytest.fixture
def database_url(django_db_setup):
    """SQLite in the data folder, or a database of its own on the PostgreSQL test cluster."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if "postgresql" not in default["ENGINE"]:
        yield None
        return
    import psycopg

    name = f"kill_{uuid.uuid4().hex[:8]}"
    where = {"host": default["HOST"], "port": default["PORT"], "user": default["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **where) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{where['user']}@{where['host']}:{where['port']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **where) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def receiver():
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


@pytest.mark.subprocess
def test_a_worker_killed_twice_per_run_loses_nothing(tmp_path, database_url, smtp, receiver):
    inbox, smtp_port = smtp
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    env.update(CRAFTPATH_EMAIL_HOST="127.0.0.1", CRAFTPATH_EMAIL_PORT=str(smtp_port),
               CRAFTPATH_EMAIL_TLS="0", CRAFTPATH_WEBHOOK_ALLOW_PRIVATE="1",
               CRAFTPATH_WORKER_LEASE="5", CRAFTPATH_ACCESS_LOG="0")
    if database_url:
        env["DATABASE_URL"] = database_url
    data = str(tmp_path / "data")
    made = subprocess.run([sys.executable, "-c", SETUP, data, receiver.url], env=env,
                          capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr

    def start():
        return subprocess.Popen([sys.executable, "-m", "craftpath.cli", "worker",
                                 "--data-dir", data], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def arrived():
        return len(receiver.requests), len(inbox.messages)

    worker, kills = start(), []
    plan = [(0, n) for n in EVENT_KILLS] + [(1, n) for n in EMAIL_KILLS]
    deadline = time.monotonic() + DEADLINE
    try:
        while time.monotonic() < deadline:
            counts = arrived()
            if plan and counts[plan[0][0]] >= plan[0][1]:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=30)
                kills.append(counts)
                plan.pop(0)
                worker = start()
            # The ids are counted only once enough have arrived: parsing 3,000 Message-IDs
            # every few milliseconds took more of the machine than the delivery it waits on.
            if not plan and counts[0] >= PEOPLE and counts[1] >= PEOPLE * EMAILS_EACH \
                    and len({r.headers["webhook-id"] for r in receiver.requests}) == PEOPLE \
                    and len({m["Message-ID"] for m in inbox.messages}) == PEOPLE * EMAILS_EACH:
                break
            time.sleep(0.02)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)

    events = Counter(r.headers["webhook-id"] for r in receiver.requests)
    emails = Counter(m["Message-ID"] for m in inbox.messages)
    figures = (f"events: {len(events)} of {PEOPLE} arrived, {sum(events.values()) - len(events)}"
               f" repeats; emails: {len(emails)} of {PEOPLE * EMAILS_EACH} arrived, "
               f"{sum(emails.values()) - len(emails)} repeats; kills at {kills}")
    print(figures)  # the figures for the closing note (pytest -s)
    assert len(kills) == 4, figures
    # Each kill landed during its run: before that run had finished.
    assert kills[0][0] < PEOPLE and kills[1][0] < PEOPLE, figures
    assert kills[2][1] < PEOPLE * EMAILS_EACH and kills[3][1] < PEOPLE * EMAILS_EACH, figures
    assert len(events) == PEOPLE and len(emails) == PEOPLE * EMAILS_EACH, figures
    assert all(m["Message-ID"] for m in inbox.messages)
