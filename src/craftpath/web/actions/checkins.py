"""The check-in loop as actions: every read of a check-in and every step of it, whichever door
asks (the pages, the API, a task). Each asks its own rule in access.py, calls the loop
(checkins/loop.py keeps the domain logic, its row locks and revisions) in one transaction, and
records the audit entry about the person whose check-in it is.

Someone who may not open a check-in gets NotFound; someone who may open it but not do the
step gets Refused. What the loop itself refuses (a side already submitted, a stale revision,
a rating not on the scale) comes out as the loop's own LoopError or Conflict, which each door
already shows in its own words (the page beside the form, the API as 409/412/422).

Reads of one's own check-in are not recorded; reads of someone else's always are, by any
door. Changes are recorded when someone else makes them, and always for what closing freezes
(agreed outcomes, the summary) and for every export and move.
"""

from __future__ import annotations

from django.db import transaction

from craftpath.web import access
from craftpath.web.audit.models import Action
from craftpath.web.checkins import events, history, loop, packet, plan, spreadsheets
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import (
    SIDES,
    CheckIn,
    ClosedCheckInError,
    Entry,
    Evidence,
    FocusStatement,
    Goal,
)
from craftpath.web.checkins.new_version import open_checkins_elsewhere
from craftpath.web.frameworks.publishing import active_version

from .errors import Invalid, NotFound, Refused
from .recording import OPERATOR, record, record_read

TARGET = "check-in"  # every check-in entry's target starts so (checkins/audit.py reads them)


def _target(checkin: CheckIn) -> str:
    return f"{TARGET} {checkin.pk}"


def _record(viewer, checkin: CheckIn, action: str, what: str, own_too: bool = False) -> None:
    """A change to (or export of) `checkin`: kept when someone else makes it, or always with
    `own_too` (what closing freezes) and for exports."""
    own = viewer is not OPERATOR and getattr(viewer, "pk", None) == checkin.person_id
    if own and not own_too and action != Action.EXPORTED:
        return
    record(viewer, action, checkin.person, target=_target(checkin), detail=what)


def _read(viewer, checkin: CheckIn, what: str) -> None:
    record_read(viewer, checkin.person, _target(checkin), what)


def _suffix(door: str) -> str:
    return f" ({door})" if door else ""


# --- finding a check-in -----------------------------------------------------------------------

def find(viewer, ref) -> CheckIn:
    """The check-in `ref` (a CheckIn or its id) if `viewer` may open it, else NotFound. Not
    recorded: the action that uses it records what was read or done."""
    if isinstance(ref, CheckIn):
        checkin = ref
    else:
        checkin = CheckIn.objects.select_related("person", "version", "reviewer") \
            .defer("version__document").filter(pk=ref).first()
    if checkin is None or not access.can_read_checkin(viewer, checkin):
        raise NotFound("check-in")
    return checkin


def side_of(viewer, checkin: CheckIn) -> str | None:
    """The voice the viewer rates with in this check-in, if any."""
    if access.can_self_assess(viewer, checkin):
        return "self"
    if access.can_review_checkin(viewer, checkin):
        return "manager"
    return None


def visible_sides(viewer, checkin: CheckIn) -> set[str]:
    return {side for side in SIDES if access.can_see_voice(viewer, checkin, side)}


# --- reads --------------------------------------------------------------------------------------

def read_checkin(viewer, ref, what: str = "check-in overview") -> CheckIn:
    """Open a check-in (`what` names the page or route, for the trail)."""
    checkin = find(viewer, ref)
    _read(viewer, checkin, what)
    return checkin


def read_checkins(viewer, *, person: int | None = None, state: str | None = None,
                  after: int | None = None, limit: int = 50,
                  what: str = "check-in list") -> tuple[list[CheckIn], bool]:
    """The check-ins `viewer` may see, in id order after `after`: up to `limit` and whether
    there are more. Each other person on the page is recorded as read."""
    found = CheckIn.objects.filter(person__in=access.progress_visible_people(viewer)) \
        .select_related("version", "person").defer("version__document", "snapshot") \
        .order_by("pk")
    if person is not None:
        found = found.filter(person_id=person)
    if state is not None:
        found = found.filter(closed_at__isnull=state == "open")
    if after is not None:
        found = found.filter(pk__gt=after)
    rows = list(found[:limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    with transaction.atomic():
        for checkin in rows:
            _read(viewer, checkin, what)
    return rows, more


def read_ratings(viewer, ref, what: str = "ratings") -> tuple[CheckIn, set[str], dict]:
    """A check-in's statements with the voices the viewer may see: (check-in, the sides they
    see, the evidence cited, which only whoever sees the self voice gets)."""
    checkin = read_checkin(viewer, ref, what)
    sides = visible_sides(viewer, checkin)
    return checkin, sides, loop.frozen_evidence(checkin) if "self" in sides else {}


def read_entry(viewer, ref, statement_id: str, what: str = "rating"
               ) -> tuple[CheckIn, Entry, set[str], dict]:
    """One statement of a check-in, with the voices the viewer may see."""
    checkin = find(viewer, ref)
    entry = checkin.entries.filter(statement_id=statement_id).first()
    if entry is None:
        raise NotFound("statement in this check-in")
    _read(viewer, checkin, f"{what} {statement_id}")
    sides = visible_sides(viewer, checkin)
    return checkin, entry, sides, loop.frozen_evidence(checkin) if "self" in sides else {}


def read_growth_plan(viewer, person_pk: int, what: str = "growth plan"):
    """A person's growth plan (focus statements and goals): whoever may see their progress."""
    person = access.progress_visible_people(viewer).filter(pk=person_pk).first()
    if person is None or not access.can_read_growth_plan(viewer, person):
        raise NotFound("person")
    record_read(viewer, person, "growth plan", what)
    return person, plan.of(person)


def read_evidence(viewer, ref, evidence_pk: int, what: str = "evidence suggestions"):
    """One evidence item the person cites in their check-in, for whoever may ask the evidence
    assistant about it (access.can_ask_about_evidence). Returns (check-in, item)."""
    checkin = find(viewer, ref)
    item = Evidence.objects.filter(pk=evidence_pk).first()
    if item is None or not access.can_ask_about_evidence(viewer, checkin, item):
        raise NotFound("evidence in this check-in")
    _read(viewer, checkin, f"{what} (evidence {item.pk})")
    return checkin, item


# --- the loop's steps ---------------------------------------------------------------------------

def start(viewer, include_next: bool) -> CheckIn:
    """Open one's own check-in on the active version."""
    if not access.can_start_checkin(viewer, viewer):
        raise Refused("People start their own check-ins.")
    return loop.start(viewer, include_next=include_next)


def save_rating(viewer, ref, statement_id: str, *, value: str, reason: str = "",
                comment: str = "", revision: int, evidence_ids: list[int] | None = None,
                door: str = "") -> tuple[CheckIn, str, loop.Saved]:
    """Save one statement's rating on the viewer's own side (the person's self-assessment or a
    reviewer's review). Returns the check-in, the side and what was saved."""
    checkin = find(viewer, ref)
    if not access.can_rate_checkin(viewer, checkin):
        raise Refused("Only the person and their manager rate in a check-in.")
    side = side_of(viewer, checkin)
    with transaction.atomic():
        saved = loop.save_voice(checkin, side, statement_id, value=value, reason=reason,
                                comment=comment, revision=revision,
                                evidence_ids=evidence_ids if side == "self" else None)
        _record(viewer, checkin, Action.CHANGED, f"{side} rating{_suffix(door)}")
    return checkin, side, saved


def save_outcome(viewer, ref, statement_id: str, *, value: str, reason: str = "",
                 comment: str = "", revision: int, seen: str | None = None,
                 door: str = "") -> tuple[CheckIn, loop.Saved]:
    """Save one statement's agreed outcome (either of the two, together)."""
    checkin = find(viewer, ref)
    if not access.can_save_outcome(viewer, checkin):
        raise Refused("The outcome is agreed by the person and their manager.")
    with transaction.atomic():
        saved = loop.save_voice(checkin, "agreed", statement_id, value=value, reason=reason,
                                comment=comment, revision=revision, seen=seen)
        _record(viewer, checkin, Action.CHANGED, f"agreed outcome{_suffix(door)}",
                own_too=True)
    return checkin, saved


def submit(viewer, ref, door: str = "") -> CheckIn:
    """Submit the viewer's side, and tell whoever is next."""
    checkin = find(viewer, ref)
    if not access.can_submit_checkin(viewer, checkin):
        raise Refused("Only the person and their manager submit in a check-in.")
    side = side_of(viewer, checkin)
    with transaction.atomic():
        checkin = loop.submit(checkin, side, viewer)
        _record(viewer, checkin, Action.CHANGED, f"submitted review{_suffix(door)}")
        events.submitted(checkin, side)
    return checkin


def agree_matching(viewer, ref, door: str = "") -> tuple[CheckIn, int]:
    """Take every statement both rated alike as agreed, where nothing is agreed yet."""
    checkin = find(viewer, ref)
    if not access.can_agree_matching(viewer, checkin):
        raise Refused("The outcome is agreed by the person and their manager.")
    with transaction.atomic():
        count = loop.agree_matching(checkin)
        _record(viewer, checkin, Action.CHANGED, f"agreed outcome{_suffix(door)}",
                own_too=True)
    return checkin, count


def save_summary(viewer, ref, text: str, revision: int, seen: str | None = None,
                 door: str = "") -> tuple[CheckIn, loop.Saved]:
    checkin = find(viewer, ref)
    if not access.can_save_summary(viewer, checkin):
        raise Refused("The summary is written by the person and their manager.")
    with transaction.atomic():
        saved = loop.save_summary(checkin, text, revision, seen=seen)
        _record(viewer, checkin, Action.CHANGED, f"summary{_suffix(door)}", own_too=True)
    return checkin, saved


def close(viewer, ref, seen: str | None = None, door: str = "") -> CheckIn:
    """Close and freeze the record (a reviewer, once every outcome is agreed)."""
    checkin = find(viewer, ref)
    if not access.can_close_checkin(viewer, checkin):
        raise Refused("The manager closes a check-in, once the outcome is agreed.")
    with transaction.atomic():
        checkin = loop.close(checkin, viewer, seen=seen)
        _record(viewer, checkin, Action.CHANGED, f"closed{_suffix(door)}")
        events.closed(checkin)
    return checkin


def move(viewer, ref, door: str = ""):
    """Carry an open check-in to the active version (loop.carry_to: what was submitted stays
    submitted). Recorded whoever moves it, the person included. Returns (check-in, version)."""
    checkin = find(viewer, ref)
    if not access.can_move_checkin(viewer, checkin):
        raise Refused("The person or their manager moves a check-in.")
    version = active_version()
    if version is None or version.pk == checkin.version_id:
        raise loop.LoopError("This check-in is already on the current version.")
    old_label = checkin.version.label
    with transaction.atomic():
        checkin = loop.carry_to(checkin, version)
        _record(viewer, checkin, Action.CHANGED,
                f"moved to a new version ({old_label} → {version.label}){_suffix(door)}",
                own_too=True)
    return checkin, version


def move_all_open(viewer, version) -> tuple[int, list[tuple[int, str]]]:
    """Every open check-in on another version, carried to `version` (one transaction each:
    one that cannot move stays where it is, with the reason). Returns (moved, refused)."""
    if not access.can_carry_checkins_in_bulk(viewer):
        raise Refused("The people team moves open check-ins in bulk.")
    moved, refused = 0, []
    for checkin in open_checkins_elsewhere(version):
        try:
            with transaction.atomic():
                loop.carry_to(checkin, version)
                _record(viewer, checkin, Action.CHANGED, "moved to a new version (in bulk)")
        except (loop.LoopError, ClosedCheckInError) as problem:
            refused.append((checkin.pk, str(problem)))
        else:
            moved += 1
    return moved, refused


def import_self_assessment(viewer, ref, ratings: dict[str, dict], fingerprint: str,
                           door: str = "") -> int:
    """Store a checked spreadsheet's ratings as the person's self-assessment."""
    checkin = find(viewer, ref)
    if not access.can_import_self_assessment(viewer, checkin):
        raise Refused("A spreadsheet is imported as a self-assessment, by its person.")
    with transaction.atomic():
        count = loop.import_self(checkin, ratings, fingerprint)
        _record(viewer, checkin, Action.CHANGED,
                f"self-assessment imported from a spreadsheet{_suffix(door)}")
    return count


def attach_new_evidence(viewer, ref, statement_id: str, evidence) -> Entry:
    """Save a new evidence item of the viewer's and attach it to their rating of a statement
    (all or nothing: no orphan item when the check-in refuses it)."""
    checkin = find(viewer, ref)
    if not access.can_add_checkin_evidence(viewer, checkin):
        raise Refused("Evidence is added by the person whose check-in it is.")
    with transaction.atomic():
        evidence.owner = viewer
        evidence.save()
        entry = loop.attach_new_evidence(checkin, statement_id, evidence)
        _record(viewer, checkin, Action.CHANGED, "evidence")
    return entry


# --- exports ------------------------------------------------------------------------------------

def exported_side(viewer, checkin: CheckIn) -> str:
    """Which voice a sheet holds: the agreed outcome once closed; else the viewer's own; the
    people team sees the agreed outcome (empty until agreed)."""
    if checkin.is_closed:
        return "agreed"
    return side_of(viewer, checkin) or "agreed"


def export_sheet(viewer, ref, fmt: str) -> tuple[bytes, str, str]:
    """The check-in as a spreadsheet (xlsx or csv) of the voice the viewer may take:
    (body, content type, side). Every export is recorded, the person's own too."""
    checkin = find(viewer, ref)
    if not access.can_export_checkin(viewer, checkin):
        raise Refused("You may not export this check-in.")
    if fmt not in ("xlsx", "csv"):
        raise NotFound("format", "Spreadsheets come as .xlsx or .csv.")
    side = exported_side(viewer, checkin)
    sides = visible_sides(viewer, checkin)
    scope = scopes.of_checkin(checkin)
    voices = {e.statement_id: e.voice(side) for e in checkin.entries.all()} \
        if side in sides else {}
    evidence = loop.frozen_evidence(checkin) if "self" in sides and side != "manager" else {}
    rows = spreadsheets.rows_for(scope, voices, evidence)
    _record(viewer, checkin, Action.EXPORTED, f"spreadsheet export ({fmt})")
    if fmt == "csv":
        return spreadsheets.to_csv(rows), "text/csv; charset=utf-8", side
    title = f"Check-in {checkin.pk}: {checkin.person.name}"
    return (spreadsheets.to_xlsx(rows, title, scope.framework.scale),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", side)


def export_packet(viewer, ref, fmt: str) -> tuple[CheckIn, str | bytes]:
    """The promotion packet of a closed check-in, as Markdown text or a PDF's bytes (which
    may raise PdfUnavailable). Recorded, the person's own export too."""
    checkin = find(viewer, ref)
    if not access.can_export_packet(viewer, checkin):
        raise Refused("You may not export this check-in.")
    if fmt not in ("pdf", "md"):
        raise NotFound("format", "The packet comes as .pdf or .md.")
    if not checkin.is_closed:
        raise loop.LoopError("The promotion packet is made from a closed check-in.")
    gathered = packet.gather(checkin)
    body = packet.markdown(gathered) if fmt == "md" else packet.to_pdf(packet.html(gathered))
    _record(viewer, checkin, Action.EXPORTED, f"promotion packet ({fmt})")
    return checkin, body


# --- progress and the team page -------------------------------------------------------------

def read_progress(viewer, person_pk: int, what: str = "history, trends, readiness, growth "
                  "plan"):
    """A person's progress page (history, readiness, growth plan): whoever may see their
    progress. Someone who may see the profile but not the progress (an admin) gets the same
    NotFound as for someone unknown."""
    person = access.visible_people(viewer).filter(pk=person_pk).first()
    if person is None or not access.can_view_progress(viewer, person):
        raise NotFound("person")
    record_read(viewer, person, "progress", what)
    return person


def read_team(viewer):
    """The manager's team page: each report with their latest closed check-in (id and date,
    from the person's row: one index lookup each, however long their history), their open
    check-ins by person, and the agreed ratings of those closed ones. One entry per report in
    the trail, so each sees it in their own."""
    from django.db.models import OuterRef, Subquery

    if not access.can_view_team_checkins(viewer):
        raise Refused("The team page is for managers.")
    closed = CheckIn.objects.filter(person=OuterRef("pk")).exclude(closed_at=None) \
        .order_by("-closed_at", "-pk")
    reports = list(access.team_members(viewer)
                   .only("pk", "name", "email", "family_slug", "level_slug", "track_slugs")
                   .annotate(last_closed_id=Subquery(closed.values("pk")[:1]),
                             last_closed_at=Subquery(closed.values("closed_at")[:1])))
    open_by_person = {c.person_id: c for c in CheckIn.objects.filter(
        person_id__in=[p.pk for p in reports], closed_at=None).only(
        "pk", "person_id", "closed_at", "self_submitted_at", "manager_submitted_at")}
    ratings = history.closed_agreed_ratings(
        [p.last_closed_id for p in reports if p.last_closed_id is not None])
    if reports:
        record(viewer, Action.VIEWED, target="team page", subjects=reports,
               detail="check-in status and coverage")
    return reports, open_by_person, ratings


def reviews_waiting(viewer) -> list[CheckIn]:
    """The open check-ins of others that `viewer` reviews, for their home page (names and
    stages only; opening one is a read_checkin)."""
    if not access.can_view_team_checkins(viewer):
        return []
    return [c for c in CheckIn.objects.filter(
        closed_at=None, person__in=access.visible_people(viewer).exclude(pk=viewer.pk))
        .select_related("person", "version").defer("version__document")
        if access.can_review_checkin(viewer, c)]


# --- the growth plan --------------------------------------------------------------------------

class AlreadyInPlan(Invalid):
    """The statement is in the plan already (a conflict with what is stored)."""

    status = 409


def find_plan_owner(viewer, person_pk: int):
    """The person whose growth plan `viewer` changes: NotFound unless they may see the
    person's progress, Refused unless they keep the plan (the person and their managers)."""
    person = access.visible_people(viewer).filter(pk=person_pk).first()
    if person is None or not access.can_view_progress(viewer, person):
        raise NotFound("person")
    if not access.can_edit_growth_plan(viewer, person):
        raise Refused("The growth plan is kept by the person and their managers.")
    return person


def _plan_changed(viewer, person, what: str) -> None:
    if viewer is OPERATOR or getattr(viewer, "pk", None) != person.pk:
        record(viewer, Action.CHANGED, person, target="growth plan", detail=what)


def add_focus(viewer, person_pk: int, statement_id: str, note: str = ""):
    """Add a statement of the person's level or the next to their growth plan."""
    from django.db import IntegrityError

    person = find_plan_owner(viewer, person_pk)
    if statement_id not in {s.id for _, _, s in plan.choosable(person)}:
        raise Invalid("is not a statement of this person's level or the next in their tracks",
                      field="statement_id")
    try:
        with transaction.atomic():
            focus = FocusStatement.objects.create(person=person, family_slug=person.family_slug,
                                                  statement_id=statement_id, note=note)
            _plan_changed(viewer, person, f"focus statement added ({statement_id})")
    except IntegrityError:
        raise AlreadyInPlan("That statement is already in the plan.",
                            field="statement_id") from None
    return focus


def remove_focus(viewer, focus_pk: int, person_pk: int | None = None):
    """Remove a focus statement (of `person_pk`'s plan, when given). Returns its person."""
    focus = FocusStatement.objects.filter(pk=focus_pk).first()
    if focus is None or (person_pk is not None and focus.person_id != person_pk):
        raise NotFound("focus statement")
    person = find_plan_owner(viewer, focus.person_id)
    with transaction.atomic():
        focus.delete()
        _plan_changed(viewer, person, f"focus statement removed ({focus.statement_id})")
    return person


def add_goal(viewer, person_pk: int, title: str, due=None, actions: str = ""):
    person = find_plan_owner(viewer, person_pk)
    if not title.strip():
        raise Invalid("is empty", field="title")
    with transaction.atomic():
        goal = Goal.objects.create(person=person, title=title.strip(), due=due,
                                   actions=actions)
        _plan_changed(viewer, person, "goal added")
    return goal


def find_goal(viewer, goal_pk: int, person_pk: int | None):
    goal = Goal.objects.filter(pk=goal_pk).first()
    if goal is None or (person_pk is not None and goal.person_id != person_pk):
        raise NotFound("goal")
    return goal, find_plan_owner(viewer, goal.person_id)


def mark_goal(viewer, goal_pk: int, done: bool):
    goal, person = find_goal(viewer, goal_pk, None)
    with transaction.atomic():
        goal.done = done
        goal.save(update_fields=["done"])
        _plan_changed(viewer, person, "goal done" if done else "goal reopened")
    return person


def delete_goal(viewer, goal_pk: int, person_pk: int | None = None):
    goal, person = find_goal(viewer, goal_pk, person_pk)
    with transaction.atomic():
        goal.delete()
        _plan_changed(viewer, person, "goal deleted")
    return person
