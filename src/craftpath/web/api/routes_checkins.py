"""Check-ins through the API: the same stages and rules as the pages, through the same actions
(actions/checkins.py: they ask access.py, run the loop and write the audit trail, reads of
someone else's check-in included). A voice the caller may not see yet (the blind review) is
null."""

from __future__ import annotations

from ninja import Query, Router
from ninja.responses import Response

from craftpath.web import access
from craftpath.web.actions import checkins as actions
from craftpath.web.checkins import loop
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import SIDES, CheckIn, Entry

from .auth import caller, need
from .models import Scope
from .paging import (
    MAX_ID,
    MAX_LIMIT,
    decode_cursor,
    encode_cursor,
    revision_from,
    stale,
    with_etag,
)
from .problems import Problem, bad_field
from .schemas import CheckInOut, CheckInsPage, RatingIn, RatingOut, StartIn, SummaryIn, answers

router = Router(tags=["check-ins"])
DOOR = "API"  # named in the audit trail's detail, e.g. "ratings (API)"

side_of = actions.side_of


def checkin_or_404(viewer, pk: int) -> CheckIn:
    """Not recorded: for routes whose action records what they read or do."""
    return actions.find(viewer, pk)


def checkin_out(viewer, checkin: CheckIn) -> dict:
    return {"id": checkin.pk, "person_id": checkin.person_id, "version": checkin.version.label,
            "family": checkin.family_slug, "level": checkin.level_slug,
            "next_level": checkin.next_level_slug, "tracks": list(checkin.track_slugs),
            "stage": checkin.stage, "started_at": checkin.started_at,
            "self_submitted_at": checkin.self_submitted_at,
            "manager_submitted_at": checkin.manager_submitted_at,
            "closed_at": checkin.closed_at,
            "summary": checkin.summary if access.can_see_voice(viewer, checkin, "agreed")
            else None,
            "summary_revision": checkin.summary_revision, "your_side": side_of(viewer, checkin)}


def _refused(error: loop.LoopError) -> Problem:
    return Problem(409, "Not possible at this stage", str(error))


@router.get("", response=answers({200: CheckInsPage}), summary="Check-ins you may see")
def list_checkins(request, cursor: str | None = None,
                  limit: int = Query(50, ge=1, le=MAX_LIMIT),
                  person: int | None = Query(None, ge=1, le=MAX_ID),
                  state: str | None = Query(None, pattern="^(open|closed)$")):
    viewer = request.auth
    rows, more = actions.read_checkins(
        viewer, person=person, state=state, after=decode_cursor(cursor) if cursor else None,
        limit=limit, what="check-in list (API)")
    return {"items": [checkin_out(viewer, c) for c in rows],
            "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None}


@router.post("", response=answers({201: CheckInOut}),
             summary="Start your own check-in on the active version")
def start_checkin(request, payload: StartIn):
    viewer = caller(request, Scope.WRITE)
    try:
        checkin = actions.start(viewer, payload.include_next_level)
    except loop.LoopError as error:
        raise _refused(error) from None
    return Response(checkin_out(viewer, checkin_or_404(viewer, checkin.pk)), status=201)


@router.get("/{int:pk}", response=answers({200: CheckInOut}), summary="One check-in")
def get_checkin(request, pk: int):
    viewer = request.auth
    checkin = actions.read_checkin(viewer, pk, "check-in (API)")
    return with_etag(checkin_out(viewer, checkin), checkin.summary_revision)


def rating_out(viewer, checkin: CheckIn, scope, entry: Entry, sides: set[str],
               evidence: dict) -> dict | None:
    item = scope.item(entry.statement_id)
    if item is None:
        return None
    document = {"statement_id": entry.statement_id, "area": item.area.slug,
                "level": item.level.slug, "text": item.statement.text,
                "evidence_ids": None}
    for side in SIDES:
        document[side] = entry.voice(side) if side in sides else None
    if "self" in sides:
        document["evidence_ids"] = [e["id"] for e in evidence.get(entry.statement_id, [])]
    return document


_sides = actions.visible_sides


@router.get("/{int:pk}/ratings", response=answers({200: list[RatingOut]}),
            summary="Every statement with the voices you may see")
def list_ratings(request, pk: int, area: str | None = None):
    viewer = request.auth
    checkin, sides, evidence = actions.read_ratings(viewer, pk, "ratings (API)")
    scope = scopes.of_checkin(checkin)
    rows = (rating_out(viewer, checkin, scope, entry, sides, evidence)
            for entry in checkin.entries.all())
    return [row for row in rows if row is not None and (area is None or row["area"] == area)]


def _one(request, pk: int, statement_id: str, side_for_etag, what: str) -> Response:
    viewer = request.auth
    checkin, entry, sides, evidence = actions.read_entry(viewer, pk, statement_id, what)
    document = rating_out(viewer, checkin, scopes.of_checkin(checkin), entry, sides, evidence)
    if document is None:
        raise actions.NotFound("statement in this check-in")
    side = side_for_etag(checkin)
    return with_etag(document, entry.voice(side)["revision"] if side else 0)


@router.get("/{int:pk}/ratings/{statement_id}", response=answers({200: RatingOut}),
            summary="One statement; the ETag is your side's revision")
def get_rating(request, pk: int, statement_id: str):
    return _one(request, pk, statement_id, lambda checkin: side_of(request.auth, checkin),
                "rating (API)")


@router.get("/{int:pk}/outcomes/{statement_id}", response=answers({200: RatingOut}),
            summary="One statement; the ETag is the agreed outcome's revision")
def get_outcome(request, pk: int, statement_id: str):
    return _one(request, pk, statement_id, lambda checkin: "agreed", "outcome (API)")


def _field_of(message: str) -> str:
    """Which field a loop.LoopError about a rating is about (its message says it)."""
    for words, field in (("scale", "value"), ("needs a reason", "reason"),
                         ("reason is too long", "reason"), ("comment is too long", "comment")):
        if words in message:
            return field
    return "statement_id"


def _save(request, checkin: CheckIn, side: str, statement_id: str, payload: RatingIn):
    viewer = request.auth
    if not checkin.entries.filter(statement_id=statement_id).exists():
        raise actions.NotFound("statement in this check-in")
    voice = {"value": payload.value, "reason": payload.reason, "comment": payload.comment,
             "revision": revision_from(request), "door": DOOR}
    try:
        if side == "agreed":
            _, saved = actions.save_outcome(viewer, checkin, statement_id, **voice)
        else:
            _, _, saved = actions.save_rating(viewer, checkin, statement_id, **voice,
                                              evidence_ids=payload.evidence_ids)
    except loop.Conflict as conflict:
        raise stale(conflict.entry.voice(side) if conflict.entry else None,
                    "this rating") from None
    except loop.LoopError as error:
        checkin.refresh_from_db()
        entry = checkin.entries.filter(statement_id=statement_id).first()
        if entry is not None and (editable := loop.editable_entry(checkin, side, entry)):
            raise Problem(409, "Not possible at this stage", editable) from None
        raise bad_field(_field_of(str(error)), str(error)) from None
    sides = _sides(viewer, checkin)
    evidence = loop.frozen_evidence(checkin) if "self" in sides else {}
    document = rating_out(viewer, checkin, scopes.of_checkin(checkin), saved.entry, sides,
                          evidence)
    return with_etag(document, saved.revision)


@router.put("/{int:pk}/ratings/{statement_id}", response=answers({200: RatingOut}),
            summary="Rate a statement on your side (If-Match: your side's revision)")
def put_rating(request, pk: int, statement_id: str, payload: RatingIn):
    need(request, Scope.WRITE)
    checkin = checkin_or_404(request.auth, pk)
    if not access.can_rate_checkin(request.auth, checkin):
        raise actions.Refused("Only the person and their manager rate in a check-in.")
    return _save(request, checkin, side_of(request.auth, checkin), statement_id, payload)


@router.put("/{int:pk}/outcomes/{statement_id}", response=answers({200: RatingOut}),
            summary="Agree a statement's outcome (If-Match: the agreed revision)")
def put_outcome(request, pk: int, statement_id: str, payload: RatingIn):
    need(request, Scope.WRITE)
    checkin = checkin_or_404(request.auth, pk)
    if not access.can_save_outcome(request.auth, checkin):
        raise actions.Refused("The outcome is agreed by the person and their manager.")
    return _save(request, checkin, "agreed", statement_id, payload)


@router.post("/{int:pk}/submit", response=answers({200: CheckInOut}),
             summary="Submit your side")
def submit(request, pk: int):
    viewer = caller(request, Scope.WRITE)
    try:
        actions.submit(viewer, pk, door=DOOR)
    except loop.LoopError as error:
        raise _refused(error) from None
    return checkin_out(viewer, checkin_or_404(viewer, pk))


@router.put("/{int:pk}/summary", response=answers({200: CheckInOut}),
            summary="Write the agreed summary (If-Match: summary_revision)")
def put_summary(request, pk: int, payload: SummaryIn):
    viewer = caller(request, Scope.WRITE)
    checkin = checkin_or_404(viewer, pk)
    if not access.can_save_summary(viewer, checkin):  # refused before If-Match is asked for
        raise actions.Refused("The summary is written by the person and their manager.")
    try:
        actions.save_summary(viewer, checkin, payload.summary, revision_from(request),
                             door=DOOR)
    except loop.Conflict:
        checkin.refresh_from_db(fields=["summary", "summary_revision"])
        raise stale({"summary": checkin.summary, "revision": checkin.summary_revision},
                    "the summary") from None
    except loop.LoopError as error:
        raise _refused(error) from None
    checkin = checkin_or_404(viewer, pk)
    return with_etag(checkin_out(viewer, checkin), checkin.summary_revision)


@router.post("/{int:pk}/close", response=answers({200: CheckInOut}),
             summary="Close it (the manager, once every outcome is agreed)")
def close(request, pk: int):
    viewer = caller(request, Scope.WRITE)
    try:
        actions.close(viewer, pk, door=DOOR)
    except loop.LoopError as error:
        raise _refused(error) from None
    return checkin_out(viewer, checkin_or_404(viewer, pk))

