"""The schedule: what `craftpath worker` does once a minute besides running queued tasks.
Reminders before and after cycle deadlines, emails whose retry time has come, and emails
whose worker stopped while it held them (their lease ran out). Safe to run from several
workers at once (reminders carry a unique key; re-queued emails are claimed by
compare-and-set).

The reminders belong to the apps above this one (the cycles app's deadlines): each registers
its job from its AppConfig.ready(), so the schedule needs no import of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import delivery, heartbeat, notify

# Each takes the time now and returns how many people it reminded.
ReminderJob = Callable[[datetime], int]
_reminder_jobs: list[ReminderJob] = []


def add_reminders(job: ReminderJob) -> None:
    """Run `job` on every tick (once each, however often an app's ready() is called)."""
    if job not in _reminder_jobs:
        _reminder_jobs.append(job)


# Other apps' upkeep on every tick (webhook deliveries a stopped worker held, say).
_upkeep_jobs: list[Callable[[datetime], int]] = []


def add_upkeep(job: Callable[[datetime], int]) -> None:
    if job not in _upkeep_jobs:
        _upkeep_jobs.append(job)


@dataclass(frozen=True)
class Tick:
    reminders: int
    retried: int  # emails queued again: retries due, and the reclaimed among them
    reclaimed: int  # emails a stopped worker held, back to pending


def tick(now=None) -> Tick:
    now = now or timezone.now()
    with transaction.atomic():
        reminders = sum(job(now) for job in _reminder_jobs)
    with transaction.atomic():
        heartbeat.requeue_orphaned_tasks(now)
        reclaimed = delivery.reclaim_expired(now)  # due now: requeued just below
        retried = notify.requeue_due(now)
    for job in _upkeep_jobs:
        with transaction.atomic():
            job(now)
    return Tick(reminders, retried, reclaimed)
