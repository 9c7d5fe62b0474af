"""Personal access tokens: made (the secret shown once, a capped number per person), found by
the digest of what a client sends, revoked; and the rate limit, per token and per person."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from craftpath.web import access

from .errors import TokenError
from .models import AccessToken, Scope

__all__ = ["TokenError", "create", "find", "revoke", "seconds_until_allowed"]

TOKEN_PREFIX = "cpt_"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Issued:
    token: AccessToken
    secret: str  # shown once, never stored


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(owner, name: str, scope: str, expires_in_days: int | None = None) -> Issued:
    if scope not in Scope.values:
        raise TokenError(f"unknown scope {scope!r} (choose from {', '.join(Scope.values)})")
    if scope == Scope.ADMIN and not access.can_issue_admin_token(owner):
        raise TokenError(f"only admins may hold a {scope} token")
    if scope == Scope.SCIM and not access.can_manage_scim(owner):
        raise TokenError(f"only admins may hold a {scope} token")
    if not owner.is_active:
        raise TokenError(f"{owner.email} is deactivated")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise TokenError("expiry must be between 1 and 3650 days")
    most = settings.API_TOKENS_PER_PERSON
    if live_tokens(owner).count() >= most:
        raise TokenError(f"{owner.email} already has {most} live tokens, the most one person "
                         "may hold (CRAFTPATH_API_TOKENS_PER_PERSON); revoke one first")
    name = (name or "").strip()[:100] or f"{scope} token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = AccessToken.objects.create(owner=owner, name=name, scope=scope,
                                       prefix=secret[:12], digest=digest_of(secret),
                                       expires_at=expires)
    return Issued(token, secret)


def find(secret: str) -> AccessToken | None:
    """The usable token whose secret this is, its owner active; None otherwise."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = AccessToken.objects.select_related("owner").filter(digest=digest_of(secret)).first()
    if token is None or not token.is_usable or not token.owner.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def live_tokens(owner):
    """The owner's tokens that still work: not revoked, not expired."""
    from django.db.models import Q

    return AccessToken.objects.filter(owner=owner, revoked_at=None).filter(
        Q(expires_at=None) | Q(expires_at__gt=timezone.now()))


def revoke(token: AccessToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def _count(key: str) -> int:
    if cache.add(key, 1, timeout=61):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=61)
        return 1


def seconds_until_allowed(token: AccessToken) -> int:
    """0 when this request may go ahead; otherwise how long to wait. A fixed one-minute
    window per token and per person (all their tokens together), counted in Django's cache
    (per process unless a shared cache is set)."""
    window = int(time.time() // 60)
    by_token = _count(f"api-rate:{token.pk}:{window}")
    by_person = _count(f"api-rate-person:{token.owner_id}:{window}")
    if by_token <= settings.API_RATE_PER_MINUTE and by_person <= settings.API_RATE_PER_PERSON:
        return 0
    return max(1, 60 - int(time.time()) % 60)
