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

from django.db import connection, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from craftpath.core.progress import NOT_APPLICABLE, Rating, Scale, level_coverage
from craftpath.web.accounts import orgchart
from craftpath.web.accounts.models import User
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import CheckIn, Entry

from .models import (
    AreaResult,
    ClosedStart,
    QuarterResult,
    QuarterTally,
    RatingCount,
    Standing,
    StandingArea,
    StandingRating,
    StandingStatement,
)

TALLIED = ("people", "covered", "applicable", "share_sum", "shares", "count")
TALLY_CELL = ("quarter", "organisation_id", "family_slug", "level_slug", "kind", "key")
EVERYONE = 0  # the organisation_id of the whole organisation's tallies


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
    if checkin.closed_at is None:
        return
    scope = scopes.of_checkin(checkin)
    store(checkin.person_id, checkin.closed_at, summarise(checkin, scope, _entries_of(checkin)),
          list(scope.framework.scale), orgchart.above(checkin.person_id))
    ClosedStart.objects.bulk_create([ClosedStart(person_id=checkin.person_id,
                                                 quarter=quarter_of(checkin.started_at))],
                                    ignore_conflicts=True)  # once per person and quarter


def tally_of(fields: dict, areas: dict[str, list[int]],
             ratings: dict[str, tuple[int, int]]) -> dict[tuple[str, str], dict]:
    """What one quarter's result adds to its QuarterTally cells: (kind, key) → sums."""
    share = fields["share_at"]
    found = {("all", ""): {"people": 1, "share_sum": share or 0.0,
                           "shares": int(share is not None)}}
    for slug, row in areas.items():
        if row[1]:
            found[("area", slug)] = {"people": 1, "covered": row[0], "applicable": row[1]}
    for label, (_position, count) in ratings.items():
        found[("rating", label)] = {"count": count}
    return found


def add_tallies(deltas: dict[tuple, dict], quarter: str, organisations: list[int],
                family: str, level: str, sums: dict[tuple[str, str], dict],
                sign: int = 1) -> None:
    """Add one result's sums (`tally_of`) to the cells of the whole organisation and of every
    organisation it was in, keyed as TALLY_CELL."""
    for organisation in (EVERYONE, *organisations):
        for (kind, key), values in sums.items():
            kept = deltas.setdefault((quarter, organisation, family, level, kind, key),
                                     dict.fromkeys(TALLIED, 0))
            for name, value in values.items():
                kept[name] += sign * value


def _upsert_tallies(deltas: dict[tuple, dict], batch: int = 300) -> None:
    """Add `deltas` to their QuarterTally rows, creating missing ones, in one statement per
    batch: INSERT … ON CONFLICT DO UPDATE adds in the database, so two closes at once both
    count (SQLite and PostgreSQL spell it the same way)."""
    quote = connection.ops.quote_name
    table = quote(QuarterTally._meta.db_table)
    columns = ", ".join(quote(c) for c in (*TALLY_CELL, *TALLIED))
    conflict = ", ".join(quote(c) for c in TALLY_CELL)
    adding = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}"
                       for c in TALLIED)
    rows = [(*cell, *(values[name] for name in TALLIED)) for cell, values in deltas.items()]
    marks = "(" + ", ".join(["%s"] * (len(TALLY_CELL) + len(TALLIED))) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([marks] * len(chunk))} "
                f"ON CONFLICT ({conflict}) DO UPDATE SET {adding}",
                [value for row in chunk for value in row])


def store(person_id: int, closed_at: datetime, summary: Summary, scale: list[str],
          organisations: list[int] = ()) -> None:
    """Replace the person's standing and their result for the quarter, when this check-in is
    the latest of each (a check-in closed earlier than one already counted changes nothing),
    and move the quarter's tallies from the old result to the new one. `organisations`: the
    managers above the person now, nearest first."""
    organisations = list(organisations)
    with transaction.atomic():
        current = Standing.objects.select_for_update().filter(person_id=person_id).first()
        if current is None or current.closed_at <= closed_at:
            Standing.objects.update_or_create(person_id=person_id, defaults={
                **summary.fields, "closed_at": closed_at, "areas": summary.areas,
                "covered_statements": summary.covered_statements,
                "manager_counts": summary.manager_counts})
            for model in (StandingArea, StandingRating, StandingStatement):
                model.objects.filter(person_id=person_id).delete()
            StandingArea.objects.bulk_create(_standing_areas(person_id, summary))
            StandingRating.objects.bulk_create(_standing_ratings(person_id, summary))
            StandingStatement.objects.bulk_create(_standing_statements(person_id, summary))
        quarter = quarter_of(closed_at)
        result = QuarterResult.objects.select_for_update().filter(
            person_id=person_id, quarter=quarter).first()
        if result is not None and result.closed_at > closed_at:
            return
        deltas: dict[tuple, dict] = {}
        if result is not None:
            old_areas = {a.area_slug: [a.covered, a.applicable]
                         for a in AreaResult.objects.filter(result=result)}
            old_ratings = {r.label: (r.position, r.count)
                           for r in RatingCount.objects.filter(result=result)}
            add_tallies(deltas, result.quarter, result.organisations, result.family_slug,
                        result.level_slug,
                        tally_of({"share_at": result.share_at}, old_areas, old_ratings), -1)
            result.delete()  # its area and rating rows go with it
        result = QuarterResult.objects.create(
            person_id=person_id, quarter=quarter, closed_at=closed_at,
            manager_id_then=organisations[0] if organisations else None,
            organisations=organisations, **summary.fields)
        ratings = _ratings(summary, scale)
        AreaResult.objects.bulk_create(
            AreaResult(result=result, quarter=quarter, person_id=person_id, area_slug=slug,
                       covered=row[0], applicable=row[1])
            for slug, row in summary.areas.items() if row[1])
        RatingCount.objects.bulk_create(
            RatingCount(result=result, quarter=quarter, person_id=person_id, label=label,
                        position=position, count=count)
            for label, (position, count) in ratings.items())
        add_tallies(deltas, quarter, organisations, result.family_slug, result.level_slug,
                    tally_of(summary.fields, summary.areas, ratings), +1)
        _upsert_tallies(deltas)


def forget_person(person_id: int) -> None:
    """Take a person out of every figure (an erasure or anonymisation): their quarters'
    results come off the tallies they were added to, and every row about them goes, so no
    mean counts them any more."""
    with transaction.atomic():
        deltas: dict[tuple, dict] = {}
        for result in QuarterResult.objects.select_for_update().filter(person_id=person_id):
            areas = {a.area_slug: [a.covered, a.applicable]
                     for a in AreaResult.objects.filter(result=result)}
            ratings = {r.label: (r.position, r.count)
                       for r in RatingCount.objects.filter(result=result)}
            add_tallies(deltas, result.quarter, result.organisations, result.family_slug,
                        result.level_slug, tally_of({"share_at": result.share_at}, areas,
                                                    ratings), -1)
        _upsert_tallies(deltas)
        QuarterResult.objects.filter(person_id=person_id).delete()
        for model in (Standing, StandingArea, StandingRating, StandingStatement, ClosedStart):
            model.objects.filter(person_id=person_id).delete()


def _standing_areas(person_id: int, summary: Summary) -> list[StandingArea]:
    return [StandingArea(person_id=person_id, area_slug=slug, share=row[0] / row[1])
            for slug, row in summary.areas.items() if row[1]]


def _standing_ratings(person_id: int, summary: Summary) -> list[StandingRating]:
    fields = summary.fields
    if fields["reviewer_id"] is None:
        return []  # calibration counts reviewed check-ins only
    return [StandingRating(person_id=person_id, family_slug=fields["family_slug"],
                           level_slug=fields["level_slug"], reviewer_id=fields["reviewer_id"],
                           label=label, count=count)
            for label, count in summary.manager_counts.items()]


def _standing_statements(person_id: int, summary: Summary) -> list[StandingStatement]:
    family = summary.fields["family_slug"]
    return [StandingStatement(person_id=person_id, family_slug=family, statement_id=sid)
            for sid in summary.covered_statements]


def _ratings(summary: Summary, scale: list[str]) -> dict[str, tuple[int, int]]:
    return {label: (scale.index(label), count) for label, count in summary.agreed_counts.items()}


PERSON_FIGURES = (AreaResult, RatingCount, QuarterResult, StandingArea, StandingRating,
                  StandingStatement, Standing, ClosedStart)  # children before parents


def rebuild(progress=None, people_per_batch: int = 500) -> int:
    """Recompute every figure from the closed check-ins; returns how many were read.

    A batch of people at a time, each batch one transaction that replaces those people's
    figures at once: the app keeps serving (readers see each person's old figures or new
    ones, never half), and no transaction grows with the organisation (one transaction over
    500,000 check-ins outgrew SQLite's page cache and rewrote its log for an hour). The
    quarters' tallies are then recounted from the rebuilt results (`retally`).
    `progress(done, total)` is called after each batch."""
    closed = CheckIn.objects.exclude(closed_at=None)
    total = closed.count()
    people = list(closed.order_by("person_id").values_list("person_id", flat=True).distinct())
    managers = dict(User.objects.values_list("pk", "manager_id")) if people else {}
    organisations = orgchart.chains_above(managers)
    with transaction.atomic():  # people whose closed check-ins are gone
        for model in PERSON_FIGURES:
            model.objects.exclude(person_id__in=closed.values("person_id")).delete()
    done = 0
    for start in range(0, len(people), people_per_batch):
        done += _rebuild_people(people[start:start + people_per_batch], organisations)
        if progress is not None:
            progress(done, total)
    retally()
    return done


def _rebuild_people(people: list[int], organisations: dict[int, list[int]]) -> int:
    """Replace these people's figures with ones summarised from their closed check-ins."""
    with transaction.atomic():
        # Deleting first takes the write locks, so a close of one of these people either
        # ends before the check-ins are read below or waits for this batch.
        for model in PERSON_FIGURES:
            model.objects.filter(person_id__in=people).delete()
        checkins = list(CheckIn.objects.exclude(closed_at=None).filter(person_id__in=people)
                        .select_related("version")
                        .defer("snapshot", "summary", "version__document")
                        .order_by("person_id", "closed_at", "id"))
        _insert_rows(ClosedStart, ("person_id", "quarter"),
                     {(c.person_id, quarter_of(c.started_at)) for c in checkins})
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
        _bulk_store(latest, by_quarter, organisations)
    return len(checkins)


def retally() -> None:
    """Recount every QuarterTally from the quarters' results, grouped in the database by
    the organisations each result was added to. Closes wait while it runs: a close adds
    its result and its tallies in one transaction, so its result is either counted here
    or added to the new tallies after."""
    quote = connection.ops.quote_name
    with transaction.atomic():
        if connection.vendor == "postgresql":  # readers go on; writers of tallies wait
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {quote(QuarterTally._meta.db_table)} "
                               "IN EXCLUSIVE MODE")
        QuarterTally.objects.all().delete()  # on SQLite, this takes the write lock
        tallies: dict[tuple, dict] = {}
        cell = ("quarter", "organisations", "family_slug", "level_slug")
        for row in QuarterResult.objects.values(*cell).annotate(
                people=Count("id"), share_sum=Coalesce(Sum("share_at"), 0.0),
                shares=Count("share_at")).order_by():
            add_tallies(tallies, row["quarter"], row["organisations"], row["family_slug"],
                        row["level_slug"], {("all", ""): {
                            "people": row["people"], "share_sum": row["share_sum"],
                            "shares": row["shares"]}})
        joined = ("quarter", "result__organisations", "result__family_slug",
                  "result__level_slug")
        for row in AreaResult.objects.values(*joined, "area_slug").annotate(
                people=Count("id"), covered_sum=Sum("covered"),
                applicable_sum=Sum("applicable")).order_by():
            add_tallies(tallies, *(row[name] for name in joined), {("area", row["area_slug"]): {
                "people": row["people"], "covered": row["covered_sum"],
                "applicable": row["applicable_sum"]}})
        for row in RatingCount.objects.values(*joined, "label").annotate(
                count_sum=Sum("count")).order_by():
            add_tallies(tallies, *(row[name] for name in joined),
                        {("rating", row["label"]): {"count": row["count_sum"]}})
        _insert_rows(QuarterTally, (*TALLY_CELL, *TALLIED),
                     [(*key, *(sums[name] for name in TALLIED))
                      for key, sums in tallies.items()])


def _insert_rows(model, columns: tuple[str, ...], rows) -> None:
    """INSERT plain rows in one executemany: for the many small rows of a rebuild, building
    a model instance per row costs more than the database's work."""
    rows = list(rows)
    if not rows:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})", rows)


def _bulk_store(latest: dict[int, tuple], by_quarter: dict[tuple[int, str], tuple],
                organisations: dict[int, list[int]]) -> None:
    """Insert a batch's figures. History does not say who someone's managers were, so the
    rebuilt results count everyone under their managers of today."""
    Standing.objects.bulk_create(
        [Standing(person_id=person_id, closed_at=checkin.closed_at, areas=summary.areas,
                  covered_statements=summary.covered_statements,
                  manager_counts=summary.manager_counts, **summary.fields)
         for person_id, (checkin, summary, _scale) in latest.items()], batch_size=500)
    summaries = [(person_id, summary) for person_id, (_c, summary, _s) in latest.items()]
    _insert_rows(StandingArea, ("person_id", "area_slug", "share"),
                 [(r.person_id, r.area_slug, r.share) for person_id, summary in summaries
                  for r in _standing_areas(person_id, summary)])
    _insert_rows(StandingRating, ("person_id", "family_slug", "level_slug", "reviewer_id",
                                  "label", "count"),
                 [(r.person_id, r.family_slug, r.level_slug, r.reviewer_id, r.label, r.count)
                  for person_id, summary in summaries
                  for r in _standing_ratings(person_id, summary)])
    _insert_rows(StandingStatement, ("person_id", "family_slug", "statement_id"),
                 [(r.person_id, r.family_slug, r.statement_id) for person_id, summary
                  in summaries for r in _standing_statements(person_id, summary)])
    keys = list(by_quarter)
    results = QuarterResult.objects.bulk_create(
        [QuarterResult(person_id=person_id, quarter=quarter,
                       closed_at=by_quarter[(person_id, quarter)][0].closed_at,
                       manager_id_then=(organisations.get(person_id) or [None])[0],
                       organisations=organisations.get(person_id, []),
                       **by_quarter[(person_id, quarter)][1].fields)
         for person_id, quarter in keys], batch_size=500)
    areas, ratings = [], []
    for (person_id, quarter), result in zip(keys, results, strict=True):
        _checkin, summary, scale = by_quarter[(person_id, quarter)]
        areas += [(result.pk, quarter, person_id, slug, row[0], row[1])
                  for slug, row in summary.areas.items() if row[1]]
        ratings += [(result.pk, quarter, person_id, label, position, count)
                    for label, (position, count) in _ratings(summary, scale).items()]
    _insert_rows(AreaResult, ("result_id", "quarter", "person_id", "area_slug", "covered",
                              "applicable"), areas)
    _insert_rows(RatingCount, ("result_id", "quarter", "person_id", "label", "position",
                               "count"), ratings)
