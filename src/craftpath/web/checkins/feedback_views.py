"""Peer feedback pages: the person's (or reviewer's) list of requests with the form to ask,
and the colleague's page to answer or decline. A colleague's page shows the chosen statements
and the person's name only; anyone but the colleague gets a 404 for it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from craftpath.web import access
from craftpath.web.actions import feedback as actions

from . import feedback
from . import scope as scopes
from .models import Evidence, FeedbackRequest
from .views import parse_id


@login_required
def checkin_feedback(request, pk: int):
    viewer = request.user
    if request.method == "POST":
        # A check-in closed since the page was drawn is refused by `ask` with a message, as
        # any other refusal is (the API answers 409); only the person and reviewers ask.
        try:
            actions.ask(viewer, pk, request.POST.get("colleague", ""),
                        request.POST.getlist("statement"), request.POST.get("message", ""))
        except feedback.FeedbackError as problem:
            messages.error(request, str(problem))
        else:
            # The same words whether or not the address is someone's.
            messages.success(request, "Asked. They will see the statements you chose and your "
                             "name, never a rating.")
        return redirect("checkins:feedback", pk=pk)
    checkin, found = actions.read_feedback(viewer, pk)
    scope = scopes.of_checkin(checkin)
    can_ask = access.can_request_feedback(viewer, checkin)
    requests_ = list(found)
    return render(request, "checkins/feedback.html", {
        "checkin": checkin, "scope": scope, "requests": requests_, "can_ask": can_ask,
        "left": feedback.MAX_COLLEAGUES - sum(r.state != FeedbackRequest.DECLINED
                                              for r in requests_),
        "given": feedback.rows_for(checkin),
    })


@login_required
def answer(request, pk: int):
    viewer = request.user
    asked = actions.find_asked(viewer, pk)
    scope = scopes.of_checkin(asked.checkin)
    items = [scope.item(sid) for sid in asked.statement_ids if scope.item(sid)]
    if request.method == "POST":
        comments = {sid: request.POST.get(f"comment-{sid}", "") for sid in asked.statement_ids}
        evidence = {sid: [n for n in map(parse_id, request.POST.getlist(f"evidence-{sid}"))
                          if n is not None] for sid in asked.statement_ids}
        try:
            actions.answer(viewer, asked.pk, comments, evidence)
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
    try:
        actions.decline(request.user, pk)
    except feedback.FeedbackError as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Declined; they can ask someone else.")
    return redirect("my-home")
