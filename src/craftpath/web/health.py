"""Health for load balancers and orchestrators: `/healthz` says the process answers (nothing
else is touched, so it is also the baseline of bench/web_latency.py); `/readyz` says whether
this instance can serve: the database answers, every migration is applied, and the task queue
is not stuck (the oldest task due has waited less than CRAFTPATH_READY_QUEUE_AGE: a worker is
running and keeping up). Not ready is 503 with the reasons, one per line.

A load balancer probes the backend directly: over plain HTTP, by its address. So `probes`,
the first middleware, answers both before anything else looks at the request: no redirect to
HTTPS, no check of the Host header against CRAFTPATH_ALLOWED_HOSTS, no session. They carry no
personal data."""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from craftpath import config

_migrated = False


@require_safe
def alive(request):
    return HttpResponse("ok\n", content_type="text/plain")


def problems() -> list[str]:
    """Why this instance is not ready; empty when it is."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return [f"database: {str(error).strip() or type(error).__name__}"]
    found = []
    global _migrated
    if not _migrated:  # once all are applied they stay so while this process runs
        executor = MigrationExecutor(connection)
        waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if waiting:
            found.append(f"migrations: {len(waiting)} not applied (craftpath migrates at "
                         "start)")
        _migrated = not waiting
    age = oldest_due_task_age()
    limit = config.get("CRAFTPATH_READY_QUEUE_AGE")
    if age is not None and age > limit:
        found.append(f"task queue: the oldest task due has waited {int(age.total_seconds())} s "
                     f"(limit {int(limit.total_seconds())} s); is a worker running?")
    return found


def oldest_due_task_age():
    """How long the longest-waiting task that is due has waited, or None when none is."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    oldest = None
    for enqueued, run_after in DBTaskResult.objects.ready().order_by("enqueued_at") \
            .values_list("enqueued_at", "run_after")[:50]:
        since = enqueued if run_after == get_date_max() else max(enqueued, run_after)
        oldest = since if oldest is None else min(oldest, since)
    return None if oldest is None else now - oldest


@require_safe
def ready(request):
    found = problems()
    if found:
        return HttpResponse("not ready\n" + "".join(f"{line}\n" for line in found),
                            status=503, content_type="text/plain")
    return HttpResponse("ready\n", content_type="text/plain")


PROBES = {"/healthz": alive, "/readyz": ready}


def probes(get_response):
    """Middleware: /healthz and /readyz answered as they come (see the module's docstring)."""

    def middleware(request):
        probe = PROBES.get(request.path_info)
        return probe(request) if probe is not None else get_response(request)

    return middleware
