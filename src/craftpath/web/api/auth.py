"""Who is calling: a personal access token (Authorization: Bearer …) or, for the app's own
pages, the signed-in session with its CSRF check on writes. Either way the caller acts as a
person, and access.py decides what that person may do; a token also has a scope."""

from __future__ import annotations

from ninja.security import APIKeyCookie, HttpBearer

from craftpath.web.audit import trail

from . import tokens
from .models import Scope
from .problems import Problem

SESSION = "session"  # the scope of a signed-in page: whatever the person's roles allow
ORDER = {Scope.READ: 0, Scope.WRITE: 1, Scope.ADMIN: 2, SESSION: 2}


class TokenAuth(HttpBearer):

    def authenticate(self, request, token: str):
        found = tokens.find(token)
        if found is None:
            return None
        if found.scope == Scope.SCIM:
            raise Problem(403, "Forbidden", "A SCIM token only works under /scim/v2/.")
        wait = tokens.seconds_until_allowed(found)
        if wait:
            raise Problem(429, "Too many requests",
                          f"This token made too many requests; try again in {wait} s.",
                          headers={"Retry-After": str(wait)})
        if found.scope == Scope.READ and request.method not in ("GET", "HEAD", "OPTIONS"):
            # Before the body is read: a read token's write is refused for its scope, not
            # answered about its body.
            raise Problem(403, "Forbidden", "This needs a token with the write scope; this "
                          "token has read.")
        request.api_scope = found.scope
        request.user = found.owner
        trail.acting_from_now(found.owner)  # changes seen through model signals name them
        return found.owner


class SessionAuth(APIKeyCookie):
    """Django's session, CSRF checked on unsafe methods (ninja's cookie auth does that)."""

    def __init__(self):
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            request.api_scope = SESSION
            return user
        return None


def need(request, scope: str) -> None:
    """Refuse the call when the caller's token is too narrow for it."""
    held = getattr(request, "api_scope", Scope.READ)
    if ORDER[held] < ORDER[scope]:
        raise Problem(403, "Forbidden", f"This needs a token with the {scope} scope; this "
                      f"token has {held}.")


def caller(request, scope: str = Scope.READ):
    """The person making the call, once their token is known to be wide enough for it."""
    need(request, scope)
    return request.auth
