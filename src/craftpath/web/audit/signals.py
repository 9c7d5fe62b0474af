"""Role and manager changes are recorded wherever they are made (the admin site, a directory
import, `craftpath manage shell`, a data-rights erasure), by listening to the models rather
than to each screen. Bulk updates send no signals; nothing in craftpath changes roles or
managers that way outside the benchmark's generator."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save, pre_save

from craftpath.web.accounts.models import RoleGrant, User

from .models import Action
from .trail import record

_UNKNOWN = object()  # loaded without its manager column (.only()/.defer())


def _remember_manager(sender, instance, **kwargs) -> None:
    instance._audit_manager_id = instance.__dict__.get("manager_id", _UNKNOWN)


def _manager_saved(sender, instance, created, raw=False, update_fields=None,
                   **kwargs) -> None:
    if raw:  # loading a fixture or restoring: nothing happened now
        return
    if update_fields is not None and not {"manager", "manager_id"} & set(update_fields):
        return
    before = None if created else getattr(instance, "_audit_manager_id", None)
    if instance.manager_id != before:
        # Managers by id, not name: an entry about one person must not carry another's
        # name, which anonymising the other could not take out (names.py seals only the
        # entry's own actor and subject).
        detail = f"manager: {_ref(before)} → {_ref(instance.manager_id)}"
        record(None, Action.MANAGER_CHANGED, instance, target="org chart", detail=detail)
    instance._audit_manager_id = instance.manager_id


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    """A row loaded without its manager column: read what is stored before it is
    overwritten, so the comparison after the save is with the truth."""
    if not raw and getattr(instance, "_audit_manager_id", None) is _UNKNOWN:
        instance._audit_manager_id = sender.objects.filter(pk=instance.pk).values_list(
            "manager_id", flat=True).first()


def _ref(pk) -> str:
    return "none" if pk is None else f"#{pk}"


def _role_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        record(None, Action.ROLE_GRANTED, instance.person_id and instance.person,
               target="roles", detail=instance.get_name_display())


def _role_deleted(sender, instance, **kwargs) -> None:
    record(None, Action.ROLE_REVOKED, instance.person_id, target="roles",
           detail=instance.get_name_display())


def connect() -> None:
    post_init.connect(_remember_manager, sender=User, dispatch_uid="audit-manager-init")
    pre_save.connect(_before_save, sender=User, dispatch_uid="audit-manager-before")
    post_save.connect(_manager_saved, sender=User, dispatch_uid="audit-manager-save")
    post_save.connect(_role_saved, sender=RoleGrant, dispatch_uid="audit-role-save")
    post_delete.connect(_role_deleted, sender=RoleGrant, dispatch_uid="audit-role-delete")
