"""Invitations: a one-time, expiring link by email that lets someone imported from the
directory choose a password (or, when single sign-on is required, points them to it).

Only the SHA-256 of a token is stored. The link itself travels to the email through the
notification row (its email-only link, emptied once the email has left). Sending again
revokes every earlier link of that person.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify

from .models import Invitation, User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(person: User, by: User | None = None, now=None) -> Invitation:
    """Revoke the person's earlier invitations and send a new one."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    days = settings.INVITATION_DAYS
    with transaction.atomic():
        Invitation.objects.filter(person=person, used_at=None, revoked_at=None) \
            .update(revoked_at=now)
        invitation = Invitation.objects.create(
            person=person, token_hash=_hash(token), created_at=now,
            expires_at=now + timedelta(days=days), sent_by=by)
        if settings.SSO_REQUIRED:
            link, how = reverse("oidc-start"), "sign in with your company's single sign-on"
        else:
            link, how = reverse("invitation", args=[token]), \
                f"choose a password (the link works once, for {days} days)"
        notify(Kind.INVITED, [person], "You are invited to craftpath",
               f"craftpath is where you assess yourself against your career framework, with "
               f"evidence, and agree an outcome with your manager. To begin, {how}. Your "
               f"sign-in is {person.email}.",
               link=reverse("login"), email_only_link=link, always_email=True, now=now)
    return invitation


def without_password():
    """Active people who cannot sign in yet: no usable password, and never signed in (by
    single sign-on) either (User.can_sign_in)."""
    return User.objects.filter(is_active=True, password__startswith="!", last_login=None)


def invite_pending(by: User | None = None, now=None) -> tuple[int, int]:
    """Invite everyone without a usable password who has no valid invitation; returns (sent,
    left alone because a valid invitation is already on its way)."""
    now = now or timezone.now()
    waiting = without_password()
    covered = set(Invitation.objects.filter(
        person__in=waiting, used_at=None, revoked_at=None, expires_at__gt=now)
        .values_list("person_id", flat=True))
    sent = 0
    for person in waiting.exclude(pk__in=covered).order_by("pk"):
        invite(person, by, now)
        sent += 1
    return sent, len(covered)


def invite_emails(emails: list[str], by: User | None = None, now=None) -> int:
    """Invite the people with these emails (those a directory import just added)."""
    count = 0
    for person in User.objects.filter(email__in=emails, is_active=True).order_by("pk"):
        invite(person, by, now)
        count += 1
    return count


def find(token: str, now=None) -> Invitation | None:
    """The valid invitation this token opens, or None (unknown, used, revoked or expired)."""
    now = now or timezone.now()
    found = Invitation.objects.filter(token_hash=_hash(token or "")) \
        .select_related("person").first()
    if found is None or not found.is_valid(now) or not found.person.is_active:
        return None
    return found


def accept(invitation: Invitation, password: str | None, now=None) -> bool:
    """Use the invitation once: set the password (none with single sign-on). False when it
    was used or revoked meanwhile (two tabs, a newer invitation)."""
    now = now or timezone.now()
    with transaction.atomic():
        used = Invitation.objects.filter(pk=invitation.pk, used_at=None, revoked_at=None,
                                         expires_at__gt=now).update(used_at=now)
        if not used:
            return False
        if password is not None:
            person = invitation.person
            person.set_password(password)
            person.save(update_fields=["password"])
    return True
