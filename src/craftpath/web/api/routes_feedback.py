"""Peer feedback through the API, with the pages' rules (access.py) and functions
(checkins/feedback.py): the person or their reviewer asks up to five colleagues about chosen
statements while the check-in is open, and reads what was given; a colleague sees only the
statements they were asked about and the person's name (never a rating), and answers or
declines. Feedback is not for the people team, and no colleague sees another's answer."""

from __future__ import annotations

from ninja import Query, Router
from ninja.responses import Response

from craftpath.web import access
from craftpath.web.checkins import audit, feedback
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import FeedbackRequest

from .auth import caller
from .models import Scope
from .paging import MAX_LIMIT, page
from .problems import Problem, bad_field, forbidden, not_found
from .routes_checkins import checkin_or_404
from .schemas import (
    AnswerIn,
    AskedOut,
    AskedPage,
    FeedbackIn,
    FeedbackOut,
    FeedbackPage,
    answers,
)

on_checkins = Router(tags=["peer feedback"])
asked = Router(tags=["peer feedback"])

STATES = "^(requested|submitted|declined)$"


def _refused(error: feedback.FeedbackError) -> Problem:
    if error.field:
        return bad_field(error.field, str(error))
    return Problem(409, "Not possible at this stage", str(error))


def feedback_out(request: FeedbackRequest) -> dict:
    """What the person and their reviewers see of one request."""
    colleague = request.colleague
    return {"id": request.pk, "checkin_id": request.checkin_id,
            "colleague_id": colleague.pk, "colleague": colleague.name or colleague.email,
            "requested_by_id": request.requested_by_id,
            "statement_ids": list(request.statement_ids), "message": request.message,
            "state": request.state, "created_at": request.created_at,
            "answered_at": request.answered_at,
            "answers": request.answers if request.state == FeedbackRequest.SUBMITTED
            else None}


def _readable(viewer, pk: int):
    checkin = checkin_or_404(viewer, pk)
    if not access.can_read_feedback(viewer, checkin):
        raise forbidden("Feedback is for the person and their reviewers.")
    return checkin


@on_checkins.get("/{int:pk}/feedback", response=answers({200: FeedbackPage}),
                 summary="Feedback asked for on a check-in, and what was given")
def list_feedback(request, pk: int, cursor: str | None = None,
                  limit: int = Query(50, ge=1, le=MAX_LIMIT),
                  state: str | None = Query(None, pattern=STATES)):
    viewer = caller(request)
    checkin = _readable(viewer, pk)
    audit.record(viewer, checkin, audit.VIEWED, "peer feedback (API)")
    found = checkin.feedback_requests.select_related("colleague")
    if state is not None:
        found = found.filter(state=state)
    return page(found, cursor, limit, feedback_out)


@on_checkins.post("/{int:pk}/feedback", response=answers({201: FeedbackOut}),
                  summary="Ask a colleague about chosen statements (the check-in must be open)")
def ask_feedback(request, pk: int, payload: FeedbackIn):
    viewer = caller(request, Scope.WRITE)
    checkin = _readable(viewer, pk)
    if not access.can_request_feedback(viewer, checkin):
        raise Problem(409, "Not possible at this stage",
                      "Feedback is asked while the check-in is open.")
    try:
        made = feedback.ask(checkin, viewer, payload.colleague, payload.statement_ids,
                            payload.message)
    except feedback.FeedbackError as error:
        raise _refused(error) from None
    audit.record(viewer, checkin, audit.CHANGED, "asked for peer feedback (API)")
    return Response(feedback_out(made), status=201)


# --- the colleague's side -------------------------------------------------------------------

def asked_out(request: FeedbackRequest) -> dict:
    """What the colleague sees: the person's name and the chosen statements, nothing else."""
    checkin = request.checkin
    scope = scopes.of_checkin(checkin)
    person = checkin.person
    return {"id": request.pk, "person": person.name or person.email,
            "statements": [{"id": sid, "text": item.statement.text}
                           for sid in request.statement_ids if (item := scope.item(sid))],
            "message": request.message, "state": request.state,
            "open": request.state == FeedbackRequest.REQUESTED and not checkin.is_closed,
            "created_at": request.created_at, "answered_at": request.answered_at,
            "answers": request.answers if request.state == FeedbackRequest.SUBMITTED
            else None}


def _mine(viewer, pk: int) -> FeedbackRequest:
    found = FeedbackRequest.objects.select_related("checkin__person", "checkin__version") \
        .defer("checkin__version__document").filter(pk=pk).first()
    if found is None or not access.can_answer_feedback(viewer, found):
        raise not_found("feedback request")
    return found


@asked.get("", response=answers({200: AskedPage}), summary="Feedback colleagues asked you for")
def list_asked(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT),
               state: str | None = Query(None, pattern=STATES)):
    viewer = caller(request)
    found = FeedbackRequest.objects.filter(colleague=viewer).select_related(
        "checkin__person", "checkin__version")
    if state is not None:
        found = found.filter(state=state)
    return page(found, cursor, limit, asked_out)


@asked.get("/{int:pk}", response=answers({200: AskedOut}), summary="One request asked of you")
def get_asked(request, pk: int):
    return asked_out(_mine(caller(request), pk))


@asked.post("/{int:pk}/answer", response=answers({200: AskedOut}),
            summary="Answer: a comment (and items of your evidence log) per statement")
def answer(request, pk: int, payload: AnswerIn):
    viewer = caller(request, Scope.WRITE)
    found = _mine(viewer, pk)
    unknown = sorted((set(payload.comments) | set(payload.evidence))
                     - set(found.statement_ids))
    if unknown:
        raise bad_field("comments", f"not asked about: {', '.join(unknown)}")
    try:
        feedback.answer(found, payload.comments, payload.evidence)
    except feedback.FeedbackError as error:
        raise _refused(error) from None
    return asked_out(_mine(viewer, pk))


@asked.post("/{int:pk}/decline", response=answers({200: AskedOut}), summary="Decline")
def decline(request, pk: int):
    viewer = caller(request, Scope.WRITE)
    found = _mine(viewer, pk)
    try:
        feedback.decline(found)
    except feedback.FeedbackError as error:
        raise _refused(error) from None
    return asked_out(_mine(viewer, pk))

