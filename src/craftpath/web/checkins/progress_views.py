"""A person's progress page (history, trends, radar, readiness, growth plan) and the manager's
team page. Readiness is shown as coverage with its reasons: a conversation aid, never a
verdict."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from craftpath.core.progress import Scale
from craftpath.web import access
from craftpath.web.audit import trail
from craftpath.web.audit.models import Action
from craftpath.web.frameworks.publishing import active_version, framework_of

from . import history as histories
from . import plan as plans
from .forms import FocusForm, GoalForm
from .models import CheckIn, FocusStatement, Goal


def _progress_person_or_404(viewer, pk: int):
    person = get_object_or_404(access.visible_people(viewer), pk=pk)
    if not access.can_view_progress(viewer, person):
        # Admins see profiles but not progress: the same answer as for someone unknown.
        raise Http404("No such person.")
    return person


@login_required
@require_safe
def progress(request, pk: int):
    viewer = request.user
    person = _progress_person_or_404(viewer, pk)
    trail.record_read(request, person, "progress", "history, trends, readiness, growth plan")
    history = histories.of(person)
    ready = histories.readiness_of(history)
    can_edit = access.can_edit_growth_plan(viewer, person)
    context = {
        "person": person, "history": history, "is_me": person.pk == viewer.pk,
        "trends": histories.trends(history), "readiness": ready,
        "plan": plans.of(person), "can_edit_plan": can_edit,
        "goal_form": GoalForm(prefix="goal") if can_edit else None,
        "focus_form": FocusForm(prefix="focus", statements=plans.choosable(person))
        if can_edit else None,
        "open_checkin": CheckIn.objects.filter(person=person, closed_at=None).first(),
    }
    if ready is not None:
        context["radar_current"] = histories.coverage_radar(
            ready.current, f"Coverage per area at {history.level.label}, in tenths")
        if ready.next_level is not None:
            context["radar_next"] = histories.coverage_radar(
                ready.toward_next, f"Coverage per area at {ready.next_level.label}, in tenths")
    return render(request, "checkins/progress.html", context)


def _plan_person_or_403(viewer, pk: int):
    person = _progress_person_or_404(viewer, pk)
    if not access.can_edit_growth_plan(viewer, person):
        raise PermissionDenied("The growth plan is kept by the person and their managers.")
    return person


@login_required
@require_POST
def focus_add(request, pk: int):
    person = _plan_person_or_403(request.user, pk)
    form = FocusForm(request.POST, prefix="focus", statements=plans.choosable(person))
    if form.is_valid():
        try:
            FocusStatement.objects.create(person=person, family_slug=person.family_slug,
                                          statement_id=form.cleaned_data["statement"],
                                          note=form.cleaned_data["note"])
        except IntegrityError:
            messages.error(request, "That statement is already in the plan.")
        else:
            messages.success(request, "Added to the growth plan.")
    else:
        messages.error(request, "Choose a statement from the list.")
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_POST
def focus_delete(request, pk: int):
    focus = get_object_or_404(FocusStatement, pk=pk)
    person = _plan_person_or_403(request.user, focus.person_id)
    focus.delete()
    messages.success(request, "Removed from the growth plan.")
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_POST
def goal_add(request, pk: int):
    person = _plan_person_or_403(request.user, pk)
    form = GoalForm(request.POST, prefix="goal")
    if form.is_valid():
        goal = form.save(commit=False)
        goal.person = person
        goal.save()
        messages.success(request, "Goal added.")
    else:
        messages.error(request, "The goal was not added: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_POST
def goal_update(request, pk: int):
    goal = get_object_or_404(Goal, pk=pk)
    person = _plan_person_or_403(request.user, goal.person_id)
    action = request.POST.get("do")
    if action == "delete":
        goal.delete()
        messages.success(request, "Goal deleted.")
    elif action in ("done", "reopen"):
        goal.done = action == "done"
        goal.save(update_fields=["done"])
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_safe
def team(request):
    """The manager's reports: where each check-in stands, and coverage at their level from
    their most recent closed check-in."""
    viewer = request.user
    if not access.can_view_team_checkins(viewer):
        raise PermissionDenied("The team page is for managers.")
    reports = list(access.visible_people(viewer).exclude(pk=viewer.pk)
                   .filter(pk__in=access.report_ids(viewer)))
    ids = [p.pk for p in reports]
    open_by_person = {c.person_id: c for c in CheckIn.objects.filter(
        person_id__in=ids, closed_at=None).defer("snapshot")}
    latest_closed: dict[int, CheckIn] = {}
    for c in CheckIn.objects.filter(person_id__in=ids).exclude(closed_at=None) \
            .order_by("person_id", "-closed_at").only("id", "person_id", "closed_at"):
        latest_closed.setdefault(c.person_id, c)
    ratings = histories.closed_agreed_ratings([c.pk for c in latest_closed.values()])
    version = active_version()
    framework = framework_of(version) if version else None
    people = []
    for person in reports:
        family = framework.find_family(person.family_slug) if framework else None
        level = family.find_level(person.level_slug) if family and person.level_slug else None
        closed = latest_closed.get(person.pk)
        coverage = None
        if level is not None and closed is not None:
            coverage = histories.level_summary(family, level, ratings[closed.pk],
                                               Scale.of(framework.scale),
                                               tuple(person.track_slugs or ()))
        people.append({"person": person, "level": level, "open": open_by_person.get(person.pk),
                       "closed": closed, "coverage": coverage})
    if reports:  # one entry per report: each sees the team page in their own trail
        trail.record(request, Action.VIEWED, target="team page", subjects=reports,
                     detail="check-in status and coverage")
    return render(request, "checkins/team.html", {"people": people})
