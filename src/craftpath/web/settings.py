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
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from .database import database_from_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("CRAFTPATH_DATA_DIR", "data")).resolve()

# A random key keeps an unconfigured install safe (nothing guessable signs cookies); the cost
# is that sessions end when the process restarts, which the read-only pages do not mind.
SECRET_KEY = os.environ.get("CRAFTPATH_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = os.environ.get("CRAFTPATH_DEBUG", "") == "1"
ALLOWED_HOSTS = [host.strip() for host in os.environ.get(
    "CRAFTPATH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if host.strip()]
CHROMIUM = os.environ.get("CRAFTPATH_CHROMIUM", "/usr/bin/chromium")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "craftpath.web.frameworks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "craftpath.web.urls"
WSGI_APPLICATION = "craftpath.web.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": []},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING"}},
}
