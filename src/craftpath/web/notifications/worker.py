"""`craftpath worker`: run the task queue (django-tasks-db's database worker) and the schedule.

Several workers may run against one PostgreSQL database: the library claims each queued task
with SELECT … FOR UPDATE SKIP LOCKED, and an email row is claimed again by compare-and-set
before it is sent (delivery.py), so nothing is sent twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import get_random_string

from craftpath import config

from . import heartbeat


def schedule_every() -> timedelta:
    """Once a minute, or twice per lease when leases are shorter (so a stopped worker's
    claims go back to the queue soon after they run out)."""
    return min(timedelta(minutes=1), config.get("CRAFTPATH_WORKER_LEASE") / 2)


def _queue_worker(worker_id: str | None = None):
    from django_tasks_db.management.commands.db_worker import Worker

    # batch: run what is ready, then return to the loop below (which runs the schedule).
    return Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                  startup_delay=False, max_tasks=None, excluded_queue_names=[],
                  worker_id=worker_id or get_random_string(20))


def drain(worker_id: str | None = None) -> None:
    """Run every task that is ready now, then return."""
    _queue_worker(worker_id).run()


def run(interval: float = 1.0, once: bool = False,
        clock: Callable = timezone.now, say: Callable[[str], None] = lambda _: None) -> None:
    """Drain the queue every `interval` seconds and run the schedule once a minute; with
    `once`, run the schedule and drain the queue one time and return. SIGTERM and Ctrl+C
    stop it between tasks (the library's handler), never in the middle of a send."""
    import threading

    from django.db import close_old_connections

    from .schedule import tick

    queue = _queue_worker()
    heartbeat.beat(queue.worker_id)
    stop_beating = threading.Event()
    threading.Thread(target=heartbeat.keep_beating, args=(queue.worker_id, stop_beating),
                     daemon=True, name="craftpath-heartbeat").start()
    if threading.current_thread() is threading.main_thread():
        queue.configure_signals()
    # Started by `craftpath serve`: stop when it is gone (killed without stopping us).
    parent = config.get("CRAFTPATH_WORKER_PARENT")
    last_tick = None
    try:
        while queue.running and (not parent or os.getppid() == parent):
            now = clock()
            if last_tick is None or now - last_tick >= schedule_every():
                done = tick(now)
                last_tick = now
                if done.reminders or done.retried or done.reclaimed:
                    say(f"schedule: reminders {done.reminders}, emails queued again "
                        f"{done.retried} ({done.reclaimed} left by a stopped worker)")
            queue.run()
            if once:
                return
            close_old_connections()
            time.sleep(interval)
    finally:
        stop_beating.set()
