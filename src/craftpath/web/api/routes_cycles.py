"""Review cycles through the API: what the cycle pages do, for the same people (access.py's
can_run_cycles: the people team), through the same actions (actions/cycles.py), which ask
access.py and record each change. A deadline move carries the cycle's revision (If-Match;
412 when stale)."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone
from ninja import Query, Router

from craftpath.web import access
from craftpath.web.accounts.models import User
from craftpath.web.actions import cycles as actions
from craftpath.web.cycles import launch, progress
from craftpath.web.cycles.forms import CycleForm
from craftpath.web.cycles.models import DUE_FIELDS, Cycle, Participant
from craftpath.web.frameworks.models import FrameworkVersion
from craftpath.web.frameworks.publishing import active_version

from .auth import caller
from .models import Scope
from .paging import MAX_LIMIT, page, revision_from, stale, with_etag
from .problems import Problem, bad_field, forbidden, not_found
from .schemas import (
    CycleIn,
    CycleOut,
    CycleParticipantsPage,
    CyclesPage,
    DeadlineIn,
    ReassignIn,
    ReassignOut,
    RemindOut,
    answers,
)

router = Router(tags=["cycles"])

STATES = "^(draft|running|closed)$"
STATUSES = "^(" + "|".join(status for status, _ in progress.STATUSES) + ")$"


def _people_team(request, scope: str = Scope.READ):
    viewer = caller(request, scope)
    if not access.can_run_cycles(viewer):
        raise forbidden("Review cycles are run by the people team.")
    return viewer


def _cycle(pk: int) -> Cycle:
    found = Cycle.objects.select_related("version").defer("version__document") \
        .filter(pk=pk).first()
    if found is None:
        raise not_found("cycle")
    return found


def cycle_out(cycle: Cycle, with_progress: bool = False) -> dict:
    document = {
        "id": cycle.pk, "name": cycle.name, "version": cycle.version.label,
        "audience": cycle.audience, "audience_value": cycle.audience_value,
        "include_next_level": cycle.include_next_level,
        "self_due": cycle.self_due, "review_due": cycle.review_due,
        "agree_due": cycle.agree_due, "close_due": cycle.close_due,
        "state": cycle.state, "created_at": cycle.created_at,
        "launched_at": cycle.launched_at, "closed_at": cycle.closed_at,
        "revision": cycle.revision, "skipped": cycle.skipped or [], "progress": None}
    if with_progress and cycle.launched_at:
        found = progress.progress_of(cycle)
        document["progress"] = {
            "people": found.people, "totals": found.totals, "late": found.late_count,
            "teams": [{"team": row.team, "counts": row.counts} for row in found.teams]}
    return document


def _refused(error: launch.CycleError) -> Problem:
    if isinstance(error, launch.StaleCycle):
        return stale(None, "the cycle")
    if error.field:
        return bad_field(error.field, str(error))
    return Problem(409, "Not possible at this stage", str(error))


@router.get("", response=answers({200: CyclesPage}), summary="Review cycles")
def list_cycles(request, cursor: str | None = None,
                limit: int = Query(50, ge=1, le=MAX_LIMIT),
                state: str | None = Query(None, pattern=STATES)):
    _people_team(request)
    found = Cycle.objects.select_related("version").defer("version__document")
    if state == "draft":
        found = found.filter(launched_at=None)
    elif state == "running":
        found = found.filter(launched_at__isnull=False, closed_at=None)
    elif state == "closed":
        found = found.filter(closed_at__isnull=False)
    return page(found, cursor, limit, cycle_out)


@router.post("", response=answers({201: CycleOut}),
             summary="Create a cycle (a draft: launch it to open its check-ins)")
def create_cycle(request, payload: CycleIn):
    viewer = _people_team(request, Scope.WRITE)
    data = payload.dict()
    if payload.version:
        version = FrameworkVersion.objects.filter(label=payload.version).values("pk").first()
        if version is None:
            raise bad_field("version", f"no published version {payload.version!r}")
        data["version"] = version["pk"]
    else:
        version = active_version()
        if version is None:
            raise bad_field("version", "no framework version is published yet")
        data["version"] = version.pk
    form = CycleForm(data)
    if not form.is_valid():
        errors = [{"field": name, "detail": " ".join(messages)}
                  for name, messages in form.errors.items()]
        raise Problem(422, "Invalid request", f"{errors[0]['field']}: {errors[0]['detail']}",
                      errors=errors)
    cycle = actions.create(viewer, form)
    return with_etag(cycle_out(_cycle(cycle.pk)), cycle.revision, status=201)


@router.get("/{int:pk}", response=answers({200: CycleOut}),
            summary="One cycle, with its counts per team and status once launched")
def get_cycle(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    return with_etag(cycle_out(cycle, with_progress=True), cycle.revision)


@router.get("/{int:pk}/participants", response=answers({200: CycleParticipantsPage}),
            summary="Who is in a launched cycle, with each check-in's status")
def list_participants(request, pk: int, cursor: str | None = None,
                      limit: int = Query(50, ge=1, le=MAX_LIMIT),
                      status: str | None = Query(None, pattern=STATUSES),
                      team: str | None = Query(None, max_length=120),
                      late: bool | None = None):
    _people_team(request)
    cycle = _cycle(pk)
    running = cycle.state == "running"
    late_rule = progress.late_filter(cycle, timezone.localdate())
    found = progress.with_status(Participant.objects.filter(cycle=cycle)).annotate(
        late=Case(When(late_rule, then=Value(running)), default=Value(False),
                  output_field=BooleanField())).select_related("person", "checkin")
    if status is not None:
        found = found.filter(status=status)
    if team is not None:
        found = found.filter(team=team)
    if late is not None:
        found = found.filter(late=late)
    return page(found, cursor, limit, lambda row: {
        "person_id": row.person_id, "name": row.person.name, "email": row.person.email,
        "checkin_id": row.checkin_id, "team": row.team, "status": row.status,
        "reviewer_id": row.checkin.reviewer_id, "late": row.late})


@router.post("/{int:pk}/launch", response=answers({200: CycleOut}),
             summary="Launch: open a check-in for each person in it, and tell them")
def launch_cycle(request, pk: int):
    viewer = _people_team(request, Scope.WRITE)
    try:
        cycle = actions.launch(viewer, pk)
    except launch.CycleError as error:
        raise _refused(error) from None
    return with_etag(cycle_out(_cycle(cycle.pk), with_progress=True), cycle.revision)


@router.post("/{int:pk}/remind", response=answers({200: RemindOut}),
             summary="Remind whoever still has to act on the current stage")
def remind(request, pk: int):
    viewer = _people_team(request, Scope.WRITE)
    try:
        told = actions.remind(viewer, pk)
    except launch.CycleError as error:
        raise _refused(error) from None
    return {"reminded": told}


@router.put("/{int:pk}/deadlines/{stage}", response=answers({200: CycleOut}),
            summary="Move a stage's deadline (If-Match: the cycle's revision)")
def move_deadline(request, pk: int, stage: str, payload: DeadlineIn):
    viewer = _people_team(request, Scope.WRITE)
    if stage not in DUE_FIELDS:
        raise bad_field("stage", f"no stage called {stage!r}; the stages are "
                        f"{', '.join(DUE_FIELDS)}", status=404)
    cycle = _cycle(pk)
    try:
        moved = actions.extend(viewer, cycle.pk, stage, payload.date, revision_from(request))
    except launch.CycleError as error:
        raise _refused(error) from None
    return with_etag(cycle_out(_cycle(moved.pk)), moved.revision)


@router.post("/{int:pk}/reviewers", response=answers({200: ReassignOut}),
             summary="Hand the reviews not yet submitted from one reviewer to another")
def reassign(request, pk: int, payload: ReassignIn):
    viewer = _people_team(request, Scope.WRITE)
    cycle = _cycle(pk)
    if cycle.closed_at:
        raise Problem(409, "Not possible at this stage", "This cycle is closed.")
    source = None
    if payload.from_id is not None:
        source = User.objects.filter(pk=payload.from_id).first()
        if source is None:
            raise bad_field("from_id", "no such reviewer")
    try:
        moved = actions.reassign(viewer, cycle.pk, source, payload.to_email)
    except launch.CycleError as error:
        raise _refused(error) from None
    return {"moved": moved}


@router.post("/{int:pk}/close", response=answers({200: CycleOut}),
             summary="Close it: reminders stop; check-ins still open stay open")
def close(request, pk: int):
    viewer = _people_team(request, Scope.WRITE)
    try:
        cycle = actions.close(viewer, pk)
    except launch.CycleError as error:
        raise _refused(error) from None
    return with_etag(cycle_out(_cycle(cycle.pk), with_progress=True), cycle.revision)

