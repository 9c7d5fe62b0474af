"""Check-ins through the API: the same stages and rules as the pages. Each route asks
access.py, calls checkins/loop.py and writes the audit trail, as the views do; a voice the
caller may not see yet (the blind review) is null."""

from __future__ import annotations

from ninja import Query, Router
from ninja.responses import Response

from craftpath.web import access
from craftpath.web.checkins import audit, loop
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import SIDES, CheckIn, Entry

from .auth import caller, need
from .models import Scope
from .paging import MAX_ID, MAX_LIMIT, page, revision_from, stale, with_etag
from .problems import Problem, bad_field, forbidden, not_found
from .schemas import CheckInOut, CheckInsPage, RatingIn, RatingOut, StartIn, SummaryIn, answers

router = Router(tags=["check-ins"])


def side_of(viewer, checkin: CheckIn) -> str | None:
    if access.can_self_assess(viewer, checkin):
        return "self"
    if access.can_review_checkin(viewer, checkin):
        return "manager"
    return None


def checkin_or_404(viewer, pk: int) -> CheckIn:
    checkin = CheckIn.objects.select_related("person", "version").defer("version__document") \
        .filter(pk=pk).first()
    if checkin is None or not access.can_view_checkin(viewer, checkin):
        raise not_found("check-in")
    return checkin


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
    found = CheckIn.objects.filter(person__in=access.progress_visible_people(viewer)) \
        .select_related("version").defer("version__document", "snapshot")
    if person is not None:
        found = found.filter(person_id=person)
    if state is not None:
        found = found.filter(closed_at__isnull=state == "open")
    return page(found, cursor, limit, lambda c: checkin_out(viewer, c))


@router.post("", response=answers({201: CheckInOut}),
             summary="Start your own check-in on the active version")
def start_checkin(request, payload: StartIn):
    viewer = caller(request, Scope.WRITE)
    if not access.can_start_checkin(viewer, viewer):
        raise forbidden("People start their own check-ins.")
    try:
        checkin = loop.start(viewer, include_next=payload.include_next_level)
    except loop.LoopError as error:
        raise _refused(error) from None
    return Response(checkin_out(viewer, checkin_or_404(viewer, checkin.pk)), status=201)


@router.get("/{int:pk}", response=answers({200: CheckInOut}), summary="One check-in")
def get_checkin(request, pk: int):
    viewer = request.auth
    checkin = checkin_or_404(viewer, pk)
    audit.record(viewer, checkin, audit.VIEWED, "check-in (API)")
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


def _sides(viewer, checkin) -> set[str]:
    return {side for side in SIDES if access.can_see_voice(viewer, checkin, side)}


@router.get("/{int:pk}/ratings", response=answers({200: list[RatingOut]}),
            summary="Every statement with the voices you may see")
def list_ratings(request, pk: int, area: str | None = None):
    viewer = request.auth
    checkin = checkin_or_404(viewer, pk)
    audit.record(viewer, checkin, audit.VIEWED, "ratings (API)")
    scope, sides = scopes.of_checkin(checkin), _sides(viewer, checkin)
    evidence = loop.frozen_evidence(checkin) if "self" in sides else {}
    rows = (rating_out(viewer, checkin, scope, entry, sides, evidence)
            for entry in checkin.entries.all())
    return [row for row in rows if row is not None and (area is None or row["area"] == area)]


def _entry(checkin: CheckIn, statement_id: str) -> Entry:
    entry = checkin.entries.filter(statement_id=statement_id).first()
    if entry is None:
        raise not_found("statement in this check-in")
    return entry


def _one(request, pk: int, statement_id: str, side_for_etag) -> Response:
    viewer = request.auth
    checkin = checkin_or_404(viewer, pk)
    entry = _entry(checkin, statement_id)
    sides = _sides(viewer, checkin)
    evidence = loop.frozen_evidence(checkin) if "self" in sides else {}
    document = rating_out(viewer, checkin, scopes.of_checkin(checkin), entry, sides, evidence)
    if document is None:
        raise not_found("statement in this check-in")
    side = side_for_etag(checkin)
    return with_etag(document, entry.voice(side)["revision"] if side else 0)


@router.get("/{int:pk}/ratings/{statement_id}", response=answers({200: RatingOut}),
            summary="One statement; the ETag is your side's revision")
def get_rating(request, pk: int, statement_id: str):
    return _one(request, pk, statement_id, lambda checkin: side_of(request.auth, checkin))


@router.get("/{int:pk}/outcomes/{statement_id}", response=answers({200: RatingOut}),
            summary="One statement; the ETag is the agreed outcome's revision")
def get_outcome(request, pk: int, statement_id: str):
    return _one(request, pk, statement_id, lambda checkin: "agreed")


def _field_of(message: str) -> str:
    """Which field a loop.LoopError about a rating is about (its message says it)."""
    for words, field in (("scale", "value"), ("needs a reason", "reason"),
                         ("reason is too long", "reason"), ("comment is too long", "comment")):
        if words in message:
            return field
    return "statement_id"


def _save(request, checkin: CheckIn, side: str, statement_id: str, payload: RatingIn):
    viewer = request.auth
    _entry(checkin, statement_id)
    try:
        saved = loop.save_voice(checkin, side, statement_id, value=payload.value,
                                reason=payload.reason, comment=payload.comment,
                                revision=revision_from(request),
                                evidence_ids=payload.evidence_ids if side == "self" else None)
    except loop.Conflict as conflict:
        raise stale(conflict.entry.voice(side) if conflict.entry else None,
                    "this rating") from None
    except loop.LoopError as error:
        if editable := loop.editable_side(checkin, side):
            raise Problem(409, "Not possible at this stage", editable) from None
        raise bad_field(_field_of(str(error)), str(error)) from None
    audit.record(viewer, checkin, audit.CHANGED,
                 "agreed outcome (API)" if side == "agreed" else f"{side} rating (API)")
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
    side = side_of(request.auth, checkin)
    if side is None:
        raise forbidden("Only the person and their manager rate in a check-in.")
    return _save(request, checkin, side, statement_id, payload)


@router.put("/{int:pk}/outcomes/{statement_id}", response=answers({200: RatingOut}),
            summary="Agree a statement's outcome (If-Match: the agreed revision)")
def put_outcome(request, pk: int, statement_id: str, payload: RatingIn):
    need(request, Scope.WRITE)
    checkin = checkin_or_404(request.auth, pk)
    if not access.can_agree_checkin(request.auth, checkin):
        raise forbidden("The outcome is agreed by the person and their manager.")
    return _save(request, checkin, "agreed", statement_id, payload)


@router.post("/{int:pk}/submit", response=answers({200: CheckInOut}),
             summary="Submit your side")
def submit(request, pk: int):
    viewer = caller(request, Scope.WRITE)
    checkin = checkin_or_404(viewer, pk)
    side = side_of(viewer, checkin)
    if side is None:
        raise forbidden("Only the person and their manager submit in a check-in.")
    try:
        checkin = loop.submit(checkin, side, viewer)
    except loop.LoopError as error:
        raise _refused(error) from None
    audit.record(viewer, checkin, audit.CHANGED, "submitted review (API)")
    return checkin_out(viewer, checkin_or_404(viewer, pk))


@router.put("/{int:pk}/summary", response=answers({200: CheckInOut}),
            summary="Write the agreed summary (If-Match: summary_revision)")
def put_summary(request, pk: int, payload: SummaryIn):
    viewer = caller(request, Scope.WRITE)
    checkin = checkin_or_404(viewer, pk)
    if not access.can_agree_checkin(viewer, checkin):
        raise forbidden("The summary is written by the person and their manager.")
    try:
        loop.save_summary(checkin, payload.summary, revision_from(request))
    except loop.Conflict:
        checkin.refresh_from_db(fields=["summary", "summary_revision"])
        raise stale({"summary": checkin.summary, "revision": checkin.summary_revision},
                    "the summary") from None
    except loop.LoopError as error:
        raise _refused(error) from None
    audit.record(viewer, checkin, audit.CHANGED, "summary (API)")
    checkin = checkin_or_404(viewer, pk)
    return with_etag(checkin_out(viewer, checkin), checkin.summary_revision)


@router.post("/{int:pk}/close", response=answers({200: CheckInOut}),
             summary="Close it (the manager, once every outcome is agreed)")
def close(request, pk: int):
    viewer = caller(request, Scope.WRITE)
    checkin = checkin_or_404(viewer, pk)
    if not access.can_close_checkin(viewer, checkin):
        raise forbidden("The manager closes a check-in, once the outcome is agreed.")
    try:
        loop.close(checkin, viewer)
    except loop.LoopError as error:
        raise _refused(error) from None
    audit.record(viewer, checkin, audit.CHANGED, "closed (API)")
    return checkin_out(viewer, checkin_or_404(viewer, pk))

