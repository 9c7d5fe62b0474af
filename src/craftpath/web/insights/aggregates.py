"""Keeping the insights figures when a check-in closes, and rebuilding them from history.

`record_closed(checkin)` runs inside the transaction that closes a check-in (loop.close), so
the figures and the record never disagree. It reads only that check-in's entries: summarising
one check-in is a few dozen rows, whatever the size of the organisation.
`rebuild()` recomputes everything from the closed check-ins (the backfill command).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from craftpath.core.progress import NOT_APPLICABLE, Rating, Scale, level_coverage

from .models import AreaResult, QuarterResult, RatingCount, Standing


def quarter_of(when: datetime) -> str:
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


@dataclass
class Summary:
    """One closed check-in, reduced to the figures insights need."""

    fields: dict
    areas: dict[str, list[int]] = field(default_factory=dict)
    covered_statements: list[str] = field(default_factory=list)
    manager_counts: dict[str, int] = field(default_factory=dict)
    agreed_counts: dict[str, int] = field(default_factory=dict)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarise(checkin, scope, entries: list[tuple[str, str, str, str, str]]) -> Summary:
    """`entries`: (statement id, self, manager, agreed value, agreed reason) of a check-in."""
    scale = Scale.of(scope.framework.scale)
    position = {label: i for i, label in enumerate(scale.labels)}
    agreed = {sid: Rating(value, reason) for sid, _s, _m, value, reason in entries if value}
    at = level_coverage(scope.family, scope.level, agreed, scale, scope.tracks)
    following = scope.next_level
    toward = level_coverage(scope.family, following, agreed, scale, scope.tracks) \
        if following else []
    areas: dict[str, list[int]] = {}
    for coverage in at:
        if not coverage.gap:
            areas[coverage.area.slug] = [coverage.count("covered"), coverage.applicable, 0, 0]
    for coverage in toward:
        if not coverage.gap:
            row = areas.setdefault(coverage.area.slug, [0, 0, 0, 0])
            row[2], row[3] = coverage.count("covered"), coverage.applicable
    covered_at = sum(r[0] for r in areas.values())
    applicable_at = sum(r[1] for r in areas.values())
    covered_next = sum(r[2] for r in areas.values())
    applicable_next = sum(r[3] for r in areas.values())
    gaps, manager_positions, agreed_positions = [], [], []
    for _sid, mine, theirs, outcome, _reason in entries:
        if mine in position and theirs in position:
            gaps.append(position[mine] - position[theirs])
        if theirs in position:
            manager_positions.append(position[theirs])
        if outcome in position:
            agreed_positions.append(position[outcome])
    closed_at = checkin.closed_at
    return Summary(
        fields={
            "checkin_id": checkin.pk, "closed_on": closed_at.date(),
            "family_slug": checkin.family_slug, "level_slug": checkin.level_slug,
            "next_level_slug": following.slug if following else "",
            "reviewer_id": checkin.reviewer_id,
            "covered_at": covered_at, "applicable_at": applicable_at,
            "covered_next": covered_next, "applicable_next": applicable_next,
            "share_at": covered_at / applicable_at if applicable_at else None,
            "share_next": covered_next / applicable_next if applicable_next else None,
            "agreed_mean": _mean(agreed_positions), "manager_mean": _mean(manager_positions),
            "gap_mean": _mean(gaps),
        },
        areas=areas,
        covered_statements=sorted(sid for sid, r in agreed.items()
                                  if r.value != NOT_APPLICABLE and scale.covers(r.value)),
        manager_counts=dict(Counter(theirs for _s, _m, theirs, _a, _r in entries
                                    if theirs in position)),
        agreed_counts=dict(Counter(outcome for _s, _m, _t, outcome, _r in entries
                                   if outcome in position)),
    )


def _entries_of(checkin) -> list[tuple]:
    return list(checkin.entries.values_list("statement_id", "self_value", "manager_value",
                                            "agreed_value", "agreed_reason"))


def record_closed(checkin) -> None:
    """Fold a just-closed check-in into the figures. Call inside the closing transaction."""
    from craftpath.web.checkins import scope as scopes

    if checkin.closed_at is None:
        return
    scope = scopes.of_checkin(checkin)
    store(checkin.person_id, checkin.closed_at, summarise(checkin, scope, _entries_of(checkin)),
          list(scope.framework.scale))


def store(person_id: int, closed_at: datetime, summary: Summary, scale: list[str]) -> None:
    """Replace the person's standing and their result for the quarter, when this check-in is
    the latest of each (a check-in closed earlier than one already counted changes nothing)."""
    with transaction.atomic():
        current = Standing.objects.select_for_update().filter(person_id=person_id).first()
        if current is None or current.closed_at <= closed_at:
            Standing.objects.update_or_create(person_id=person_id, defaults={
                **summary.fields, "closed_at": closed_at, "areas": summary.areas,
                "covered_statements": summary.covered_statements,
                "manager_counts": summary.manager_counts})
        quarter = quarter_of(closed_at)
        result = QuarterResult.objects.select_for_update().filter(
            person_id=person_id, quarter=quarter).first()
        if result is not None and result.closed_at > closed_at:
            return
        if result is not None:
            result.delete()  # its area and rating rows go with it
        result = QuarterResult.objects.create(person_id=person_id, quarter=quarter,
                                              closed_at=closed_at, **summary.fields)
        AreaResult.objects.bulk_create(
            AreaResult(result=result, quarter=quarter, person_id=person_id, area_slug=slug,
                       covered=row[0], applicable=row[1])
            for slug, row in summary.areas.items() if row[1])
        RatingCount.objects.bulk_create(
            RatingCount(result=result, quarter=quarter, person_id=person_id, label=label,
                        position=scale.index(label), count=count)
            for label, count in summary.agreed_counts.items())


def rebuild(progress=None, people_per_batch: int = 200) -> int:
    """Recompute every figure from the closed check-ins, a batch of people at a time, with
    bulk inserts; returns how many check-ins were read. `progress(done, total)` is called
    after each batch. Runs in one transaction: readers see the old figures until it ends."""
    from craftpath.web.checkins import scope as scopes
    from craftpath.web.checkins.models import CheckIn, Entry

    closed = CheckIn.objects.exclude(closed_at=None)
    total = closed.count()
    people = sorted(set(closed.values_list("person_id", flat=True)))
    done = 0
    with transaction.atomic():
        RatingCount.objects.all().delete()
        AreaResult.objects.all().delete()
        QuarterResult.objects.all().delete()
        Standing.objects.all().delete()
        for start in range(0, len(people), people_per_batch):
            chunk = people[start:start + people_per_batch]
            checkins = list(closed.filter(person_id__in=chunk).select_related("version")
                            .defer("snapshot", "summary", "version__document")
                            .order_by("person_id", "closed_at", "id"))
            rows: dict[int, list[tuple]] = {c.pk: [] for c in checkins}
            for row in Entry.objects.filter(checkin__in=[c.pk for c in checkins]).values_list(
                    "checkin_id", "statement_id", "self_value", "manager_value",
                    "agreed_value", "agreed_reason"):
                rows[row[0]].append(row[1:])
            latest: dict[int, tuple] = {}
            by_quarter: dict[tuple[int, str], tuple] = {}
            for checkin in checkins:  # oldest first: later ones replace earlier ones
                scope = scopes.of_checkin(checkin)
                made = (checkin, summarise(checkin, scope, rows[checkin.pk]),
                        list(scope.framework.scale))
                latest[checkin.person_id] = made
                by_quarter[(checkin.person_id, quarter_of(checkin.closed_at))] = made
            _bulk_store(latest, by_quarter)
            done += len(checkins)
            if progress is not None:
                progress(done, total)
    return done


def _bulk_store(latest: dict[int, tuple], by_quarter: dict[tuple[int, str], tuple]) -> None:
    Standing.objects.bulk_create(
        [Standing(person_id=person_id, closed_at=checkin.closed_at, areas=summary.areas,
                  covered_statements=summary.covered_statements,
                  manager_counts=summary.manager_counts, **summary.fields)
         for person_id, (checkin, summary, _scale) in latest.items()], batch_size=500)
    keys = list(by_quarter)
    results = QuarterResult.objects.bulk_create(
        [QuarterResult(person_id=person_id, quarter=quarter,
                       closed_at=by_quarter[(person_id, quarter)][0].closed_at,
                       **by_quarter[(person_id, quarter)][1].fields)
         for person_id, quarter in keys], batch_size=500)
    areas, ratings = [], []
    for (person_id, quarter), result in zip(keys, results, strict=True):
        _checkin, summary, scale = by_quarter[(person_id, quarter)]
        areas += [AreaResult(result_id=result.pk, quarter=quarter, person_id=person_id,
                             area_slug=slug, covered=row[0], applicable=row[1])
                  for slug, row in summary.areas.items() if row[1]]
        ratings += [RatingCount(result_id=result.pk, quarter=quarter, person_id=person_id,
                                label=label, position=scale.index(label), count=count)
                    for label, count in summary.agreed_counts.items()]
    AreaResult.objects.bulk_create(areas, batch_size=2000)
    RatingCount.objects.bulk_create(ratings, batch_size=2000)
