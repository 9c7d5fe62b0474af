"""The second factor: time-based one-time passwords (pyotp, RFC 6238) from an authenticator
app, with one-time recovery codes.

Anyone may turn it on; with CRAFTPATH_REQUIRE_2FA=1, admin and people-team accounts must,
and cannot turn it off. Once a person has it, every sign-in (password or single sign-on) asks
for a code before anything else: TwoFactorMiddleware sends the session to the code page
until it has given one. Codes are accepted one step either side of now (clock drift), never
twice (the last accepted step is kept), and five wrong codes in a row pause the account's
second factor for 15 minutes.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .models import RecoveryCode, TwoFactorDevice

ISSUER = "craftpath"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
MAX_FAILURES = 5
PAUSE = timedelta(minutes=15)
SESSION_VERIFIED = "craftpath_2fa_verified"
SESSION_PENDING = "craftpath_2fa_pending_secret"


class Paused(Exception):
    """Too many wrong codes: the second factor refuses every code for a while."""


# --- who needs it, who has it -----------------------------------------------------------------

def required_for(user) -> bool:
    from craftpath.web import access

    return bool(getattr(settings, "CRAFTPATH_REQUIRE_2FA", False)) \
        and access.must_use_two_factor(user)


def device_of(user) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(person=user).first() if user.pk else None


def enrolled(user) -> bool:
    return TwoFactorDevice.objects.filter(person=user).exists()


def is_verified(request) -> bool:
    return request.session.get(SESSION_VERIFIED) == request.user.pk


def mark_verified(request) -> None:
    request.session.cycle_key()  # a new session id for the now fully signed-in session
    request.session[SESSION_VERIFIED] = request.user.pk


# --- enrolment --------------------------------------------------------------------------------

def pending_secret(request) -> str:
    """The secret being enrolled, kept in the (server-side) session until a code confirms
    it, so nothing is stored for someone who never finishes."""
    secret = request.session.get(SESSION_PENDING)
    if not secret:
        secret = request.session[SESSION_PENDING] = pyotp.random_base32(32)
    return secret


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The otpauth URI as a QR code: an SVG drawn here, as a data: URI for an <img>."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")


def grouped(secret: str) -> str:
    """The key for typing by hand, in groups of four."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _step(at=None) -> int:
    return int((at or timezone.now()).timestamp()) // 30


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (now, or one either side) whose code is `code`, or None."""
    totp = pyotp.TOTP(secret)
    now = _step()
    for step in (now, now - 1, now + 1):
        if secrets.compare_digest(totp.at(step * 30), code):
            return step
    return None


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def confirm(request, code: str) -> list[str] | None:
    """Finish enrolling with the pending secret if `code` matches it; returns the recovery
    codes to show once, or None for a wrong code."""
    secret = request.session.get(SESSION_PENDING)
    step = _matching_step(secret, _clean(code)) if secret else None
    if step is None:
        return None
    with transaction.atomic():
        TwoFactorDevice.objects.filter(person=request.user).delete()
        TwoFactorDevice.objects.create(person=request.user, secret=secret, last_step=step)
        codes = new_recovery_codes(request.user)
    del request.session[SESSION_PENDING]
    request.session[SESSION_VERIFIED] = request.user.pk
    return codes


def new_recovery_codes(user) -> list[str]:
    """Replace the person's recovery codes with new ones; returns them (shown once)."""
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
             for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(person=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(person=user, digest=_digest(code))
                                      for code in codes])
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def forget(user) -> None:
    TwoFactorDevice.objects.filter(person=user).delete()
    RecoveryCode.objects.filter(person=user).delete()


# --- checking a code --------------------------------------------------------------------------

def check(user, code: str) -> str | None:
    """"code" or "recovery code" when `code` is right for `user` (a recovery code is used up),
    None when wrong. Raises Paused after too many wrong codes."""
    cleaned = _clean(code)
    with transaction.atomic():
        device = TwoFactorDevice.objects.select_for_update().filter(person=user).first()
        if device is None:
            return None
        now = timezone.now()
        if device.locked_until and device.locked_until > now:
            raise Paused(f"Too many wrong codes: try again after "
                         f"{timezone.localtime(device.locked_until):%H:%M} UTC.")
        used = None
        step = _matching_step(device.secret, cleaned) if cleaned.isdigit() else None
        if step is not None and step > device.last_step:
            device.last_step, used = step, "code"
        elif not cleaned.isdigit() and RecoveryCode.objects.filter(
                person=user, digest=_digest(cleaned), used_at=None).update(used_at=now):
            used = "recovery code"
        if used:
            device.failures, device.locked_until = 0, None
        else:
            device.failures += 1
            if device.failures >= MAX_FAILURES:
                device.failures, device.locked_until = 0, now + PAUSE
        device.save(update_fields=["last_step", "failures", "locked_until"])
    return used


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(person=user, used_at=None).count()


# --- the gate ---------------------------------------------------------------------------------

EXEMPT_NAMES = {"two-factor", "two-factor-verify", "logout", "password_reset",
                "password_reset_done", "password_reset_confirm", "password_reset_complete"}


class TwoFactorMiddleware:
    """A signed-in session that has not given its second factor sees only the code page
    (or, when the factor is required and not set up yet, the enrolment page)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not is_verified(request)
                and not self._exempt(request)):
            back = urlencode({"next": request.get_full_path()})
            if enrolled(user):
                return redirect(f"{reverse('two-factor-verify')}?{back}")
            if required_for(user):
                return redirect(f"{reverse('two-factor')}?{back}")
        return self.get_response(request)

    @staticmethod
    def _exempt(request) -> bool:
        if request.path.startswith(settings.STATIC_URL) or request.path in ("/healthz", "/readyz"):
            return True
        from django.urls import Resolver404, resolve

        try:
            return resolve(request.path_info).url_name in EXEMPT_NAMES
        except Resolver404:
            return False
