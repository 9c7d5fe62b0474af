"""A person's own account as actions: their second factor (turning it on and off, new
recovery codes, signing in with a recovery code). Each is the person's alone and each is in
their trail. The session-bound steps of accounts/two_factor.py take the request."""

from __future__ import annotations

from django.db import transaction

from craftpath.web import access
from craftpath.web.accounts import two_factor
from craftpath.web.audit.models import Action

from .errors import Refused
from .recording import record

TARGET = "second factor"


def _own(viewer) -> None:
    if not access.can_manage_own_second_factor(viewer):
        raise Refused("Only a signed-in person changes their own second factor.")


def turn_on_two_factor(viewer, request, code: str) -> list[str] | None:
    """Confirm the pending secret with a code: the recovery codes, or None when it is wrong."""
    _own(viewer)
    with transaction.atomic():
        codes = two_factor.confirm(request, code)
        if codes is not None:
            record(viewer, Action.TWO_FACTOR, viewer, target=TARGET, detail="turned on")
    return codes


def signed_in_with_recovery_code(viewer) -> int:
    """Record a sign-in that used up a recovery code; returns how many are left."""
    left = two_factor.recovery_codes_left(viewer)
    record(viewer, Action.TWO_FACTOR, viewer, target=TARGET,
           detail=f"signed in with a recovery code ({left} left)")
    return left


def new_recovery_codes(viewer) -> list[str]:
    """Fresh recovery codes (the old ones stop working); the caller has checked a code."""
    _own(viewer)
    with transaction.atomic():
        codes = two_factor.new_recovery_codes(viewer)
        record(viewer, Action.TWO_FACTOR, viewer, target=TARGET, detail="new recovery codes")
    return codes


def turn_off_two_factor(viewer) -> None:
    """Forget the second factor; refused when the person's roles need one."""
    _own(viewer)
    if two_factor.required_for(viewer):
        raise Refused("Your role needs a second factor; it cannot be turned off.")
    with transaction.atomic():
        two_factor.forget(viewer)
        record(viewer, Action.TWO_FACTOR, viewer, target=TARGET, detail="turned off")
