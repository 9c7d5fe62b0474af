"""The background tasks (django-tasks): sending notification emails and the schedule's run.
Thin: the work is in delivery.py and schedule.py, which take an explicit clock; notify.py
puts the emails on the queue."""

from __future__ import annotations

from django_tasks import task

from . import delivery


@task()
def deliver_emails(ids: list[int]) -> int:
    return delivery.deliver(ids)
