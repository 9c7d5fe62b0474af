"""The background tasks (django-tasks): sending notification emails and the schedule's run.
Thin: the work is in delivery.py and schedule.py, which take an explicit clock."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_emails(ids: list[int]) -> int:
    from . import delivery

    return delivery.deliver(ids)
