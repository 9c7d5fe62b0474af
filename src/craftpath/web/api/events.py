"""What happens when check-ins, review cycles and people change, wherever the change comes from
(pages, the API, SCIM, the admin site, commands): webhook events, signing out whoever is
deactivated, and pausing the webhook endpoints of an owner who loses the right to them.

Receivers compare the stored row with the one being saved, so they see each change once."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from craftpath.web.accounts.models import Role, RoleGrant, User
from craftpath.web.checkins.models import CheckIn
from craftpath.web.cycles.models import Cycle
from craftpath.web.frameworks.models import FrameworkVersion
from craftpath.web.promotions.models import Case, Decision

from . import webhooks
from .models import Event

_STAGES = (("self_submitted_at", Event.CHECKIN_SUBMITTED),
           ("manager_submitted_at", Event.CHECKIN_REVIEWED),
           ("closed_at", Event.CHECKIN_CLOSED))


def connect() -> None:
    pre_save.connect(_checkin_before, sender=CheckIn, dispatch_uid="api-checkin-before")
    post_save.connect(_checkin_after, sender=CheckIn, dispatch_uid="api-checkin-after")
    pre_save.connect(_cycle_before, sender=Cycle, dispatch_uid="api-cycle-before")
    post_save.connect(_cycle_after, sender=Cycle, dispatch_uid="api-cycle-after")
    pre_save.connect(_person_before, sender=User, dispatch_uid="api-person-before")
    post_save.connect(_person_after, sender=User, dispatch_uid="api-person-after")
    post_delete.connect(_role_removed, sender=RoleGrant, dispatch_uid="api-role-removed")
    post_save.connect(_case_made, sender=Case, dispatch_uid="api-promotion-nominated")
    post_save.connect(_decision_made, sender=Decision, dispatch_uid="api-promotion-decided")


def _checkin_before(sender, instance: CheckIn, update_fields=None, **kwargs) -> None:
    watched = [field for field, _ in _STAGES]
    if instance.pk is None or (update_fields is not None
                               and not set(update_fields) & set(watched)):
        instance._stored_stages = None
        return
    instance._stored_stages = CheckIn.objects.filter(pk=instance.pk).values(*watched).first()


def _checkin_after(sender, instance: CheckIn, created=False, **kwargs) -> None:
    stored = getattr(instance, "_stored_stages", None)
    if created or stored is None:
        return
    for field, event in _STAGES:
        if stored.get(field) is None and getattr(instance, field) is not None:
            webhooks.emit(event, {"checkin_id": instance.pk, "person_id": instance.person_id,
                                  "family": instance.family_slug, "level": instance.level_slug,
                                  "stage": instance.stage})


_CYCLE_STAGES = (("launched_at", Event.CYCLE_LAUNCHED), ("closed_at", Event.CYCLE_CLOSED))


def _cycle_before(sender, instance: Cycle, update_fields=None, **kwargs) -> None:
    watched = [field for field, _ in _CYCLE_STAGES]
    if instance.pk is None or (update_fields is not None
                               and not set(update_fields) & set(watched)):
        instance._stored_stages = None
        return
    instance._stored_stages = Cycle.objects.filter(pk=instance.pk).values(*watched).first()


def _cycle_after(sender, instance: Cycle, created=False, **kwargs) -> None:
    stored = getattr(instance, "_stored_stages", None)
    if created or stored is None:
        return
    for field, event in _CYCLE_STAGES:
        if stored.get(field) is None and getattr(instance, field) is not None:
            webhooks.emit(event, {
                "cycle_id": instance.pk, "name": instance.name,
                "version": FrameworkVersion.objects.filter(pk=instance.version_id)
                .values_list("label", flat=True).first(), "state": instance.state,
                "participants": instance.participants.count(),
                "skipped": len(instance.skipped or ()),
                "deadlines": {stage: due.isoformat() if due else None
                              for stage, _, due in instance.deadlines()}})


def _case_made(sender, instance: Case, created=False, **kwargs) -> None:
    # Levels and ids only: the statements and the snapshot stay in craftpath.
    if created:
        webhooks.emit(Event.PROMOTION_NOMINATED, {
            "case_id": instance.pk, "round_id": instance.round_id,
            "person_id": instance.person_id, "nominator_id": instance.nominator_id,
            "family": instance.family_slug, "from_level": instance.from_level_slug,
            "target_level": instance.target_level_slug})


def _decision_made(sender, instance: Decision, created=False, **kwargs) -> None:
    # The outcome and its date, never the reasons or the votes.
    if created:
        case = Case.objects.filter(pk=instance.case_id).values(
            "round_id", "person_id", "family_slug", "from_level_slug",
            "target_level_slug").first()
        webhooks.emit(Event.PROMOTION_DECIDED, {
            "case_id": instance.case_id, "round_id": case["round_id"],
            "person_id": case["person_id"], "family": case["family_slug"],
            "from_level": case["from_level_slug"], "target_level": case["target_level_slug"],
            "outcome": instance.outcome,
            "effective_date": instance.effective_date.isoformat()})


def _person_before(sender, instance: User, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = None  # a new person, or a save that leaves is_active alone
        return
    instance._was_active = User.objects.filter(pk=instance.pk) \
        .values_list("is_active", flat=True).first()


def _person_after(sender, instance: User, created=False, **kwargs) -> None:
    if created:
        webhooks.emit(Event.PERSON_CREATED, {"person_id": instance.pk, "email": instance.email,
                                             "name": instance.name})
    elif getattr(instance, "_was_active", None) and not instance.is_active:
        sign_out(instance)
        webhooks.pause_owned_by(instance)
        webhooks.emit(Event.PERSON_DEACTIVATED, {"person_id": instance.pk,
                                                 "email": instance.email})


def _role_removed(sender, instance: RoleGrant, **kwargs) -> None:
    if instance.name == Role.ADMIN:
        person = User.objects.filter(pk=instance.person_id).first()
        if person is not None:  # None: the whole account is being deleted
            webhooks.pause_owned_by(person)


def sign_out(person: User) -> int:
    """End every session of `person`. Sessions are not indexed by person, so the live ones are
    read; deactivation is rare and live sessions are few."""
    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now())
             if s.get_decoded().get("_auth_user_id") == str(person.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)
