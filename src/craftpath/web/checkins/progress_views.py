"""A person's progress page (history, trends, radar, readiness, growth plan) and the manager's
team page. Readiness is shown as coverage with its reasons: a conversation aid, never a
verdict."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from craftpath.core.progress import Scale
from craftpath.web import access
from craftpath.web.actions import Invalid
from craftpath.web.actions import checkins as actions
from craftpath.web.frameworks.publishing import active_version, framework_of

from . import history as histories
from . import plan as plans
from .forms import FocusForm, GoalForm
from .models import CheckIn


@login_required
@require_safe
def progress(request, pk: int):
    viewer = request.user
    person = actions.read_progress(viewer, pk)
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


@login_required
@require_POST
def focus_add(request, pk: int):
    person = actions.find_plan_owner(request.user, pk)
    form = FocusForm(request.POST, prefix="focus", statements=plans.choosable(person))
    if form.is_valid():
        try:
            actions.add_focus(request.user, person.pk, form.cleaned_data["statement"],
                              form.cleaned_data["note"])
        except Invalid as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, "Added to the growth plan.")
    else:
        messages.error(request, "Choose a statement from the list.")
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_POST
def focus_delete(request, pk: int):
    person = actions.remove_focus(request.user, pk)
    messages.success(request, "Removed from the growth plan.")
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_POST
def goal_add(request, pk: int):
    person = actions.find_plan_owner(request.user, pk)
    form = GoalForm(request.POST, prefix="goal")
    if form.is_valid():
        actions.add_goal(request.user, person.pk, form.cleaned_data["title"],
                         form.cleaned_data.get("due"), form.cleaned_data.get("actions", ""))
        messages.success(request, "Goal added.")
    else:
        messages.error(request, "The goal was not added: " + "; ".join(
            f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_POST
def goal_update(request, pk: int):
    action = request.POST.get("do")
    if action == "delete":
        person = actions.delete_goal(request.user, pk)
        messages.success(request, "Goal deleted.")
    elif action in ("done", "reopen"):
        person = actions.mark_goal(request.user, pk, action == "done")
    else:
        _, person = actions.find_goal(request.user, pk, None)
    return redirect("checkins:progress", pk=person.pk)


@login_required
@require_safe
def team(request):
    """The manager's reports: where each check-in stands, and coverage at their level from
    their most recent closed check-in. A fixed number of queries whatever the team's size:
    the latest closed check-in of each report comes from the person's row (one index lookup
    each), not from loading all their history."""
    reports, open_by_person, ratings = actions.read_team(request.user)
    version = active_version()
    framework = framework_of(version) if version else None
    scale = Scale.of(framework.scale) if framework else None
    progress_url, checkin_url = _url_maker("checkins:progress"), _url_maker("checkins:checkin")
    people = []
    for person in reports:
        family = framework.find_family(person.family_slug) if framework else None
        level = family.find_level(person.level_slug) if family and person.level_slug else None
        closed_pk = person.last_closed_id
        coverage = None
        if level is not None and closed_pk is not None:
            coverage = histories.level_summary(family, level, ratings[closed_pk], scale,
                                               tuple(person.track_slugs or ()))
        open_checkin = open_by_person.get(person.pk)
        people.append({
            "person": person, "level": level, "progress_url": progress_url(person.pk),
            "open": open_checkin,
            "open_url": checkin_url(open_checkin.pk) if open_checkin else "",
            "closed_at": person.last_closed_at,
            "closed_url": checkin_url(closed_pk) if closed_pk is not None else "",
            "coverage": coverage})
    return render(request, "checkins/team.html", {"people": people})


def _url_maker(name: str):
    """A function from a pk to the URL `name` gives for it, with one reverse() in all: three
    links a row cost a team page more than its queries."""
    marker = 987654321
    pattern = reverse(name, args=[marker]).replace(str(marker), "{}")
    return pattern.format
