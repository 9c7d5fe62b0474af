"""Data rights: a person's copy of everything craftpath holds about them, and the people
team's erasure or anonymisation of a person.

The copy holds what the person may see (access.py decides: a manager's review before both
have submitted, and other people's private notes, stay out), as one JSON document and the
same as CSV files, in a zip.

Erasing or anonymising folds the person's closed check-ins into anonymous counts
(ErasedRatings: statement, value, quarter, family and level, no person), then deletes their
check-ins, evidence, growth plan, notes about them, their private notes, their roles, second
factor and sign-in records, and moves their reports to their own manager. Anonymising keeps
the account row as a nameless, inactive tombstone (so shared notes they wrote about others,
and check-ins they reviewed, still say "a former colleague"); erasing deletes the row too,
with every note they wrote. Both are recorded in the audit trail, whose older entries keep
the name they were written with until the retention purge: the trail is the security record
of who did what, and its chain cannot be rewritten.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F, Q

from craftpath.web import access

from .models import ErasedRatings, Note, User

ANONYMISED, ERASED = "anonymise", "erase"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- the person's copy --------------------------------------------------------------------------

def _when(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


def personal_data(person: User) -> dict:
    """Everything craftpath holds about `person` that they may see, as plain JSON values."""
    from craftpath.web.audit import trail
    from craftpath.web.audit.models import Event
    from craftpath.web.checkins.models import SIDES, CheckIn, Evidence, FocusStatement, Goal

    manager = person.manager
    data = {
        "profile": {
            "id": person.pk, "email": person.email, "name": person.name,
            "active": person.is_active, "joined": _when(person.date_joined),
            "last_sign_in": _when(person.last_login), "family": person.family_slug,
            "tracks": list(person.track_slugs), "level": person.level_slug,
            "level_since": _when(person.level_since),
            "manager": {"name": manager.name, "email": manager.email} if manager else None,
            "teams": sorted(team.name for team in person.teams.all()),
            "roles": sorted(person.role_names()),
            "second_factor": _second_factor(person),
        },
        "notes": [{"id": note.pk, "about": note.about.name, "author": note.author.name,
                   "private": note.private, "created": _when(note.created_at),
                   "text": note.text}
                  for note in Note.objects.filter(
                      Q(pk__in=access.visible_notes(person, person).values("pk"))
                      | Q(author=person)).select_related("about", "author")
                  .order_by("created_at", "id")],
        "evidence": [{"id": item.pk, "title": item.title, "date": _when(item.date),
                      "link": item.link, "description": item.description,
                      "created": _when(item.created_at)}
                     for item in Evidence.objects.filter(owner=person).order_by("date", "id")],
        "checkins": [],
        "growth_plan": {
            "focus": [{"family": f.family_slug, "statement": f.statement_id, "note": f.note,
                       "created": _when(f.created_at)}
                      for f in FocusStatement.objects.filter(person=person)],
            "goals": [{"title": g.title, "due": _when(g.due), "actions": g.actions,
                       "done": g.done, "created": _when(g.created_at)}
                      for g in Goal.objects.filter(person=person)],
        },
        "who_looked_at_my_data": [_event(e) for e in trail.about(person).order_by("seq")],
        "what_i_did": [_event(e) for e in Event.objects.filter(actor_pk=person.pk)
                       .order_by("seq")],
    }
    for checkin in CheckIn.objects.filter(person=person).select_related("version", "reviewer") \
            .defer("version__document").order_by("started_at", "id"):
        sides = [side for side in SIDES if access.can_see_voice(person, checkin, side)]
        data["checkins"].append({
            "id": checkin.pk, "version": checkin.version.label, "family": checkin.family_slug,
            "level": checkin.level_slug, "next_level": checkin.next_level_slug,
            "tracks": list(checkin.track_slugs), "started": _when(checkin.started_at),
            "self_submitted": _when(checkin.self_submitted_at),
            "manager_submitted": _when(checkin.manager_submitted_at),
            "closed": _when(checkin.closed_at),
            "reviewer": checkin.reviewer.name if checkin.reviewer else None,
            "summary": checkin.summary if "agreed" in sides else "",
            "statements": [{"statement": entry.statement_id,
                            **{side: _voice(entry, side) for side in sides}}
                           for entry in checkin.entries.all()],
        })
    return data


def _second_factor(person: User) -> str:
    from . import two_factor

    return "on" if two_factor.enrolled(person) else "off"


def _voice(entry, side: str) -> dict:
    voice = entry.voice(side)
    return {"value": voice["value"], "reason": voice["reason"], "comment": voice["comment"]}


def _event(event) -> dict:
    return {"at": _when(event.at), "who": event.actor_name, "who_email": event.actor_email,
            "action": event.action, "about": event.subject_name, "what": event.target,
            "detail": event.detail}


def _defused(value) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_defused(value) for value in row])
    return out.getvalue()


def _csv_files(data: dict) -> dict[str, str]:
    profile = data["profile"]
    flat = {**profile, "manager": (profile["manager"] or {}).get("email", ""),
            "tracks": ";".join(profile["tracks"]), "teams": ";".join(profile["teams"]),
            "roles": ";".join(profile["roles"])}
    sides = ("self", "manager", "agreed")
    checkin_rows = []
    for checkin in data["checkins"]:
        for statement in checkin["statements"]:
            voices = [statement.get(side, {}) for side in sides]
            checkin_rows.append([checkin["id"], checkin["version"], checkin["level"],
                                 checkin["started"], checkin["closed"],
                                 statement["statement"],
                                 *[v.get(key, "") for v in voices
                                   for key in ("value", "reason", "comment")]])
    audit_header = ["at", "who", "who_email", "action", "about", "what", "detail"]
    return {
        "profile.csv": _csv(["field", "value"], flat.items()),
        "checkins.csv": _csv(["checkin", "version", "level", "started", "closed", "statement",
                              *[f"{side}_{key}" for side in sides
                                for key in ("value", "reason", "comment")]], checkin_rows),
        "evidence.csv": _csv(["id", "title", "date", "link", "description", "created"],
                             [list(item.values()) for item in data["evidence"]]),
        "notes.csv": _csv(["id", "about", "author", "private", "created", "text"],
                          [list(note.values()) for note in data["notes"]]),
        "focus.csv": _csv(["family", "statement", "note", "created"],
                          [list(f.values()) for f in data["growth_plan"]["focus"]]),
        "goals.csv": _csv(["title", "due", "actions", "done", "created"],
                          [list(g.values()) for g in data["growth_plan"]["goals"]]),
        "who_looked_at_my_data.csv": _csv(audit_header, [list(e.values()) for e in
                                                         data["who_looked_at_my_data"]]),
        "what_i_did.csv": _csv(audit_header, [list(e.values()) for e in data["what_i_did"]]),
    }


README = """Everything craftpath holds about {name} <{email}>, as of {now}.

data.json holds it all in one document; the .csv files hold the same, one table each
(profile, check-ins with one row per statement and voice, evidence, notes, growth plan,
who looked at your data, and what you did). A manager's review you could not yet see, and
other people's private notes, are not included.
"""


def download(person: User) -> bytes:
    """The zip a person downloads: data.json, the CSV files and a README."""
    from django.utils import timezone

    data = personal_data(person)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(name=person.name, email=person.email,
                                                     now=timezone.now().isoformat()))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name, text in _csv_files(data).items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- erasure ----------------------------------------------------------------------------------

class ErasureError(Exception):
    pass


@dataclass(frozen=True)
class Erased:
    mode: str
    checkins: int
    ratings_kept: int  # agreed outcomes folded into the anonymous counts
    notes: int
    reports_moved: int


def fold_ratings(person: User) -> int:
    """Add the agreed outcomes of `person`'s closed check-ins to the anonymous counts."""
    from craftpath.web.checkins.models import Entry

    added = 0
    entries = Entry.objects.filter(checkin__person=person, checkin__closed_at__isnull=False) \
        .exclude(agreed_value="").values_list("checkin__closed_at", "checkin__family_slug",
                                              "checkin__level_slug", "statement_id",
                                              "agreed_value")
    for closed_at, family, level, statement, value in entries.iterator():
        quarter = f"{closed_at.year}-Q{(closed_at.month - 1) // 3 + 1}"
        row, _ = ErasedRatings.objects.get_or_create(
            quarter=quarter, family_slug=family, level_slug=level, statement_id=statement,
            value=value)
        ErasedRatings.objects.filter(pk=row.pk).update(count=F("count") + 1)
        added += 1
    return added


def erase(person: User, mode: str, who) -> Erased:
    """Erase (`ERASED`) or anonymise (`ANONYMISED`) `person`, as the people team member
    `who`; all or nothing."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from craftpath.web.audit import trail
    from craftpath.web.audit.models import Action
    from craftpath.web.checkins.models import CheckIn, Evidence, FocusStatement, Goal

    if mode not in (ANONYMISED, ERASED):
        raise ErasureError(f"unknown mode {mode!r}: {ANONYMISED} or {ERASED}")
    if not access.can_erase_person(who, person):
        raise ErasureError("only the people team erases people, and never themselves")
    with transaction.atomic(), trail.acting_as(who):
        subject_pk, email = person.pk, person.email
        kept = fold_ratings(person)
        checkins = CheckIn.objects.filter(person=person)
        checkin_count = checkins.count()
        checkins.delete()
        Evidence.objects.filter(owner=person).delete()
        FocusStatement.objects.filter(person=person).delete()
        Goal.objects.filter(person=person).delete()
        notes = Note.objects.filter(about=person)
        notes |= Note.objects.filter(author=person) if mode == ERASED \
            else Note.objects.filter(author=person, private=True)
        note_count = notes.count()
        notes.delete()
        reports = list(person.reports.all())
        for report in reports:  # each move is recorded by the audit signals
            report.manager = person.manager
            report.save(update_fields=["manager"])
        person.revoke(*person.role_names())
        person.teams.clear()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=email).delete()
        _forget_second_factor(person)
        if mode == ERASED:
            person.manager = None
            person.save(update_fields=["manager"])
            person.delete()
        else:
            _anonymise_row(person)
        trail.record(who, Action.ERASED if mode == ERASED else Action.ANONYMISED, subject_pk,
                     target=f"person {subject_pk}",
                     detail=f"{checkin_count} check-ins ({kept} agreed outcomes kept as "
                            f"anonymous counts), {note_count} notes, {len(reports)} reports "
                            "moved")
    return Erased(mode, checkin_count, kept, note_count, len(reports))


def _forget_second_factor(person: User) -> None:
    from . import two_factor

    two_factor.forget(person)


def _anonymise_row(person: User) -> None:
    person.name = f"Former colleague {person.pk}"
    person.email = f"anonymised-{secrets.token_hex(8)}@anonymised.invalid"
    person.is_active = False
    person.set_unusable_password()  # also ends their sessions: the hash they carry changed
    person.family_slug = person.level_slug = ""
    person.track_slugs = []
    person.level_since = None
    person.last_login = None
    person.manager = None
    person.save()
