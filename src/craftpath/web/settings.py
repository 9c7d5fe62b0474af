"""Django settings, read from the environment with safe defaults.

Nothing is created here: the data folder is made by `craftpath serve` before it migrates, so
importing the settings (tests, the static build) touches no disk.

Every environment variable is declared, with its kind, default and meaning, in
craftpath/config.py (the table in docs/reference/settings.md is written from it); a bad value
stops the start here, in one line naming it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from craftpath import config

from . import security
from .database import database_from_url

BASE_DIR = Path(__file__).resolve().parent
config.check()  # all of them first, so that each bad value is named, not only the first
DATA_DIR = config.get("CRAFTPATH_DATA_DIR").resolve()

# A random key keeps an unconfigured install safe (nothing guessable signs cookies); the cost
# is that sessions end when the process restarts, which the read-only pages do not mind.
SECRET_KEY = config.get("CRAFTPATH_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = config.get("CRAFTPATH_DEBUG")
PRODUCTION = config.get("CRAFTPATH_PRODUCTION")
if PRODUCTION:
    # Several processes must share one key, and sessions must survive a restart; a short or
    # repetitive key signs cookies and reset links that can be forged.
    security.check_secret_key(config.get("CRAFTPATH_SECRET_KEY") or "")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("CRAFTPATH_DEBUG=1 is refused with CRAFTPATH_PRODUCTION=1")
if PRODUCTION and not config.get("CRAFTPATH_BASE_URL").startswith("https://"):
    # The links in emails (invitations, password resets, reminders) point there; the default
    # is a developer's own machine, which a colleague's inbox cannot reach.
    raise ImproperlyConfigured("CRAFTPATH_PRODUCTION=1 needs CRAFTPATH_BASE_URL: the https:// "
                               "address people reach the app at, for the links in emails")
ALLOWED_HOSTS = config.get("CRAFTPATH_ALLOWED_HOSTS")
CHROMIUM = str(config.get("CRAFTPATH_CHROMIUM"))

MEGABYTE = 1024 * 1024
CRAFTPATH_IMPORT_MAX_UPLOAD = config.get("CRAFTPATH_IMPORT_MAX_UPLOAD_MB") * MEGABYTE
CRAFTPATH_IMPORT_MAX_UNPACKED = config.get("CRAFTPATH_IMPORT_MAX_UNPACKED_MB") * MEGABYTE

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
    "craftpath.web.promotions",
    "craftpath.web.notifications",
    "django_tasks",
    "django_tasks_db",
    "craftpath.web.audit",
]

# Background work (email, reminders, webhook deliveries): django-tasks on its database
# backend (the django-tasks-db package), run by `craftpath worker` (which `craftpath serve`
# starts beside the app).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "craftpath.web.health.probes",  # first: a load balancer's probe by address, over HTTP
    "craftpath.web.metrics.count_requests",  # every answer, redirects included
    *(["craftpath.web.middleware.access_log"] if config.get("CRAFTPATH_ACCESS_LOG") else []),
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
OIDC = security.oidc_settings()  # {} when OpenID Connect is not configured
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
SSO_REQUIRED = config.get("CRAFTPATH_SSO_REQUIRED")
if SSO_REQUIRED and not OIDC:
    raise ImproperlyConfigured("CRAFTPATH_SSO_REQUIRED=1 needs single sign-on configured "
                               "(CRAFTPATH_OIDC_CLIENT_ID and the rest)")
INVITATION_DAYS = config.get("CRAFTPATH_INVITATION_DAYS")
BASE_URL = config.get("CRAFTPATH_BASE_URL").rstrip("/")

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

# One cache for every instance on the database (the API's rate limits count in it), not one
# per process; `craftpath serve` and `worker` make its table (serve.migrate).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                      "LOCATION": "craftpath_cache"}}

if config.given("CRAFTPATH_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = config.get("CRAFTPATH_EMAIL_HOST")
    EMAIL_PORT = config.get("CRAFTPATH_EMAIL_PORT")
    EMAIL_HOST_USER = config.get("CRAFTPATH_EMAIL_USER")
    EMAIL_HOST_PASSWORD = config.get("CRAFTPATH_EMAIL_PASSWORD")
    # STARTTLS unless the port is SMTPS, or CRAFTPATH_EMAIL_TLS=0 (a relay on this machine).
    EMAIL_USE_TLS = EMAIL_PORT != 465 and config.get("CRAFTPATH_EMAIL_TLS")
    EMAIL_USE_SSL = EMAIL_PORT == 465
    # A frozen server must not hold the worker: each connect, read and write gives up.
    EMAIL_TIMEOUT = config.get("CRAFTPATH_EMAIL_TIMEOUT").total_seconds()
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = config.get("CRAFTPATH_EMAIL_FROM")

# The framework kept in git (frameworks/gitcopy.py); empty: not kept in git.
FRAMEWORK_GIT_DIR = str(config.get("CRAFTPATH_GIT_DIR") or "")
FRAMEWORK_GIT_FILE = config.get("CRAFTPATH_GIT_FILE")

# The JSON API, SCIM and webhooks (see api/).
API_RATE_PER_MINUTE = config.get("CRAFTPATH_API_RATE")
# Per person too, so that making more tokens does not make more requests.
API_RATE_PER_PERSON = config.get("CRAFTPATH_API_RATE_PER_PERSON") or API_RATE_PER_MINUTE
API_TOKENS_PER_PERSON = config.get("CRAFTPATH_API_TOKENS_PER_PERSON")
WEBHOOK_TIMEOUT = config.get("CRAFTPATH_WEBHOOK_TIMEOUT").total_seconds()
WEBHOOK_ALLOW_PRIVATE = config.get("CRAFTPATH_WEBHOOK_ALLOW_PRIVATE")
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
    config.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'craftpath.sqlite3'}")}
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
    if config.get("CRAFTPATH_BEHIND_PROXY"):
        # serve.py tells waitress to trust the proxy's X-Forwarded-* headers (only from
        # CRAFTPATH_TRUSTED_PROXY); without that waitress drops them before Django sees them.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The second factor (accounts/two_factor.py): anyone may turn it on; with this, admin and
# people-team accounts must.
CRAFTPATH_REQUIRE_2FA = config.get("CRAFTPATH_REQUIRE_2FA")

# The audit trail (audit/): entries older than this are deleted by `audit_purge`.
CRAFTPATH_AUDIT_RETENTION_DAYS = config.get("CRAFTPATH_AUDIT_RETENTION_DAYS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_tracebacks": {
        "()": "craftpath.web.security.NoTracebackForClientErrors"},
        "no_secrets": {"()": "craftpath.web.security.NoSecretsInLogs"}},
    "formatters": {"text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
                   "json": {"()": "craftpath.web.security.JsonLines"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_secrets"],
                             "formatter": config.get("CRAFTPATH_LOG_FORMAT")}},
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
        # One line per request (middleware.access_log), and the worker's failed deliveries.
        "craftpath.access": {"level": "INFO", "filters": ["no_secrets"]},
        "craftpath.worker": {"level": "INFO"},
        # These name the email and address of a failed sign-in; nothing personal is logged.
        "axes": {"handlers": [], "level": "CRITICAL", "propagate": False},
        "mozilla_django_oidc": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
