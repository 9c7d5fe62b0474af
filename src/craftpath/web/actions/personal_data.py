"""Data rights: a person's copy of everything craftpath holds about them, and the people
team's erasure or anonymisation of a person. The actions (actions/rights.py) decide who may,
hold the transaction and record the entries; this module does the work, reading every app.

The copy holds every row of every table that points at the person (the sections below name
each relation; tests/web/test_data_rights.py walks the models and fails for a relation that
is not here), except what access.py keeps from them (a manager's review before both have
submitted, other people's private notes), as one JSON document and as CSV files, in a zip.
Secrets (password and token hashes, the second factor's key) are never in it.

Erasing or anonymising folds the person's closed check-ins into anonymous counts
(ErasedRatings: statement, value, quarter, family and level, no person), takes their figures
out of every insights tally, then deletes their check-ins, evidence, growth plan, notes about
them, their private notes, attributes, inbox, tokens, directory ids, invitations, roles,
second factor and sign-in records, and moves their reports to their own manager. Anonymising
keeps the account row as a nameless, inactive tombstone (so shared notes they wrote about
others, feedback they gave, and check-ins they reviewed, still say "a former colleague");
erasing deletes the row too, with every note they wrote. Their names in the audit trail are
replaced by what the chain hashed (audit/names.py), so the chain still verifies.
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
from craftpath.web.accounts import two_factor
from craftpath.web.accounts.models import ErasedRatings, Invitation, Note, User
from craftpath.web.api.models import AccessToken, ScimExternalId, WebhookEndpoint
from craftpath.web.audit import trail
from craftpath.web.audit.models import Event
from craftpath.web.checkins import learning
from craftpath.web.checkins.models import (
    SIDES,
    CheckIn,
    Entry,
    Evidence,
    FeedbackRequest,
    FocusStatement,
    Goal,
)
from craftpath.web.cycles.models import Participant
from craftpath.web.frameworks.models import ImportDraft
from craftpath.web.insights.aggregates import forget_person
from craftpath.web.insights.models import PersonAttribute
from craftpath.web.notifications.models import EmailOptOut, Notification
from craftpath.web.promotions.models import Case as PromotionCase
from craftpath.web.promotions.models import Committee, LevelHistory
from craftpath.web.promotions.models import Decision as PromotionDecision

ANONYMISED, ERASED = "anonymise", "erase"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- the person's copy --------------------------------------------------------------------------

def _when(value) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else value


def personal_data(person: User) -> dict:
    """Everything craftpath holds about `person` that they may see, as plain JSON values."""
    manager = person.manager
    data = {
        "profile": {
            "id": person.pk, "email": person.email, "name": person.name,
            "active": person.is_active, "joined": _when(person.date_joined),
            "last_sign_in": _when(person.last_login), "family": person.family_slug,
            "tracks": list(person.track_slugs), "level": person.level_slug,
            "level_since": _when(person.level_since),
            "manager": {"name": manager.name, "email": manager.email} if manager else None,
            "teams": [{"id": team.pk, "name": team.name}
                      for team in person.teams.order_by("name", "id")],
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
            "focus": [{"id": f.pk, "family": f.family_slug, "statement": f.statement_id,
                       "note": f.note, "created": _when(f.created_at)}
                      for f in FocusStatement.objects.filter(person=person)],
            "goals": [{"id": g.pk, "title": g.title, "due": _when(g.due), "actions": g.actions,
                       "done": g.done, "created": _when(g.created_at)}
                      for g in Goal.objects.filter(person=person)],
        },
        "attributes": [{"id": a.pk, "kind": a.kind, "value": a.value,
                        "consented": _when(a.consented_at)}
                       for a in PersonAttribute.objects.filter(person=person).order_by("kind")],
        "feedback_given": [_feedback(request, person, given=True) for request in
                           FeedbackRequest.objects.filter(colleague=person)
                           .select_related("checkin__person").order_by("created_at", "id")],
        "feedback_received": [
            _feedback(request, person, given=False) for request in
            FeedbackRequest.objects.filter(checkin__person=person)
            .select_related("checkin", "colleague").order_by("created_at", "id")
            if access.can_read_feedback(person, request.checkin)],
        # Their promotion cases as they see them: the statements, what the case was assembled
        # from, the decision and its reasons; never the committee's votes.
        "promotion_cases": [_promotion_case(case) for case in PromotionCase.objects.filter(
            person=person).select_related("round", "version").defer("version__document")
            .order_by("created_at", "id")],
        "reports": [{"id": report.pk, "name": report.name, "email": report.email}
                    for report in User.objects.filter(manager=person).order_by("name", "id")],
        **{section: _own_rows(person, label, column) for (label, column), section in
           OWN_ROWS.items()},
        "records_naming_me": _references(person),
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


# Tables whose rows are the person's own (the relation names the person they are about):
# exported whole, but for the columns that hold secrets. (Model label, column) → section.
OWN_ROWS = {
    ("accounts.RoleGrant", "person"): "roles",
    ("accounts.TwoFactorDevice", "person"): "second_factor_devices",
    ("accounts.RecoveryCode", "person"): "recovery_codes",
    ("accounts.Invitation", "person"): "invitations",
    ("api.AccessToken", "owner"): "api_tokens",
    ("api.ScimExternalId", "person"): "directory_ids",
    ("api.WebhookEndpoint", "owner"): "webhooks",
    ("cycles.Participant", "person"): "review_cycles",
    ("notifications.Notification", "recipient"): "inbox",
    ("notifications.EmailOptOut", "person"): "email_opt_outs",
    ("frameworks.ImportDraft", "owner"): "import_drafts",
    ("insights.Standing", "person"): "insights_standing",
    ("insights.StandingArea", "person"): "insights_standing_areas",
    ("insights.StandingRating", "person"): "insights_standing_ratings",
    ("insights.StandingStatement", "person"): "insights_standing_statements",
    ("insights.QuarterResult", "person"): "insights_quarter_results",
    ("insights.AreaResult", "person"): "insights_area_results",
    ("insights.RatingCount", "person"): "insights_rating_counts",
    ("insights.ClosedStart", "person"): "insights_closed_starts",
    ("promotions.LevelHistory", "person"): "level_history",
    ("promotions.Vote", "member"): "promotion_votes_cast",
}
SECRET_COLUMNS = {"password", "secret", "digest", "token_hash", "archive", "last_step",
                  "prefix", "email_only_link"}
# Rows about other people or about the organisation that name the person in a role (the
# reviewer of someone's check-in, who wrote a draft): listed by table, id and role only, since
# their content is someone else's. The sections above cover the rest: (label, column) → where.
NAMING_ME = (
    ("admin.LogEntry", "user"), ("frameworks.Draft", "created_by"),
    ("frameworks.Draft", "updated_by"), ("accounts.Invitation", "sent_by"),
    ("checkins.CheckIn", "reviewer"), ("checkins.CheckIn", "closed_by"),
    ("checkins.FeedbackRequest", "requested_by"), ("insights.Standing", "reviewer"),
    ("insights.StandingRating", "reviewer"), ("insights.QuarterResult", "reviewer"),
    ("insights.InsightSettings", "changed_by"), ("cycles.Cycle", "created_by"),
    ("checkins.AssistantSettings", "changed_by"),
    ("promotions.Round", "opened_by"), ("promotions.Committee", "chair"),
    ("promotions.Committee", "members"), ("promotions.Case", "nominator"),
    ("promotions.Decision", "decided_by"),
)
# Relations to people the sections above export in their own shape: (label, column) → section.
SHAPED = {
    ("accounts.User", "manager"): "reports", ("accounts.Team", "members"): "profile.teams",
    ("accounts.Note", "author"): "notes", ("accounts.Note", "about"): "notes",
    ("checkins.Evidence", "owner"): "evidence", ("checkins.CheckIn", "person"): "checkins",
    ("checkins.FocusStatement", "person"): "growth_plan.focus",
    ("checkins.Goal", "person"): "growth_plan.goals",
    ("checkins.FeedbackRequest", "colleague"): "feedback_given",
    ("insights.PersonAttribute", "person"): "attributes",
    ("promotions.Case", "person"): "promotion_cases",
}


def _promotion_case(case) -> dict:
    decision = PromotionDecision.objects.filter(case=case).first()
    return {"id": case.pk, "round": case.round.name, "version": case.version.label,
            "family": case.family_slug, "from_level": case.from_level_slug,
            "target_level": case.target_level_slug, "statement": case.statement,
            "my_statement": case.person_statement, "assembled_from": case.snapshot,
            "readiness_by_area": case.readiness_areas, "nominated": _when(case.created_at),
            "decision": None if decision is None else {
                "outcome": decision.outcome, "reasons": decision.reasons,
                "effective": _when(decision.effective_date),
                "decided": _when(decision.decided_at)}}


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _own_rows(person: User, label: str, column: str) -> list[dict]:
    model = _model(label)
    fields = [f for f in model._meta.concrete_fields if f.name not in SECRET_COLUMNS]
    return [{("id" if f.primary_key else f.attname): _plain(getattr(row, f.attname))
             for f in fields}
            for row in model.objects.filter(**{column: person}).order_by("pk")]


def _references(person: User) -> list[dict]:
    found = []
    for label, column in NAMING_ME:
        for pk in _model(label).objects.filter(**{column: person}).order_by("pk") \
                .values_list("pk", flat=True):
            found.append({"table": label, "id": pk, "as": column})
    return found


def _feedback(request, person: User, given: bool) -> dict:
    about = {"about": request.checkin.person.name} if given \
        else {"from": request.colleague.name}
    return {"id": request.pk, "checkin": request.checkin_id, **about,
            "statements": list(request.statement_ids), "message": request.message,
            "state": request.state, "answers": request.answers,
            "asked": _when(request.created_at), "answered": _when(request.answered_at)}


def _second_factor(person: User) -> str:

    return "on" if two_factor.enrolled(person) else "off"


def _voice(entry, side: str) -> dict:
    voice = entry.voice(side)
    return {"value": voice["value"], "reason": voice["reason"], "comment": voice["comment"]}


def _event(event) -> dict:
    return {"at": _when(event.at), "who": event.actor_shown, "who_email": event.actor_email_shown,
            "action": event.action, "about": event.subject_shown, "what": event.target,
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
            "tracks": ";".join(profile["tracks"]),
            "teams": ";".join(team["name"] for team in profile["teams"]),
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
        **{f"{section}.csv": _table(data[section]) for section in TABLES_AS_CSV},
    }


def _table(rows: list[dict]) -> str:
    """One section as CSV: its keys as the header, lists and objects as JSON."""
    header = list(dict.fromkeys(key for row in rows for key in row))
    return _csv(header, [[json.dumps(row.get(key), ensure_ascii=False)
                          if isinstance(row.get(key), list | dict) else row.get(key)
                          for key in header] for row in rows])


TABLES_AS_CSV = ("attributes", "feedback_given", "feedback_received", "reports",
                 *OWN_ROWS.values(), "records_naming_me")

README = """Everything craftpath holds about {name} <{email}>, as of {now}.

data.json holds it all in one document; the .csv files hold the same, one table each
(profile, check-ins with one row per statement and voice, evidence, notes, growth plan,
attributes you recorded, feedback you gave and received, your roles, sign-in factors, tokens,
inbox, review cycles, the figures insights keep about you, the records that name you (by
table and id), who looked at your data, and what you did). A manager's review you could
not yet see, and other people's private notes, are not included.
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


def erase(person: User, mode: str) -> Erased:
    """Erase (`ERASED`) or anonymise (`ANONYMISED`) `person`; all or nothing. Who may, and the
    audit entry, are the action's (actions/rights.py), which calls this inside its
    transaction, acting as the people team member (so the moves of reports are theirs)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    if mode not in (ANONYMISED, ERASED):
        raise ErasureError(f"unknown mode {mode!r}: {ANONYMISED} or {ERASED}")
    with transaction.atomic():
        email = person.email
        kept = fold_ratings(person)
        forget_person(person.pk)  # out of every insights mean and tally, and their rows
        learning.forget_person(person.pk)  # out of what the evidence assistant learned
        checkins = CheckIn.objects.filter(person=person)
        checkin_count = checkins.count()
        # Other people's inbox entries about the person's check-ins and feedback name them.
        paths = [f"/checkins/{pk}/" for pk in checkins.values_list("pk", flat=True)]
        paths += [f"/checkins/feedback/{pk}/" for pk in FeedbackRequest.objects.filter(
            checkin__person=person).values_list("pk", flat=True)]
        # Promotion cases are theirs too (the nominator's and the committee's words about them).
        cases = PromotionCase.objects.filter(person=person)
        paths += [f"/promotions/cases/{pk}/" for pk in cases.values_list("pk", flat=True)]
        about_them = Q(pk__in=[])
        for path in paths:
            about_them |= Q(link__startswith=path)
        Notification.objects.filter(about_them | Q(recipient=person)).delete()
        Participant.objects.filter(person=person).delete()
        checkins.delete()
        cases.delete()
        LevelHistory.objects.filter(person=person).delete()
        Committee.objects.filter(chair=person).update(chair=None)
        person.promotion_committees.clear()
        Evidence.objects.filter(owner=person).delete()
        FocusStatement.objects.filter(person=person).delete()
        Goal.objects.filter(person=person).delete()
        notes = Note.objects.filter(about=person)
        notes |= Note.objects.filter(author=person) if mode == ERASED \
            else Note.objects.filter(author=person, private=True)
        note_count = notes.count()
        notes.delete()
        for model, column in ((PersonAttribute, "person"), (EmailOptOut, "person"),
                              (ScimExternalId, "person"), (AccessToken, "owner"),
                              (WebhookEndpoint, "owner"), (Invitation, "person"),
                              (ImportDraft, "owner")):
            model.objects.filter(**{column: person}).delete()
        # The admin site's history of changes to their account holds their name.
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User),
                                object_id=str(person.pk)).delete()
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
    return Erased(mode, checkin_count, kept, note_count, len(reports))


def _forget_second_factor(person: User) -> None:

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
