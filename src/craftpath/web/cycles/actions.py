"""What the people team does with a running cycle: remind, move a deadline, hand reviews to
someone else, close it. And the reminders the schedule sends before and after each deadline.
Every function takes the clock (`now`) as an argument so that tests can move time.

Who may do these, and the audit trail, are the actions layer's (actions/cycles.py), which
calls these inside its own transaction."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from craftpath.web.accounts.models import User, normalise_email
from craftpath.web.checkins.models import CheckIn
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify

from .launch import CycleError, StaleCycle
from .models import DUE_FIELDS, STAGE_LABELS, STAGES, Cycle, Participant
from .progress import outstanding

REMIND_BEFORE = timedelta(days=2)  # "deadline approaching" this long before a deadline


def _responsible(stage: str, rows) -> set[int]:
    """Who has to act for `stage`: the person, their reviewer, or both."""
    people: set[int] = set()
    for person_id, reviewer_id, manager_id in rows:
        if stage in ("self", "agreement"):
            people.add(person_id)
        if stage in ("review", "agreement", "close"):
            people.add(reviewer_id or manager_id or person_id)
    return people


def pending_people(cycle: Cycle, stage: str) -> set[int]:
    rows = Participant.objects.filter(cycle=cycle).filter(outstanding(stage)).values_list(
        "person_id", "checkin__reviewer_id", "person__manager_id")
    return _responsible(stage, rows)


def remind_stage(cycle: Cycle, stage: str, now, key: str = "") -> int:
    """Tell whoever must still act on `stage`; returns how many were told."""
    due = cycle.due(stage)
    missed = due < timezone.localdate(now)
    label = STAGE_LABELS[stage]
    kind = Kind.DEADLINE_MISSED if missed else Kind.DEADLINE_APPROACHING
    title = (f"{cycle.name}: the {label.lower()} deadline ({due:%d %B}) has passed"
             if missed else f"{cycle.name}: the {label.lower()} is due {due:%d %B}")
    body = (f"The {label.lower()} stage of {cycle.name} is waiting for you. "
            + ("Please finish it as soon as you can." if missed else
               f"It is due on {due:%A %d %B %Y}."))
    return len(notify(kind, pending_people(cycle, stage), title, body, link="/home/",
                      key=key, now=now))


def remind(cycle: Cycle, now=None) -> int:
    """The people team's "remind": everyone who still has to act on the current stage (the
    earliest stage whose deadline is not long past, or any missed one)."""
    now = now or timezone.now()
    if cycle.state != "running":
        raise CycleError("Only a running cycle sends reminders.")
    today = timezone.localdate(now)
    told = 0
    for stage, _, _ in STAGES:
        told += remind_stage(cycle, stage, now)
        if cycle.due(stage) >= today:
            break  # later stages are not due yet
    return told


def scheduled_reminders(now) -> int:
    """Reminders a deadline calls for: before it (REMIND_BEFORE) and once it has passed. Each
    carries a key naming the cycle, stage and deadline, so a reminder goes once per deadline
    however often the schedule runs, and moving a deadline arms it again."""
    today = timezone.localdate(now)
    told = 0
    for cycle in Cycle.objects.filter(launched_at__isnull=False, closed_at=None):
        for stage, _, _ in STAGES:
            due = cycle.due(stage)
            if due < today:
                told += remind_stage(cycle, stage, now,
                                     key=f"cycle-{cycle.pk}-{stage}-missed-{due}")
            elif due - REMIND_BEFORE <= today:
                told += remind_stage(cycle, stage, now,
                                     key=f"cycle-{cycle.pk}-{stage}-soon-{due}")
    return told


def move_deadline(cycle: Cycle, stage: str, new: date, revision: int) -> Cycle:
    if stage not in DUE_FIELDS:
        raise CycleError(f"No stage called {stage!r}.", field="stage")
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if current.closed_at:
            raise CycleError("This cycle is closed.")
        if current.revision != revision:
            raise StaleCycle("The deadlines changed since you opened this page (someone else, "
                             "or another tab); nothing was changed. Look again and retry.")
        setattr(current, DUE_FIELDS[stage], new)
        order_problem(current)
        current.revision = F("revision") + 1
        current.save(update_fields=[DUE_FIELDS[stage], "revision"])
        current.refresh_from_db()
    return current


EDITABLE = ("name", "version", "audience", "audience_value", "include_next_level", "self_due",
            "review_due", "agree_due", "close_due")


def edit_draft(cycle: Cycle, changed: Cycle, revision: int) -> Cycle:
    """Store the edited fields of a cycle not launched yet, if `revision` is still the stored
    one (a launch, a deadline move or another edit in between refuses)."""
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        _still_a_draft(current, revision)
        for field in EDITABLE:
            setattr(current, field, getattr(changed, field))
        order_problem(current)
        current.revision = F("revision") + 1
        current.save(update_fields=[*EDITABLE, "revision"])
        current.refresh_from_db()
    return current


def discard_draft(cycle: Cycle, revision: int) -> None:
    """Delete a cycle that was never launched (nobody was told of it, nothing hangs on it)."""
    with transaction.atomic():
        current = Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        if current is None:
            raise CycleError("This cycle was discarded a moment ago.")
        _still_a_draft(current, revision)
        current.delete()


def _still_a_draft(current: Cycle, revision: int) -> None:
    if current.launched_at:
        raise CycleError("This cycle was launched: its people were told, so it is no longer "
                         "edited or discarded. Move its deadlines, or close it.")
    if current.revision != revision:
        raise CycleError("The cycle changed since you opened this page (someone else, or "
                         "another tab); nothing was changed. Look again and retry.")


def order_problem(cycle: Cycle) -> None:
    dates = [(label, getattr(cycle, field)) for _, label, field in STAGES]
    for (before, first), (after, second) in zip(dates, dates[1:], strict=False):
        if first and second and second < first:
            raise CycleError(f"The {after.lower()} deadline ({second}) cannot come before the "
                             f"{before.lower()} deadline ({first}).", field="date")


def reassign(cycle: Cycle, from_person: User | None, to_email: str,
             why_not=lambda reviewer, person: "") -> tuple[User, list[CheckIn]]:
    """Hand the reviews not yet submitted in this cycle from one reviewer (or from nobody) to
    another person; returns the new reviewer and the check-ins handed to them. `why_not`
    (reviewer, person) says why the reviewer may not review that person ("" when they may):
    then nothing is handed over. The new reviewer's own check-in stays with its reviewer."""
    target = User.objects.filter(email=normalise_email(to_email), is_active=True).first()
    if target is None:
        raise CycleError(f"Nobody active in the directory has the email {to_email!r}.",
                         field="to_email")
    if cycle.closed_at:
        raise CycleError("This cycle is closed.")
    checkins = CheckIn.objects.filter(cycle_participation__cycle=cycle, closed_at=None,
                                      manager_submitted_at=None)
    checkins = checkins.filter(reviewer=from_person) if from_person else \
        checkins.filter(reviewer=None)
    checkins = checkins.exclude(person=target)
    with transaction.atomic():
        handed = list(checkins.select_for_update().select_related("person"))
        refused = [(c.person, reason) for c in handed if (reason := why_not(target, c.person))]
        if refused:
            person, reason = refused[0]
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            raise CycleError(f"{target.name or target.email} may not review "
                             f"{person.name or person.email}{more}: {reason}. Nothing was "
                             "handed over.", field="to_email")
        CheckIn.objects.filter(pk__in=[c.pk for c in handed]).update(reviewer=target)
    return target, handed


def close_cycle(cycle: Cycle, now=None) -> Cycle:
    """End the cycle: no more reminders. Check-ins still open stay open (they belong to the
    people in them), and are no longer counted as late."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if current.closed_at:
            raise CycleError("This cycle is closed already.")
        if not current.launched_at:
            raise CycleError("This cycle was never launched.")
        current.closed_at = now
        current.save(update_fields=["closed_at"])
    return current


def cycle_of(checkin) -> Cycle | None:
    found = Participant.objects.filter(checkin=checkin).select_related("cycle").first()
    return found.cycle if found else None
