"""Where a cycle stands: each check-in's status, counts per team and status, who is late.

Everything is computed in the database with annotations (one grouped query for the counts,
one filtered query for the late), so the page stays quick at 10,000 people.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.utils import timezone

from craftpath.web.checkins.models import Entry

from .models import STAGES, Cycle, Participant

STATUSES = (("not-started", "Not started"), ("in-progress", "In progress"),
            ("submitted", "Submitted"), ("reviewed", "Reviewed"), ("closed", "Closed"))
STATUS_LABELS = dict(STATUSES)


def with_status(participants):
    started = Entry.objects.filter(checkin_id=OuterRef("checkin_id"), self_revision__gt=0)
    return participants.annotate(status=Case(
        When(checkin__closed_at__isnull=False, then=Value("closed")),
        When(checkin__manager_submitted_at__isnull=False, then=Value("reviewed")),
        When(checkin__self_submitted_at__isnull=False, then=Value("submitted")),
        When(Exists(started), then=Value("in-progress")),
        default=Value("not-started"), output_field=CharField()))


def outstanding(stage: str) -> Q:
    """Participants for whom `stage` is not done yet."""
    if stage == "self":
        return Q(checkin__self_submitted_at=None, checkin__closed_at=None)
    if stage == "review":
        return Q(checkin__manager_submitted_at=None, checkin__closed_at=None)
    if stage == "agreement":
        unagreed = Entry.objects.filter(checkin_id=OuterRef("checkin_id"), agreed_value="")
        return Q(checkin__closed_at=None) & Q(Exists(unagreed))
    return Q(checkin__closed_at=None)


def late_filter(cycle: Cycle, today) -> Q:
    late = Q(pk__in=[])
    for stage, _, _ in STAGES:
        if cycle.due(stage) < today:
            late |= outstanding(stage)
    return late


def late_stage(cycle: Cycle, participant, today) -> str:
    """The earliest stage this (late) participant has missed."""
    checkin = participant.checkin
    for stage, label, _ in STAGES:
        if cycle.due(stage) >= today:
            continue
        if stage == "self" and checkin.self_submitted_at is None:
            return label
        if stage == "review" and checkin.manager_submitted_at is None:
            return label
        if stage in ("agreement", "close") and checkin.closed_at is None:
            return label
    return ""


@dataclass
class TeamRow:
    team: str
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(status, 0) for status, _ in STATUSES]


@dataclass
class Progress:
    teams: list[TeamRow]
    totals: dict
    late_count: int
    late: list  # (participant, stage label), the first LATE_SHOWN
    people: int

    def total_cells(self) -> list[int]:
        return [self.totals.get(status, 0) for status, _ in STATUSES]

    def stat_cells(self) -> list[tuple[str, str, int]]:
        return [(status, label, self.totals.get(status, 0)) for status, label in STATUSES]


LATE_SHOWN = 100


def progress_of(cycle: Cycle, today=None) -> Progress:
    today = today or timezone.localdate()
    teams: dict[str, TeamRow] = {}
    totals: dict[str, int] = {}
    for row in with_status(Participant.objects.filter(cycle=cycle)).order_by() \
            .values("team", "status").annotate(n=Count("pk")):
        teams.setdefault(row["team"], TeamRow(row["team"] or "No team")).counts[row["status"]] \
            = row["n"]
        totals[row["status"]] = totals.get(row["status"], 0) + row["n"]
    late_rows = Participant.objects.filter(cycle=cycle).filter(late_filter(cycle, today))
    late_count = late_rows.count() if cycle.launched_at and not cycle.closed_at else 0
    late = []
    if late_count:
        for participant in late_rows.select_related("person", "checkin__reviewer") \
                .order_by("team", "person__name")[:LATE_SHOWN]:
            late.append((participant, late_stage(cycle, participant, today)))
    return Progress(sorted(teams.values(), key=lambda t: t.team), totals, late_count, late,
                    sum(totals.values()))


def summary_of(cycle: Cycle) -> dict:
    """Counts per status for the whole cycle (the home page shows these)."""
    counts = dict(with_status(Participant.objects.filter(cycle=cycle)).order_by()
                  .values_list("status").annotate(n=Count("pk")))
    return {"cycle": cycle, "cells": [(label, counts.get(status, 0))
                                      for status, label in STATUSES],
            "people": sum(counts.values())}
