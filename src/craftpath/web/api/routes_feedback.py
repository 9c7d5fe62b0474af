"""Peer feedback through the API, with the pages' rules (access.py) and functions
(checkins/feedback.py): the person or their reviewer asks up to five colleagues about chosen
statements while the check-in is open, and reads what was given; a colleague sees only the
statements they were asked about and the person's name (never a rating), and answers or
declines. Feedback is not for the people team, and no colleague sees another's answer."""

from __future__ import annotations

from ninja import Query, Router
from ninja.responses import Response

from craftpath.web.actions import feedback as actions
from craftpath.web.checkins import feedback
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import FeedbackRequest

from .auth import caller
from .models import Scope
from .paging import MAX_LIMIT, page
from .problems import Problem, bad_field
from .schemas import (
    AnswerIn,
    AskedOut,
    AskedPage,
    AskReceiptOut,
    FeedbackIn,
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


@on_checkins.get("/{int:pk}/feedback", response=answers({200: FeedbackPage}),
                 summary="Feedback asked for on a check-in, and what was given")
def list_feedback(request, pk: int, cursor: str | None = None,
                  limit: int = Query(50, ge=1, le=MAX_LIMIT),
                  state: str | None = Query(None, pattern=STATES)):
    viewer = caller(request)
    _, found = actions.read_feedback(viewer, pk, door="API")
    if state is not None:
        found = found.filter(state=state)
    return page(found, cursor, limit, feedback_out)


@on_checkins.post("/{int:pk}/feedback", response=answers({201: AskReceiptOut}),
                  summary="Ask a colleague about chosen statements (the check-in must be open)",
                  description="The answer is the same whether or not anyone has that address "
                  "(or was asked before); the request shows in the check-in's list once made.")
def ask_feedback(request, pk: int, payload: FeedbackIn):
    viewer = caller(request, Scope.WRITE)
    try:
        asked_ = actions.ask(viewer, pk, payload.colleague, payload.statement_ids,
                             payload.message, door="API")
    except feedback.FeedbackError as error:
        raise _refused(error) from None
    return Response({"colleague": asked_.colleague, "statement_ids": asked_.statement_ids,
                     "message": asked_.message, "state": asked_.state, "answers": None},
                    status=201)


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


_mine = actions.find_asked


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
        actions.answer(viewer, found.pk, payload.comments, payload.evidence)
    except feedback.FeedbackError as error:
        raise _refused(error) from None
    return asked_out(_mine(viewer, pk))


@asked.post("/{int:pk}/decline", response=answers({200: AskedOut}), summary="Decline")
def decline(request, pk: int):
    viewer = caller(request, Scope.WRITE)
    try:
        actions.decline(viewer, pk)
    except feedback.FeedbackError as error:
        raise _refused(error) from None
    return asked_out(_mine(viewer, pk))

