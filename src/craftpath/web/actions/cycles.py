"""Review cycles as actions: creating, editing or discarding a draft, launching, reminding,
moving a deadline, handing reviews to someone else, closing. Each asks its own rule in
access.py, does the work (cycles/launch.py, cycles/actions.py) in one transaction and
records it in the audit trail; what those refuse comes out as their CycleError.

A handover of reviews is recorded about each person whose check-in changes hands, on that
check-in, so the person sees who reads and rates their check-in now, and who decided it.
"""

from __future__ import annotations

from django.db import transaction

from craftpath.web import access
from craftpath.web.audit.models import Action
from craftpath.web.cycles import actions as running
from craftpath.web.cycles import launch as launching
from craftpath.web.cycles.models import STAGE_LABELS, Cycle

from .errors import NotFound, Refused
from .recording import record

PEOPLE_TEAM = "Review cycles are run by the people team."


def _record(viewer, cycle: Cycle, what: str) -> None:
    record(viewer, Action.CHANGED, target=f"cycle {cycle.pk}", detail=f"{what} ({cycle.name})")


def find(viewer, pk: int) -> Cycle:
    """A cycle, for whoever runs cycles (others are refused before any id is looked up)."""
    if not access.can_run_cycles(viewer):
        raise Refused(PEOPLE_TEAM)
    found = Cycle.objects.select_related("version").defer("version__document") \
        .filter(pk=pk).first()
    if found is None:
        raise NotFound("cycle")
    return found


def _allowed(rule, viewer) -> None:
    if not rule(viewer):
        raise Refused(PEOPLE_TEAM)


def create(viewer, form) -> Cycle:
    """Save a valid CycleForm as a new draft cycle."""
    _allowed(access.can_edit_cycle, viewer)
    with transaction.atomic():
        cycle = form.save(commit=False)
        cycle.created_by = viewer
        cycle.save()
    return cycle


def edit(viewer, pk: int, changed: Cycle, revision: int) -> Cycle:
    _allowed(access.can_edit_cycle, viewer)
    with transaction.atomic():
        cycle = running.edit_draft(find(viewer, pk), changed, revision)
        _record(viewer, cycle, "edited before launch")
    return cycle


def discard(viewer, pk: int, revision: int) -> Cycle:
    _allowed(access.can_edit_cycle, viewer)
    cycle = find(viewer, pk)
    with transaction.atomic():
        _record(viewer, cycle, "discarded before launch")
        running.discard_draft(cycle, revision)
    return cycle


def launch(viewer, pk: int) -> Cycle:
    """Open a check-in for each person in the cycle and tell them."""
    _allowed(access.can_launch_cycle, viewer)
    with transaction.atomic():
        cycle = launching.launch(find(viewer, pk))
        _record(viewer, cycle, f"launched: {cycle.participants.count()} check-ins opened")
    return cycle


def remind(viewer, pk: int) -> int:
    _allowed(access.can_remind_cycle, viewer)
    return running.remind(find(viewer, pk))  # tells people; changes nobody's data


def extend(viewer, pk: int, stage: str, new, revision: int) -> Cycle:
    """Move a stage's deadline, if `revision` is still the cycle's."""
    _allowed(access.can_extend_cycle, viewer)
    with transaction.atomic():
        cycle = running.move_deadline(find(viewer, pk), stage, new, revision)
        _record(viewer, cycle, f"moved the {STAGE_LABELS[stage].lower()} deadline to {new}")
    return cycle


def reassign(viewer, pk: int, from_person, to_email: str) -> int:
    """Hand the reviews not yet submitted from one reviewer (or from nobody) to someone who
    may review each of those people (access.may_be_handed_review: never the people team
    member handing them over, the person, or anyone below the person). Returns how many."""
    _allowed(access.can_reassign_reviews, viewer)
    cycle = find(viewer, pk)
    with transaction.atomic():
        target, handed = running.reassign(
            cycle, from_person, to_email,
            why_not=lambda reviewer, person: access.may_be_handed_review(viewer, reviewer,
                                                                         person))
        for checkin in handed:
            record(viewer, Action.CHANGED, checkin.person, target=f"check-in {checkin.pk}",
                   detail=f"review handed to {target.name or target.email} ({target.email}) "
                          f"in the cycle {cycle.name}")
    return len(handed)


def close(viewer, pk: int) -> Cycle:
    _allowed(access.can_close_cycle, viewer)
    with transaction.atomic():
        cycle = running.close_cycle(find(viewer, pk))
        _record(viewer, cycle, "closed")
    return cycle
