"""Creating and launching a cycle: who is in it, and one check-in each, in bulk.

Launching does what the check-in loop's `start` does for one person (the same scope, the same
rows), for everyone at once with bulk inserts: the scope is built once per distinct (family,
level, tracks), check-ins and their entries go in with a few large INSERTs. People who cannot
have a check-in (no family or level in the directory, a level the version lacks, an open
check-in already) are left out and listed with the reason.
"""

from __future__ import annotations

from itertools import islice

from django.db import IntegrityError, transaction
from django.utils import timezone

from craftpath.web.accounts.models import Team, User, normalise_email
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import CheckIn, Entry
from craftpath.web.frameworks.publishing import framework_of
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify

from .models import Audience, Cycle, Participant


class CycleError(Exception):
    """What the people team asked cannot be done; the message says why, and `field` names
    the input it is about when one is (the API reports it)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class StaleCycle(CycleError):
    """The cycle changed since the page (or the API caller) read it; nothing was changed."""


def audience_problem(audience: str, value: str, version) -> str | None:
    """Why the audience names nothing that exists, or None."""
    value = value.strip()
    if audience == Audience.EVERYONE:
        return None
    if not value:
        return "Say which one (the family or level slug, the team name, or the manager's email)."
    framework = framework_of(version)
    if audience == Audience.FAMILY and framework.find_family(value) is None:
        known = ", ".join(f.slug for f in framework.families)
        return f"No family {value!r} in version {version.label} (known: {known})."
    if audience == Audience.LEVEL and not any(f.find_level(value) for f in framework.families):
        return f"No level {value!r} in version {version.label}."
    if audience == Audience.TEAM and not Team.objects.filter(name__iexact=value).exists():
        return f"No team called {value!r}."
    if audience == Audience.MANAGER and not User.objects.filter(
            email=normalise_email(value)).exists():
        return f"Nobody with the email {value!r}."
    return None


def audience_people(cycle: Cycle):
    """Active people the cycle is for (before leaving out those who cannot take part)."""
    from craftpath.web import access

    people = User.objects.filter(is_active=True)
    value = cycle.audience_value.strip()
    if cycle.audience == Audience.FAMILY:
        family = framework_of(cycle.version).find_family(value)
        return people.filter(family_slug=family.slug if family else value)
    if cycle.audience == Audience.LEVEL:
        slugs = {level.slug for f in framework_of(cycle.version).families
                 if (level := f.find_level(value))}
        return people.filter(level_slug__in=slugs or {value})
    if cycle.audience == Audience.TEAM:
        return people.filter(teams__name__iexact=value)
    if cycle.audience == Audience.MANAGER:
        manager = User.objects.filter(email=normalise_email(value)).first()
        return people.filter(pk__in=access.report_ids(manager) if manager else ())
    return people


def launch(cycle: Cycle, now=None) -> Cycle:
    """Open a check-in for each person in the cycle and tell them, all in one transaction."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            current = Cycle.objects.select_for_update().get(pk=cycle.pk)
            if current.launched_at is not None:
                raise CycleError("This cycle was launched already.")
            participants, skipped = _open_checkins(current, now)
            current.launched_at, current.skipped = now, skipped
            current.save(update_fields=["launched_at", "skipped"])
            notify(Kind.CYCLE_LAUNCHED, [p.person_id for p in participants],
                   f"{current.name} has started: your self-assessment is due "
                   f"{current.self_due:%d %B %Y}",
                   f"A check-in is open for you in the review cycle {current.name}. Rate "
                   "yourself against your level's statements, with evidence; your manager "
                   "then reviews it and you agree an outcome together.",
                   link="/home/", now=now)
    except IntegrityError:
        # Someone opened a check-in of their own while the cycle was launching.
        raise CycleError("Someone started a check-in while the cycle was launching; nothing "
                         "was launched. Launch it again.") from None
    return current


def _open_checkins(cycle: Cycle, now) -> tuple[list[Participant], list[dict]]:
    framework = framework_of(cycle.version)
    people = list(audience_people(cycle).distinct().order_by("pk").values(
        "pk", "name", "email", "family_slug", "level_slug", "track_slugs", "manager_id"))
    ids = [p["pk"] for p in people]
    busy = set(CheckIn.objects.filter(closed_at=None, person_id__in=ids)
               .values_list("person_id", flat=True))
    teams: dict[int, str] = {}
    for person_id, team in User.teams.through.objects.filter(user_id__in=ids) \
            .values_list("user_id", "team__name").order_by("team__name"):
        teams.setdefault(person_id, team)
    scope_cache: dict[tuple, scopes.Scope | str] = {}
    skipped, ready = [], []
    for person in people:
        reason = None
        if person["pk"] in busy:
            reason = "already has an open check-in"
        elif not person["family_slug"] or not person["level_slug"]:
            reason = "no family or level in the directory"
        else:
            found = _scope(framework, person, cycle.include_next_level, scope_cache)
            if isinstance(found, str):
                reason = found
        if reason:
            skipped.append({"name": person["name"], "email": person["email"], "reason": reason})
        else:
            ready.append((person, found))
    checkins = CheckIn.objects.bulk_create(
        [CheckIn(person_id=person["pk"], version=cycle.version,
                 family_slug=found.family.slug, level_slug=found.level.slug,
                 next_level_slug=found.next_level.slug if found.next_level else "",
                 track_slugs=list(found.tracks), started_at=now,
                 reviewer_id=person["manager_id"])
         for person, found in ready], batch_size=500)
    _insert_entries(((checkin.pk, item.statement.id, item.position)
                     for checkin, (_, found) in zip(checkins, ready, strict=True)
                     for item in found.items), now)
    participants = Participant.objects.bulk_create(
        [Participant(cycle=cycle, person_id=person["pk"], checkin_id=checkin.pk,
                     team=teams.get(person["pk"], ""))
         for checkin, (person, _) in zip(checkins, ready, strict=True)], batch_size=1000)
    return participants, skipped


ENTRY_DEFAULTS = {f"{side}_{part}": "" for side in ("self", "manager", "agreed")
                  for part in ("value", "reason", "comment")} | {
    f"{side}_revision": 0 for side in ("self", "manager", "agreed")}


def _insert_entries(rows, now) -> None:
    """Entries written directly: a cycle makes hundreds of thousands of these rows, and the
    ORM's per-field preparation costs ten times the database's own work. The columns and
    defaults are the model's (unrated, revision 0), as `Entry.objects.create` would write;
    PostgreSQL takes them by COPY, SQLite by one prepared INSERT run many times."""
    from django.db import connection

    names = ["checkin_id", "statement_id", "position", *ENTRY_DEFAULTS, "updated_at"]
    quote = connection.ops.quote_name
    table, columns = quote(Entry._meta.db_table), ", ".join(map(quote, names))
    if connection.vendor == "postgresql":
        tail = (*ENTRY_DEFAULTS.values(), now)
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *tail))
        return
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    tail = (*ENTRY_DEFAULTS.values(), connection.ops.adapt_datetimefield_value(now))
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, 5000)):  # not all in memory at once
            cursor.executemany(sql, [(*row, *tail) for row in chunk])


def _scope(framework, person: dict, include_next: bool, cache: dict):
    key = (person["family_slug"], person["level_slug"], tuple(person["track_slugs"] or ()))
    if key not in cache:
        family = framework.find_family(key[0])
        level = family.find_level(key[1]) if family else None
        if level is None or level.missing:
            cache[key] = f"level {key[1]} is not in this framework version"
        else:
            following = family.next_level(level) if include_next else None
            found = scopes.build(framework, family.slug, level.slug,
                                 following.slug if following else "", key[2])
            cache[key] = found if found.items else "no statements for their level and tracks"
    return cache[key]
