"""Peer feedback as actions: asking colleagues about a check-in, reading what was given, and
the colleague's answer or refusal. Each asks its own rule in access.py, does the work
(checkins/feedback.py) in one transaction and records the audit entry about the person whose
check-in it is; what the feedback functions refuse comes out as their FeedbackError.

Asking answers the same whether or not the address is someone's, and whether or not they were
asked before (see `Asked`): nobody learns from it who is in the directory.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from craftpath.web import access
from craftpath.web.accounts.models import normalise_email
from craftpath.web.audit.models import Action
from craftpath.web.checkins import feedback
from craftpath.web.checkins import scope as scopes
from craftpath.web.checkins.models import FeedbackRequest

from . import checkins
from .errors import NotFound, Refused


@dataclass(frozen=True)
class Asked:
    """What an ask answers, the same for every address: the address as given, the statements
    and the message. (The request itself shows in the check-in's list of requests.)"""

    colleague: str
    statement_ids: list[str]
    message: str
    state: str = FeedbackRequest.REQUESTED


def ask(viewer, ref, colleague_email: str, statement_ids: list[str], message: str = "",
        door: str = "") -> Asked:
    checkin = checkins.find(viewer, ref)
    if not access.can_read_feedback(viewer, checkin):
        raise Refused("Feedback is for the person and their reviewers.")
    if not access.can_request_feedback(viewer, checkin) and not checkin.is_closed:
        raise Refused("Feedback is asked by the person and their reviewers.")
    with transaction.atomic():
        try:
            made = feedback.ask(checkin, viewer, colleague_email, statement_ids, message)
        except feedback.AlreadyAsked:
            made = None  # asked before: nothing new, and the same answer as a first ask
        checkins._record(viewer, checkin, Action.CHANGED,
                         f"asked for peer feedback{checkins._suffix(door)}")
    scope = scopes.of_checkin(checkin)
    chosen = made.statement_ids if made else [
        sid for sid in dict.fromkeys(statement_ids) if scope.item(sid) is not None]
    return Asked(normalise_email(colleague_email), list(chosen), message.strip())


def read_feedback(viewer, ref, door: str = ""):
    """The requests made on a check-in and what was given: for the person and reviewers.
    Returns (check-in, requests as a queryset)."""
    checkin = checkins.find(viewer, ref)
    if not access.can_read_feedback(viewer, checkin):
        raise Refused("Feedback is for the person and their reviewers.")
    checkins._read(viewer, checkin, f"peer feedback{checkins._suffix(door)}")
    return checkin, checkin.feedback_requests.select_related("colleague")


def find_asked(viewer, pk: int) -> FeedbackRequest:
    """A request asked of `viewer` (their own: nothing to record), else NotFound."""
    found = FeedbackRequest.objects.select_related("checkin__person", "checkin__version") \
        .defer("checkin__version__document").filter(pk=pk).first()
    if found is None or not access.can_answer_feedback(viewer, found):
        raise NotFound("feedback request")
    return found


def answer(viewer, pk: int, comments: dict[str, str],
           evidence: dict[str, list[int]]) -> FeedbackRequest:
    asked = find_asked(viewer, pk)
    with transaction.atomic():
        return feedback.answer(asked, comments, evidence)


def decline(viewer, pk: int) -> FeedbackRequest:
    asked = find_asked(viewer, pk)
    if not access.can_decline_feedback(viewer, asked):
        raise NotFound("feedback request")
    with transaction.atomic():
        feedback.decline(asked)
    asked.refresh_from_db()
    return asked
