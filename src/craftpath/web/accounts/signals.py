"""What the accounts app does when Django says something happened: signing in proves the
address is still its person's (an email changed by someone else waits for that proof before
invitations go to it: actions/people.py)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in

from .models import User


def confirm_email_on_sign_in(sender, request, user, **kwargs) -> None:
    """Signing in shows the account is still its person's: their address is theirs again."""
    if not user.email_confirmed:
        User.objects.filter(pk=user.pk).update(email_confirmed=True)
        user.email_confirmed = True


def connect() -> None:
    user_logged_in.connect(confirm_email_on_sign_in, dispatch_uid="confirm-email")
