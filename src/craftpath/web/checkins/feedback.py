"""Peer feedback on an open check-in: asking up to MAX_COLLEAGUES colleagues about chosen
statements, their answer (comments, and their own evidence if they like) or their refusal.
Writes are transactions; an answer is accepted once (a second tab gets a clear refusal).

Asking never tells whether an address belongs to anyone: an address nobody active has is
answered as an ask would be, and nothing is stored or sent for it (the directory is not for
everyone to probe)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from craftpath.web.accounts.models import User, normalise_email
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify

from ..words import counted
from . import scope as scopes
from .models import CheckIn, Evidence, FeedbackRequest

MAX_COLLEAGUES = 5
COMMENT_LIMIT = 5000
CLOSED = "This check-in is closed; feedback is asked while it is open."


class FeedbackError(Exception):
    """The request or answer cannot be made; the message says why, for the person, and
    `field` names the input it is about when one is (the API reports it)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class AlreadyAsked(FeedbackError):
    """This colleague has been asked about this check-in already."""


def ask(checkin: CheckIn, by, colleague_email: str, statement_ids: list[str],
        message: str = "", now=None) -> FeedbackRequest | None:
    """Ask the colleague with `colleague_email`; None (nothing stored, nobody told) when
    nobody active has that address, which the caller answers as if they had been asked."""
    now = now or timezone.now()
    if checkin.is_closed:
        raise FeedbackError(CLOSED)
    if not colleague_email.strip():
        raise FeedbackError("Give the colleague's email.", field="colleague")
    scope = scopes.of_checkin(checkin)
    chosen = [sid for sid in dict.fromkeys(statement_ids) if scope.item(sid) is not None]
    if not chosen:
        raise FeedbackError("Choose at least one statement for the colleague to comment on.",
                            field="statement_ids")
    if len(message) > 1000:
        raise FeedbackError("The message is too long (at most 1,000 characters).",
                            field="message")
    try:
        with transaction.atomic():
            # One request at a time, and none once the check-in has closed meanwhile (the
            # close takes the same lock).
            current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
            if current.is_closed:
                raise FeedbackError(CLOSED)
            asked = checkin.feedback_requests.exclude(state=FeedbackRequest.DECLINED).count()
            if asked >= MAX_COLLEAGUES:
                raise FeedbackError(f"At most {MAX_COLLEAGUES} colleagues can be asked about "
                                    "one check-in.")
            # Looked up only once everything else about the ask is known to be fine, so no
            # answer differs by whether the address is someone's.
            colleague = User.objects.filter(email=normalise_email(colleague_email),
                                            is_active=True).first()
            if colleague is None:
                return None
            if colleague.pk == checkin.person_id:
                raise FeedbackError("Ask a colleague; your own view is the self-assessment.",
                                    field="colleague")
            request = FeedbackRequest.objects.create(
                checkin=checkin, colleague=colleague, requested_by=by, statement_ids=chosen,
                message=message.strip(), created_at=now)
            person = checkin.person
            notify(Kind.FEEDBACK_REQUESTED, [colleague],
                   f"{person.name or person.email} asks for your feedback",
                   f"{person.name or person.email} would value your view on "
                   f"{counted(len(chosen), 'statement')} of their career framework."
                   + (f" Their note: {request.message}" if request.message else ""),
                   link=f"/checkins/feedback/{request.pk}/", now=now)
    except IntegrityError:
        raise AlreadyAsked(f"{colleague_email.strip()} has been asked about this check-in "
                           "already.") from None
    return request


def answer(request: FeedbackRequest, comments: dict[str, str],
           evidence: dict[str, list[int]], now=None) -> FeedbackRequest:
    now = now or timezone.now()
    answers = {}
    for sid in request.statement_ids:
        text = (comments.get(sid) or "").strip()
        if len(text) > COMMENT_LIMIT:
            raise FeedbackError(f"A comment is too long (at most {COMMENT_LIMIT} characters).",
                                field="comments")
        items = [item.frozen() for item in Evidence.objects.filter(
            owner_id=request.colleague_id, pk__in=evidence.get(sid, []))]
        if text or items:
            answers[sid] = {"comment": text, "evidence": items}
    if not answers:
        raise FeedbackError("Write a comment on at least one statement (or decline instead).",
                            field="comments")
    with transaction.atomic():
        changed = FeedbackRequest.objects.filter(
            pk=request.pk, state=FeedbackRequest.REQUESTED, checkin__closed_at=None,
        ).update(state=FeedbackRequest.SUBMITTED, answers=answers, answered_at=now)
        if not changed:
            raise FeedbackError("This request was answered, declined or closed already.")
        request.refresh_from_db()
        checkin = request.checkin
        colleague = request.colleague
        notify(Kind.FEEDBACK_GIVEN, {checkin.person_id, request.requested_by_id},
               f"{colleague.name or colleague.email} gave feedback",
               "Their comments show beside the statements in the side-by-side view and stay "
               "in the closed record.", link=f"/checkins/{checkin.pk}/feedback/", now=now)
    return request


def decline(request: FeedbackRequest, now=None) -> None:
    now = now or timezone.now()
    changed = FeedbackRequest.objects.filter(pk=request.pk, state=FeedbackRequest.REQUESTED) \
        .update(state=FeedbackRequest.DECLINED, answered_at=now)
    if not changed:
        raise FeedbackError("This request was answered or declined already.")


def given(checkin: CheckIn) -> dict[str, list[dict]]:
    """Statement id → the feedback given on it: [{"from", "comment", "evidence"}]."""
    found: dict[str, list[dict]] = {}
    for request in checkin.feedback_requests.filter(state=FeedbackRequest.SUBMITTED) \
            .select_related("colleague").order_by("answered_at", "id"):
        for sid, answer_ in request.answers.items():
            found.setdefault(sid, []).append({
                "from": request.colleague.name or request.colleague.email,
                "comment": answer_.get("comment", ""), "evidence": answer_.get("evidence", [])})
    return found


def rows_for(checkin: CheckIn) -> list[tuple]:
    """(statement, feedback list) in the check-in's order, for statements with feedback."""
    found = given(checkin)
    scope = scopes.of_checkin(checkin)
    return [(item.statement, found[item.statement.id]) for item in scope.items
            if item.statement.id in found]
