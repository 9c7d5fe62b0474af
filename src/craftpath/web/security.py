"""Security settings that need more than one line: the content security policy, the
production key's check and the OpenID Connect configuration. Imported by settings.py, so nothing
here reads settings at import time."""

from __future__ import annotations

import json
import logging
import math
import re
import zlib
from collections import Counter
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from craftpath import config

# Every page's scripts and styles are files under /static/ (htmx and the page scripts are
# vendored), charts are inline SVG elements, so nothing inline needs allowing.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    },
}

class NoTracebackForClientErrors(logging.Filter):
    """Django logs a refused request (403) with the PermissionDenied traceback; a refusal is
    the app working as meant, so 4xx records keep their one line and lose the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info, record.exc_text = None, None
        return True


# Links that carry a secret in their path: an invitation's token, a password reset's
# (Django's view swaps it for a session value and redirects, but the first request has it).
_SECRET_PATHS = re.compile(r"(/accounts/invitation/|/accounts/password/reset/[^/\s]+/)"
                           r"[^/\s?#\"']+")


def mask_secrets(text: str) -> str:
    return _SECRET_PATHS.sub(r"\1…", text)


class JsonLines(logging.Formatter):
    """CRAFTPATH_LOG_FORMAT=json: one JSON object per line, for log pipelines."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
                "level": record.levelname, "logger": record.name,
                "message": record.getMessage()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class NoSecretsInLogs(logging.Filter):
    """Invitation and password-reset tokens never reach a log line: a used or expired link is
    a 404 that django.request logs with its path. Set on the loggers that name request paths
    (so every handler, and the test's capture, sees the masked record) and on the console
    handler (for any other logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: left for logging to report
            return True
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def _weakness(key: str) -> str:
    """Why a production key of the right length is still guessable, or "" if it is not. The
    limits sit far from what a random key gives (a 50-character hex key has about 200 bits, a
    Django or token_urlsafe key more) and far from these patterns."""
    if len(key) < 50:
        return "shorter than 50 characters"
    if len(set(key)) < 5:
        return "fewer than 5 different characters"
    if key.startswith("django-insecure-"):
        return "Django's insecure development key"
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if bits < 128:
        return f"its characters carry about {bits:.0f} bits (a few characters repeated)"
    if len(zlib.compress(key.encode(), 9)) < 0.8 * len(key.encode()):
        return "it repeats itself"
    steps = sum(1 for a, b in zip(key, key[1:], strict=False) if abs(ord(a) - ord(b)) <= 1)
    if steps * 2 > len(key) - 1:
        return "it runs in sequences (abc…, 123…)"
    return ""


def check_secret_key(key: str) -> None:
    """Refuses a missing or weak production key: Django's deploy check's measure (at least 50
    characters, at least 5 different ones, not Django's insecure prefix), and a key of that
    length that is still guessable (a few characters, a repeated pattern, a sequence)."""
    if not key:
        raise ImproperlyConfigured("CRAFTPATH_PRODUCTION=1 needs CRAFTPATH_SECRET_KEY")
    weakness = _weakness(key)
    if weakness:
        raise ImproperlyConfigured(
            f"CRAFTPATH_SECRET_KEY is too weak for production ({weakness}): use at least 50 "
            "random characters, e.g. from "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`")


# CRAFTPATH_OIDC_<name> → mozilla-django-oidc's setting.
OIDC_REQUIRED = {
    "CLIENT_ID": "OIDC_RP_CLIENT_ID",
    "CLIENT_SECRET": "OIDC_RP_CLIENT_SECRET",
    "AUTHORIZATION_ENDPOINT": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "TOKEN_ENDPOINT": "OIDC_OP_TOKEN_ENDPOINT",
    "USERINFO_ENDPOINT": "OIDC_OP_USER_ENDPOINT",
    "JWKS_ENDPOINT": "OIDC_OP_JWKS_ENDPOINT",
}


def oidc_settings(environ: Mapping[str, str] | None = None) -> dict:
    """mozilla-django-oidc settings from the CRAFTPATH_OIDC_* settings (craftpath/config.py;
    read from `environ`, the process's environment by default); {} when sign-in with OpenID
    Connect is not configured (no CRAFTPATH_OIDC_CLIENT_ID). By default only people already
    in the directory can sign in (CRAFTPATH_OIDC_CREATE_USERS=1 lets others in).
    """
    def setting(name: str):
        return config.get(f"CRAFTPATH_OIDC_{name}", environ)

    if not config.given("CRAFTPATH_OIDC_CLIENT_ID", environ):
        return {}
    missing = [f"CRAFTPATH_OIDC_{name}" for name in OIDC_REQUIRED
               if not config.given(f"CRAFTPATH_OIDC_{name}", environ)]
    if missing:
        raise ImproperlyConfigured("OpenID Connect is half configured: set "
                                   + ", ".join(missing))
    found = {setting_name: setting(name) for name, setting_name in OIDC_REQUIRED.items()}
    found.update(
        OIDC_RP_SIGN_ALGO=setting("SIGN_ALGO"),
        OIDC_RP_SCOPES=" ".join(setting("SCOPES")),
        OIDC_CREATE_USER=setting("CREATE_USERS"),
        OIDC_USE_PKCE=True,
        OIDC_AUTHENTICATION_CALLBACK_URL="oidc-callback",
        LOGIN_REDIRECT_URL_FAILURE="/accounts/login/?sso=failed",
        OIDC_PROVIDER_NAME=setting("PROVIDER_NAME"),
        OIDC_TIMEOUT=10,
    )
    return found
