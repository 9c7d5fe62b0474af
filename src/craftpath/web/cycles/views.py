"""The people team's cycle pages: the list, creating one (and editing or discarding it before
it is launched), a cycle's progress, and its actions (launch, remind, move a deadline, hand
reviews to someone else, close). Thin: access.py
decides, the actions (actions/cycles.py) do the work and record it."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access
from craftpath.web.accounts.models import User
from craftpath.web.actions import cycles as actions
from craftpath.web.checkins.views import parse_id
from craftpath.web.frameworks.publishing import active_version

from ..words import counted
from . import launch, progress
from .forms import CycleForm
from .models import STAGES, Cycle


def _people_team(request) -> None:
    if not access.can_run_cycles(request.user):
        raise PermissionDenied("Review cycles are run by the people team.")


def _cycle(pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("version").defer("version__document"),
                             pk=pk)


@login_required
@require_safe
def cycle_list(request):
    _people_team(request)
    cycles = list(Cycle.objects.select_related("version").defer("version__document"))
    return render(request, "cycles/list.html", {
        "cycles": cycles, "summaries": [progress.summary_of(c) for c in cycles
                                        if c.state == "running"]})


@login_required
def create(request):
    _people_team(request)
    version = active_version()
    form = CycleForm(request.POST or None, initial={"version": version})
    if request.method == "POST" and form.is_valid():
        cycle = actions.create(request.user, form)
        messages.success(request, "Cycle created. Check who is in it, then launch it.")
        return redirect("cycles:cycle", pk=cycle.pk)
    return render(request, "cycles/form.html", {"form": form, "has_version": version is not None},
                  status=422 if form.errors else 200)


@login_required
def edit(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    if cycle.launched_at:
        return _refused(request, cycle, launch.CycleError(
            "This cycle was launched, so it is no longer edited; its deadlines still move."))
    form = CycleForm(request.POST or None, instance=Cycle.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit(request.user, cycle.pk, form.instance, _revision(request))
        except launch.CycleError as problem:
            return _refused(request, cycle, problem)
        return _done(request, cycle, "Cycle saved. Check who is in it, then launch it.")
    return render(request, "cycles/form.html", {"form": form, "has_version": True,
                                                "cycle": cycle},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def discard(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    try:
        actions.discard(request.user, cycle.pk, _revision(request))
    except launch.CycleError as problem:
        return _refused(request, cycle, problem)
    messages.success(request, f"Discarded the cycle “{cycle.name}”; nobody had been told of it.")
    return redirect("cycles:list")


@login_required
@require_safe
def cycle_page(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    context = {"cycle": cycle, "statuses": progress.STATUSES, "stages": STAGES,
               "today": timezone.localdate()}
    if cycle.launched_at:
        context["progress"] = progress.progress_of(cycle)
        context["reviewers"] = User.objects.filter(
            reviews__cycle_participation__cycle=cycle, reviews__closed_at=None,
            reviews__manager_submitted_at=None).distinct().order_by("name")
    else:
        context["audience_size"] = launch.audience_people(cycle).distinct().count()
    return render(request, "cycles/cycle.html", context)


def _revision(request) -> int:
    """The cycle revision the page was drawn at; a form without one is refused as stale."""
    number = parse_id(request.POST.get("revision", ""))
    return -1 if number is None else number


def _done(request, cycle: Cycle, text: str):
    messages.success(request, text)
    return redirect("cycles:cycle", pk=cycle.pk)


def _refused(request, cycle: Cycle, problem: Exception):
    messages.error(request, str(problem))
    return redirect("cycles:cycle", pk=cycle.pk)


@login_required
@require_POST
def launch_cycle(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    try:
        cycle = actions.launch(request.user, cycle.pk)
    except launch.CycleError as problem:
        return _refused(request, cycle, problem)
    opened = cycle.participants.count()
    left = f"; {len(cycle.skipped)} left out (listed below)" if cycle.skipped else ""
    return _done(request, cycle, f"Launched: {counted(opened, 'check-in')} opened and their people "
                 f"told{left}.")


@login_required
@require_POST
def remind(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    try:
        told = actions.remind(request.user, cycle.pk)
    except launch.CycleError as problem:
        return _refused(request, cycle, problem)
    return _done(request, cycle,
                 f"Reminded {counted(told, 'person', 'people')} with something still to do.")


@login_required
@require_POST
def move_deadline(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    try:
        new = date.fromisoformat(request.POST.get("date", ""))
    except ValueError:
        return _refused(request, cycle, launch.CycleError(
            "The new deadline is not a date like 2026-03-01."))
    try:
        actions.extend(request.user, cycle.pk, request.POST.get("stage", ""), new,
                       _revision(request))
    except launch.CycleError as problem:
        return _refused(request, cycle, problem)
    return _done(request, cycle, "Deadline moved. Reminders follow the new date.")


@login_required
@require_POST
def reassign(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    source = request.POST.get("from", "")
    number = parse_id(source)
    from_person = User.objects.filter(pk=number).first() if number is not None else None
    if source and from_person is None:
        return _refused(request, cycle, launch.CycleError("No such reviewer."))
    try:
        moved = actions.reassign(request.user, cycle.pk, from_person, request.POST.get("to", ""))
    except launch.CycleError as problem:
        return _refused(request, cycle, problem)
    return _done(request, cycle, f"{counted(moved, 'review')} handed over.")


@login_required
@require_POST
def close(request, pk: int):
    _people_team(request)
    cycle = _cycle(pk)
    try:
        actions.close(request.user, cycle.pk)
    except launch.CycleError as problem:
        return _refused(request, cycle, problem)
    return _done(request, cycle, "Cycle closed. Check-ins still open stay open for their "
                 "people; no more reminders are sent.")
