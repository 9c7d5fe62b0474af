"""Peer feedback pages: the person's (or reviewer's) list of requests with the form to ask,
and the colleague's page to answer or decline. A colleague's page shows the chosen statements
and the person's name only; anyone but the colleague gets a 404 for it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from craftpath.web import access

from . import audit, feedback
from . import scope as scopes
from .models import Evidence, FeedbackRequest
from .views import checkin_or_404


@login_required
def checkin_feedback(request, pk: int):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if not access.can_read_feedback(viewer, checkin):
        raise PermissionDenied("Feedback is for the person and their reviewers.")
    scope = scopes.of_checkin(checkin)
    can_ask = access.can_request_feedback(viewer, checkin)
    if request.method == "POST":
        # A check-in closed since the page was drawn is refused by `ask` with a message, as
        # any other refusal is (the API answers 409); only the person and reviewers ask.
        if not can_ask and not checkin.is_closed:
            raise PermissionDenied("Feedback is asked by the person and their reviewers.")
        try:
            feedback.ask(checkin, viewer, request.POST.get("colleague", ""),
                         request.POST.getlist("statement"), request.POST.get("message", ""))
        except feedback.FeedbackError as problem:
            messages.error(request, str(problem))
        else:
            audit.record(viewer, checkin, audit.CHANGED, "asked for peer feedback")
            messages.success(request, "Asked. They will see the statements you chose and your "
                             "name, never a rating.")
        return redirect("checkins:feedback", pk=checkin.pk)
    audit.record(viewer, checkin, audit.VIEWED, "peer feedback")  # as the API records it
    requests_ = list(checkin.feedback_requests.select_related("colleague"))
    return render(request, "checkins/feedback.html", {
        "checkin": checkin, "scope": scope, "requests": requests_, "can_ask": can_ask,
        "left": feedback.MAX_COLLEAGUES - sum(r.state != FeedbackRequest.DECLINED
                                              for r in requests_),
        "given": feedback.rows_for(checkin),
    })


def _request_or_404(viewer, pk: int) -> FeedbackRequest:
    found = get_object_or_404(FeedbackRequest.objects.select_related(
        "checkin__person", "checkin__version"), pk=pk)
    if not access.can_answer_feedback(viewer, found):
        raise Http404("No such feedback request.")
    return found


@login_required
def answer(request, pk: int):
    viewer = request.user
    asked = _request_or_404(viewer, pk)
    scope = scopes.of_checkin(asked.checkin)
    items = [scope.item(sid) for sid in asked.statement_ids if scope.item(sid)]
    if request.method == "POST":
        comments = {sid: request.POST.get(f"comment-{sid}", "") for sid in asked.statement_ids}
        evidence = {sid: [int(v) for v in request.POST.getlist(f"evidence-{sid}") if v.isdigit()]
                    for sid in asked.statement_ids}
        try:
            feedback.answer(asked, comments, evidence)
        except feedback.FeedbackError as problem:
            messages.error(request, str(problem))
            return render(request, "checkins/feedback_answer.html", {
                "asked": asked, "open": True,
                "rows": [(item, comments.get(item.statement.id, "")) for item in items],
                "evidence_log": list(Evidence.objects.filter(owner=viewer))}, status=422)
        messages.success(request, "Thank you: your feedback is with them.")
        return redirect("my-home")
    return render(request, "checkins/feedback_answer.html", {
        "asked": asked, "rows": [(item, "") for item in items],
        "evidence_log": list(Evidence.objects.filter(owner=viewer)),
        "open": asked.state == FeedbackRequest.REQUESTED and not asked.checkin.is_closed})


@login_required
@require_POST
def decline(request, pk: int):
    asked = _request_or_404(request.user, pk)
    try:
        feedback.decline(asked)
    except feedback.FeedbackError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Declined; they can ask someone else.")
    return redirect("my-home")
