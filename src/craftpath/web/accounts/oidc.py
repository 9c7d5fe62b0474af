"""Sign-in with OpenID Connect (mozilla-django-oidc), matched to the directory by email.

The directory is the source of truth for who someone is: a sign-in finds the person whose email
the provider vouches for and changes nothing about them. Someone the directory does not know is
refused unless CRAFTPATH_OIDC_CREATE_USERS=1 (then they start with the engineer role only).
"""

from __future__ import annotations

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from .models import Role, normalise_email


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class DirectoryOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims) -> bool:
        # An address the provider has not verified could belong to anyone.
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email=normalise_email(claims.get("email")),
                                             is_active=True)

    def create_user(self, claims):
        email = normalise_email(claims["email"])
        person = self.UserModel.objects.create_user(email, name=claims.get("name") or email)
        person.grant(Role.ENGINEER)
        return person

    def update_user(self, user, claims):
        return user


start_view = OIDCAuthenticationRequestView.as_view()
callback_view = OIDCAuthenticationCallbackView.as_view()
