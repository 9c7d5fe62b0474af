"""The schedule: what `craftpath worker` does once a minute besides running queued tasks.
Reminders before and after cycle deadlines, emails whose retry time has come, and emails
stuck with a worker that stopped. Safe to run from several workers at once (reminders carry a
unique key; re-queued emails are claimed by compare-and-set)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Tick:
    reminders: int
    retried: int
    given_up: int


def tick(now=None) -> Tick:
    from craftpath.web.cycles.actions import scheduled_reminders

    from . import delivery

    now = now or timezone.now()
    with transaction.atomic():
        reminders = scheduled_reminders(now)
    with transaction.atomic():
        retried = delivery.requeue_due(now)
        given_up = delivery.give_up_stuck(now)
    return Tick(reminders, retried, given_up)
