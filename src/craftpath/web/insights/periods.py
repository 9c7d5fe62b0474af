"""Closed periods for the fairness figures.

Figures by attribute that follow every close let whoever reads them before and after one
close see which group moved, and so the closed person's group. So the fairness figures are
published per closed period: as at the start of the current quarter, from each person's last
check-in closed before it (their latest quarter's result before the current quarter) and
attributes as they stood then. Nothing that happens during the quarter (a close, an attribute
recorded or changed) changes them; they move once a quarter, by the whole quarter's changes.
Withdrawing an attribute and erasing a person remove the person's data at once, but not from
the period's figures: those are kept as first read (pages/fairness.py, FairnessFigures), as
sums of groups of at least the minimum size, because figures that moved with an erasure would
show the erased person's group."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .aggregates import quarter_of
from .models import PersonAttribute


def period_start(now: datetime | None = None) -> datetime:
    """The start of the current quarter (UTC, as quarters of closes are counted)."""
    now = (now or timezone.now()).astimezone(UTC)
    return now.replace(month=(now.month - 1) // 3 * 3 + 1, day=1, hour=0, minute=0, second=0,
                       microsecond=0)


def current_quarter(now: datetime | None = None) -> str:
    return quarter_of(period_start(now))


def as_at(now: datetime | None = None) -> date:
    """The last day of the last full quarter: the date the figures are as at."""
    return (period_start(now) - timedelta(days=1)).date()


def record_attribute(person, kind: str, value: str, now: datetime | None = None) -> None:
    """Record or change `person`'s attribute, keeping the value it had when the period began
    for the figures (`value_before`)."""
    now = now or timezone.now()
    start = period_start(now)
    with transaction.atomic():
        found = PersonAttribute.objects.select_for_update().filter(person=person,
                                                                   kind=kind).first()
        if found is None:
            PersonAttribute.objects.create(person=person, kind=kind, value=value,
                                           consented_at=now, value_before="")
            return
        if found.value == value:
            return
        if found.consented_at < start:  # the value the period began with
            found.value_before = found.value
        found.value, found.consented_at = value, now
        found.save(update_fields=["value", "value_before", "consented_at"])
