"""The home page after signing in: what needs the person now, most urgent first.

Their own check-in (its stage and the deadline of the step that is theirs), reviews waiting
for them as a manager or assigned reviewer, feedback colleagues asked them for, and the cycle
they are in; the people team also sees the running cycles' progress. Each item carries the
deadline it answers to; items are sorted by it (overdue first), undated ones last.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from craftpath.web import access
from craftpath.web.checkins.models import CheckIn, FeedbackRequest
from craftpath.web.frameworks.publishing import active_version

from ..words import counted
from . import progress
from .models import Cycle, Participant

SHOWN = 20  # reviews listed; the rest are counted


@dataclass
class Item:
    kind: str  # own, review, agree, feedback
    title: str
    detail: str
    link: str
    action: str
    due: object = None  # a date, or None

    def overdue(self, today) -> bool:
        return self.due is not None and self.due < today


def _cycles_of(checkin_ids) -> dict[int, Cycle]:
    """The running cycle of each check-in (a closed cycle's deadlines no longer apply)."""
    return {p.checkin_id: p.cycle for p in Participant.objects.filter(
        checkin_id__in=checkin_ids, cycle__closed_at=None).select_related("cycle")}


def _own_item(checkin: CheckIn, cycle: Cycle | None) -> Item:
    link = f"/checkins/{checkin.pk}/"
    if checkin.both_submitted:
        return Item("own", "Agree the outcome of your check-in",
                    "Both sides are in; agree an outcome per statement with your reviewer.",
                    f"{link}compare/", "Open the side-by-side view",
                    cycle.agree_due if cycle else None)
    if checkin.self_submitted_at is None:
        return Item("own", "Your self-assessment", checkin.stage.capitalize() + ".", link,
                    "Continue your self-assessment", cycle.self_due if cycle else None)
    return Item("own", "Your check-in is with your reviewer",
                "Nothing to do until they submit their review.", link, "Open your check-in")


def _review_items(viewer) -> tuple[list[Item], int]:
    mine = Q(reviewer=viewer) | Q(reviewer=None, person__manager=viewer)
    waiting = CheckIn.objects.filter(mine, closed_at=None).filter(
        Q(self_submitted_at__isnull=False, manager_submitted_at=None)
        | Q(self_submitted_at__isnull=False, manager_submitted_at__isnull=False)) \
        .exclude(person=viewer).select_related("person").order_by("self_submitted_at")
    total = waiting.count()
    shown = list(waiting[:SHOWN])
    cycles = _cycles_of([c.pk for c in shown])
    items = []
    for checkin in shown:
        cycle = cycles.get(checkin.pk)
        name = checkin.person.name or checkin.person.email
        if checkin.manager_submitted_at is None:
            items.append(Item("review", f"Review {name}'s check-in",
                              "Their self-assessment is submitted.",
                              f"/checkins/{checkin.pk}/", "Start the review",
                              cycle.review_due if cycle else None))
        else:
            items.append(Item("agree", f"Agree and close {name}'s check-in",
                              "Both sides are in.", f"/checkins/{checkin.pk}/compare/",
                              "Open the side-by-side view",
                              cycle.close_due if cycle else None))
    return items, total


def _feedback_items(viewer) -> list[Item]:
    asked = FeedbackRequest.objects.filter(colleague=viewer, state=FeedbackRequest.REQUESTED,
                                           checkin__closed_at=None) \
        .select_related("checkin__person")
    cycles = _cycles_of([r.checkin_id for r in asked])
    return [Item("feedback", f"Feedback for {r.checkin.person.name or r.checkin.person.email}",
                 f"{counted(len(r.statement_ids), 'statement')} they would like your view on.",
                 f"/checkins/feedback/{r.pk}/", "Give feedback",
                 cycles[r.checkin_id].review_due if r.checkin_id in cycles else None)
            for r in asked]


@login_required
@require_safe
def home(request):
    viewer = request.user
    today = timezone.localdate()
    own = CheckIn.objects.filter(person=viewer, closed_at=None).first()
    own_cycle = _cycles_of([own.pk]).get(own.pk) if own else None
    items = [_own_item(own, own_cycle)] if own else []
    reviews, review_total = _review_items(viewer)
    items += reviews + _feedback_items(viewer)
    items.sort(key=lambda item: (item.due is None, item.due or today))
    running = []
    if access.can_run_cycles(viewer):
        running = [progress.summary_of(c) for c in Cycle.objects.filter(
            launched_at__isnull=False, closed_at=None).select_related("version")
            .defer("version__document")]
    return render(request, "cycles/home.html", {
        "items": items, "today": today, "own": own, "own_cycle": own_cycle,
        "more_reviews": max(review_total - SHOWN, 0),
        "can_start": own is None and access.can_start_checkin(viewer, viewer)
        and active_version() is not None and bool(viewer.level_slug),
        "running": running, "runs_cycles": access.can_run_cycles(viewer),
    })
