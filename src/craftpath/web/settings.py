"""Django settings, read from the environment with safe defaults.

Nothing is created here: the data folder is made by `craftpath serve` before it migrates, so
importing the settings (tests, the static build) touches no disk.

Environment:
  CRAFTPATH_DATA_DIR       folder for the SQLite file (default: ./data)
  DATABASE_URL             overrides the SQLite file: sqlite:///path or postgres://user:pw@host/db
  CRAFTPATH_SECRET_KEY     required for anything that signs (sessions); a random one otherwise
  CRAFTPATH_DEBUG          "1" to show Django's debug pages (never in production)
  CRAFTPATH_ALLOWED_HOSTS  comma-separated (default: localhost names)
  CRAFTPATH_CHROMIUM       the Chromium used for PDFs (default: /usr/bin/chromium)
  CRAFTPATH_IMPORT_MAX_UPLOAD_MB    the Import page's limit on one upload (default: 20)
  CRAFTPATH_IMPORT_MAX_UNPACKED_MB  ... and on what a zip unpacks to (default: 50)
  CRAFTPATH_PRODUCTION     "1": HTTPS only (secure cookies, HSTS, redirect), secret key required
  CRAFTPATH_BEHIND_PROXY   "1": trust X-Forwarded-Proto/-For/-Host from the proxy that
                           terminates TLS, at CRAFTPATH_TRUSTED_PROXY (default 127.0.0.1)
  CRAFTPATH_EMAIL_HOST     SMTP server for all email (default: printed to the console)
  CRAFTPATH_EMAIL_PORT, CRAFTPATH_EMAIL_USER, CRAFTPATH_EMAIL_PASSWORD, CRAFTPATH_EMAIL_FROM
  CRAFTPATH_EMAIL_TLS      "0": no STARTTLS (a relay on the same machine)
  CRAFTPATH_AUDIT_RETENTION_DAYS  how long audit entries are kept (default 730); older ones
                           go with `craftpath manage audit_purge`
  CRAFTPATH_REQUIRE_2FA    "1": admin and people-team accounts must use a second factor (TOTP)
  CRAFTPATH_OIDC_*         OpenID Connect sign-in; off unless CRAFTPATH_OIDC_CLIENT_ID is set
                           (see security.oidc_settings for the full list)
  CRAFTPATH_GIT_DIR        a git working copy that keeps the framework; publishing a draft
                           commits the canonical file there, `craftpath sync` publishes from it
  CRAFTPATH_GIT_FILE       the canonical file inside it (default: framework.yaml)
  CRAFTPATH_API_RATE       API requests per minute per token (default 600)
  CRAFTPATH_API_RATE_PER_PERSON  API requests per minute per person, all their tokens
                           together (default: the same as per token)
  CRAFTPATH_API_TOKENS_PER_PERSON  live (unrevoked, unexpired) tokens a person may hold
                           (default 20)
  CRAFTPATH_WEBHOOK_TIMEOUT seconds a webhook receiver has to answer (default 10)
  CRAFTPATH_WEBHOOK_ALLOW_PRIVATE  "1": webhook endpoints may be internal addresses (loopback,
                           private, link-local, ...); off by default, so a registered URL cannot
                           reach the app's own network (SSRF)
  CRAFTPATH_SSO_REQUIRED   "1": sign-in only through single sign-on; password forms are hidden
                           and invitations point to the single sign-on page
  CRAFTPATH_BASE_URL       the address people reach the app at, for links in emails
                           (default: http://127.0.0.1:8000)
  CRAFTPATH_INVITATION_DAYS  how long an invitation link works (default: 7)
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from . import security
from .database import database_from_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CRAFTPATH_DATA_DIR", "data")).resolve()

# A random key keeps an unconfigured install safe (nothing guessable signs cookies); the cost
# is that sessions end when the process restarts, which the read-only pages do not mind.
SECRET_KEY = os.environ.get("CRAFTPATH_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = os.environ.get("CRAFTPATH_DEBUG", "") == "1"
PRODUCTION = os.environ.get("CRAFTPATH_PRODUCTION", "") == "1"
if PRODUCTION:
    # Several processes must share one key, and sessions must survive a restart; a short or
    # repetitive key signs cookies and reset links that can be forged.
    security.check_secret_key(os.environ.get("CRAFTPATH_SECRET_KEY", ""))
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("CRAFTPATH_DEBUG=1 is refused with CRAFTPATH_PRODUCTION=1")
ALLOWED_HOSTS = [host.strip() for host in os.environ.get(
    "CRAFTPATH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if host.strip()]
CHROMIUM = os.environ.get("CRAFTPATH_CHROMIUM", "/usr/bin/chromium")


def _megabytes(name: str, default: int) -> int:
    value = os.environ.get(name, str(default))
    if not value.isdigit() or int(value) < 1:
        raise ImproperlyConfigured(f"{name} must be a whole number of megabytes, got {value!r}")
    return int(value) * 1024 * 1024


CRAFTPATH_IMPORT_MAX_UPLOAD = _megabytes("CRAFTPATH_IMPORT_MAX_UPLOAD_MB", 20)
CRAFTPATH_IMPORT_MAX_UNPACKED = _megabytes("CRAFTPATH_IMPORT_MAX_UNPACKED_MB", 50)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "craftpath.web.frameworks",
    "craftpath.web.accounts",
    "craftpath.web.checkins",
    "craftpath.web.insights",
    "craftpath.web.api",
    "craftpath.web.cycles",
    "craftpath.web.notifications",
    "django_tasks",
    "django_tasks.backends.database",
    "craftpath.web.audit",
]

# Background work (email, reminders, webhook deliveries): django-tasks on its database
# backend, run by `craftpath worker` (which `craftpath serve` starts beside the app).
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "craftpath.web.middleware.no_store_for_personal_pages",
    "craftpath.web.middleware.refuse_nul_characters",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # the policy is in security.py
    "craftpath.web.audit.middleware.AuditMiddleware",  # who acts; refused requests recorded
    "craftpath.web.actions.pages.ActionErrorMiddleware",  # an action's refusal → 404/403 page
    "craftpath.web.accounts.two_factor.TwoFactorMiddleware",  # the code before anything else
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# --- people and sign-in (see accounts/ and access.py) -------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-home"
LOGOUT_REDIRECT_URL = "login"
OIDC = security.oidc_settings(os.environ)  # {} when OpenID Connect is not configured
globals().update(OIDC)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins before the others
    "django.contrib.auth.backends.ModelBackend",
    *(["craftpath.web.accounts.oidc.DirectoryOIDCBackend"] if OIDC else []),
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads hashes made before Argon2
]
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    # Django's default attributes (username, first_name…) are not fields of this model.
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("name", "email")}},
    *({"NAME": f"{_VALIDATORS}.{name}"} for name in (
        "MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator")),
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
SSO_REQUIRED = os.environ.get("CRAFTPATH_SSO_REQUIRED", "") == "1"
if SSO_REQUIRED and not OIDC:
    raise ImproperlyConfigured("CRAFTPATH_SSO_REQUIRED=1 needs single sign-on configured "
                               "(CRAFTPATH_OIDC_CLIENT_ID and the rest)")
INVITATION_DAYS = int(os.environ.get("CRAFTPATH_INVITATION_DAYS", "7"))
BASE_URL = os.environ.get("CRAFTPATH_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Login throttling (django-axes, kept in the database so every process sees it): five
# failures for one email from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "craftpath.web.accounts.views.throttled_email"
AXES_LOCKOUT_CALLABLE = "craftpath.web.accounts.views.locked_out"
AXES_VERBOSE = False
# Failures from one address over all accounts before that address is paused too (an office
# behind one address mistypes now and then; a guesser trying many accounts does not stop).
SIGN_IN_ADDRESS_FAILURE_LIMIT = 20

if os.environ.get("CRAFTPATH_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["CRAFTPATH_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("CRAFTPATH_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("CRAFTPATH_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("CRAFTPATH_EMAIL_PASSWORD", "")
    # STARTTLS unless the port is SMTPS, or CRAFTPATH_EMAIL_TLS=0 (a relay on this machine).
    EMAIL_USE_TLS = EMAIL_PORT != 465 and os.environ.get("CRAFTPATH_EMAIL_TLS", "1") != "0"
    EMAIL_USE_SSL = EMAIL_PORT == 465
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("CRAFTPATH_EMAIL_FROM", "craftpath@localhost")

# The framework kept in git (frameworks/gitcopy.py); empty: not kept in git.
FRAMEWORK_GIT_DIR = os.environ.get("CRAFTPATH_GIT_DIR", "")
FRAMEWORK_GIT_FILE = os.environ.get("CRAFTPATH_GIT_FILE", "framework.yaml")

# The JSON API, SCIM and webhooks (see api/).
API_RATE_PER_MINUTE = int(os.environ.get("CRAFTPATH_API_RATE", "600"))
# Per person too, so that making more tokens does not make more requests.
API_RATE_PER_PERSON = int(os.environ.get("CRAFTPATH_API_RATE_PER_PERSON",
                                         str(API_RATE_PER_MINUTE)))
API_TOKENS_PER_PERSON = int(os.environ.get("CRAFTPATH_API_TOKENS_PER_PERSON", "20"))
WEBHOOK_TIMEOUT = float(os.environ.get("CRAFTPATH_WEBHOOK_TIMEOUT", "10"))
WEBHOOK_ALLOW_PRIVATE = os.environ.get("CRAFTPATH_WEBHOOK_ALLOW_PRIVATE", "") == "1"
# Seconds to wait before each retry of a failed delivery; after the last, the delivery fails.
WEBHOOK_RETRY_DELAYS = (30, 120, 600, 3600, 14400)
# An endpoint whose deliveries failed this many times in a row is disabled and its owner told.
WEBHOOK_DISABLE_AFTER = 5

ROOT_URLCONF = "craftpath.web.urls"
WSGI_APPLICATION = "craftpath.web.wsgi.application"

CSRF_FAILURE_VIEW = "craftpath.web.frameworks.views.csrf_failure"  # styled, not Django's

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    # The framework pages' layout and templates (present/), which the app's pages extend too.
    "DIRS": [BASE_DIR.parent / "present" / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "craftpath.web.notifications.context.inbox",
        "craftpath.web.context.layout",
    ]},
}]

DATABASES = {"default": database_from_url(
    os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'craftpath.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served from the package by WhiteNoise (no collectstatic step for a local install).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 60 * 60 * 12  # a working day; people data should not stay signed in
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no page script reads it; forms carry the token
CONTENT_SECURITY_POLICY = security.CONTENT_SECURITY_POLICY  # enforced on every page
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_NAME = "__Host-sessionid"  # only ever set by this host, over HTTPS
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if os.environ.get("CRAFTPATH_BEHIND_PROXY") == "1":
        # serve.py tells waitress to trust the proxy's X-Forwarded-* headers (only from
        # CRAFTPATH_TRUSTED_PROXY); without that waitress drops them before Django sees them.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The second factor (accounts/two_factor.py): anyone may turn it on; with this, admin and
# people-team accounts must.
CRAFTPATH_REQUIRE_2FA = security.flag(os.environ, "CRAFTPATH_REQUIRE_2FA")

# The audit trail (audit/): entries older than this are deleted by `audit_purge`.
CRAFTPATH_AUDIT_RETENTION_DAYS = security.whole_number(os.environ,
                                                        "CRAFTPATH_AUDIT_RETENTION_DAYS", 730)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_tracebacks": {
        "()": "craftpath.web.security.NoTracebackForClientErrors"},
        "no_secrets": {"()": "craftpath.web.security.NoSecretsInLogs"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_secrets"]}},
    # Every logger (waitress's too) writes through the one console handler, whose filter
    # masks tokens in links; Django's loggers reach it through the root.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"level": "WARNING"},
        # A refused or missing page (4xx) is one line in the log, not a traceback; a link's
        # token in its path is masked.
        "django.request": {"level": "WARNING",
                           "filters": ["no_client_error_tracebacks", "no_secrets"]},
        "waitress": {"filters": ["no_secrets"]},
        # These name the email and address of a failed sign-in; nothing personal is logged.
        "axes": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "mozilla_django_oidc": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
