"""A running worker's heartbeat, and the tasks of workers whose heart stopped.

django-tasks-db marks a task running when a worker takes it and never looks back: a worker
killed mid-task leaves it running for ever, and whatever it was to do undone. So each worker
beats (WorkerBeat) from a thread of its own, a few times per CRAFTPATH_WORKER_LEASE, which a
long task does not hold up; the schedule puts the tasks of a worker whose last beat is older
than the lease back in the queue. Their bodies claim their rows again (emails, webhook
deliveries), so nothing finished is done twice."""

from __future__ import annotations

from django.utils import timezone

from craftpath import config


def beat(worker_id: str, now=None) -> None:
    from .models import WorkerBeat

    WorkerBeat.objects.update_or_create(worker_id=worker_id,
                                        defaults={"beat_at": now or timezone.now()})


def keep_beating(worker_id: str, stop) -> None:
    """The heartbeat, from its own thread with its own connection, a few times per lease."""
    from django.db import connection

    while not stop.wait((config.get("CRAFTPATH_WORKER_LEASE") / 4).total_seconds()):
        try:
            beat(worker_id)
        except Exception:  # noqa: BLE001 - a busy database: the next beat is soon
            pass
        finally:
            connection.close()


def requeue_orphaned_tasks(now=None) -> int:
    """Tasks marked running by a worker whose heartbeat stopped more than a lease ago go back
    to the queue (their bodies claim their rows again, so nothing is done twice that was
    finished). Returns how many."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerBeat

    now = now or timezone.now()
    alive = set(WorkerBeat.objects.filter(beat_at__gte=now - config.get(
        "CRAFTPATH_WORKER_LEASE")).values_list("worker_id", flat=True))
    orphaned = [pk for pk, ids in DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids")
        if not ids or ids[-1] not in alive]
    return DBTaskResult.objects.filter(pk__in=orphaned, status=TaskResultStatus.RUNNING) \
        .update(status=TaskResultStatus.READY, started_at=None)
