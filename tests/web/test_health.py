"""Health for load balancers: /healthz without the database; /readyz with the database, the
migrations and the task queue, 503 with the reasons when this instance cannot serve."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from craftpath.web import health


def test_health_answers_ok_without_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


@pytest.mark.django_db
def test_ready_when_the_database_answers_and_no_task_waits(client):
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (200, b"ready\n")


@pytest.mark.django_db
def test_not_ready_when_a_due_task_has_waited_too_long(client, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from craftpath.web.notifications.tasks import deliver_emails

    monkeypatch.setenv("CRAFTPATH_READY_QUEUE_AGE", "60")
    deliver_emails.enqueue([])
    assert client.get("/readyz").status_code == 200  # just queued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=5))
    response = client.get("/readyz")
    assert response.status_code == 503
    lines = response.content.decode().splitlines()
    assert lines[0] == "not ready"
    assert lines[1].startswith("task queue: the oldest task due has waited 30")
    assert "(limit 60 s); is a worker running?" in lines[1]
    # A task due later is not late.
    DBTaskResult.objects.update(run_after=timezone.now() + timedelta(hours=1))
    assert client.get("/readyz").status_code == 200


def test_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    class Broken:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"not ready\ndatabase: connection refused\n"


@pytest.mark.django_db
def test_not_ready_while_migrations_wait(client, monkeypatch):
    monkeypatch.setattr(health, "_migrated", False)
    monkeypatch.setattr(health.MigrationExecutor, "migration_plan",
                        lambda self, targets: [("a migration", False)] * 2)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "migrations: 2 not applied" in response.content.decode()
