"""Security settings: headers and content security policy, CSRF on every state change,
cookies, production settings that pass `check --deploy`, secrets from the environment only,
and nothing personal in the logs."""

import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from .test_access_matrix import RULES

SETTINGS_FILE = Path(settings.BASE_DIR) / "settings.py"


def test_people_pages_enforce_the_content_security_policy(client_as_engineer, small_org):
    reply = client_as_engineer.get(f"/people/{small_org.ian.pk}/")
    policy = reply["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "Content-Security-Policy-Report-Only" not in reply
    assert reply["X-Frame-Options"] == "DENY"
    assert reply["X-Content-Type-Options"] == "nosniff"
    assert reply["Referrer-Policy"] == "same-origin"
    assert reply["Cross-Origin-Opener-Policy"] == "same-origin"


def test_framework_pages_enforce_the_same_policy(client, published_seed):
    reply = client.get("/")
    assert "script-src 'self'" in reply["Content-Security-Policy"]
    assert reply["X-Frame-Options"] == "DENY"


POSTS = sorted(route for route, rule in RULES.items() if rule.method == "post")


def test_every_state_change_is_a_post_in_the_matrix():
    assert {"people/<int:pk>/notes/", "people/<int:pk>/notes/<int:note_pk>/delete/",
            "accounts/logout/"} <= set(POSTS)


@pytest.mark.parametrize("route", POSTS)
def test_a_post_without_the_csrf_token_is_refused(route, small_org):
    from craftpath.web.accounts.models import Note

    note = Note.objects.create(author=small_org.ian, about=small_org.ian, text="x")
    client = Client(enforce_csrf_checks=True)
    client.force_login(small_org.ian)
    url = "/" + route.replace("<int:pk>", str(small_org.ian.pk)).replace(
        "<int:note_pk>", str(note.pk))
    assert client.post(url, {"text": "sneaky"}).status_code == 403
    assert Note.objects.filter(pk=note.pk).exists() and Note.objects.count() == 1


def test_the_sign_in_form_needs_its_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "a@example.com",
                                            "password": "x"}).status_code == 403
    page = client.get("/accounts/login/")
    assert "csrfmiddlewaretoken" in page.content.decode()


def test_the_session_cookie_is_http_only_same_site_and_short(client, db):
    from craftpath.web.accounts.models import User

    User.objects.create_user("eva@example.com", "a long enough passphrase", name="Eva")
    reply = client.post("/accounts/login/", {"username": "eva@example.com",
                                             "password": "a long enough passphrase"})
    cookie = reply.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 12 * 60 * 60


def test_argon2_hashes_and_mail_goes_to_the_console_by_default():
    from craftpath.web import settings as app_settings  # the tests hash with cheap costs

    assert app_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "console" in settings.EMAIL_BACKEND or "locmem" in settings.EMAIL_BACKEND


def test_no_secret_is_written_in_the_settings():
    text = SETTINGS_FILE.read_text()
    assert settings.SECRET_KEY not in text
    assert 'SECRET_KEY = config.get("CRAFTPATH_SECRET_KEY")' in text


def _django(code: str, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("CRAFTPATH_", "DATABASE_URL", "DJANGO_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE="craftpath.web.settings")
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                          capture_output=True, text=True, env=environment, timeout=120)


PRODUCTION = {"CRAFTPATH_PRODUCTION": "1", "CRAFTPATH_SECRET_KEY": secrets.token_urlsafe(60),
              "CRAFTPATH_ALLOWED_HOSTS": "craftpath.example.com",
              "CRAFTPATH_BASE_URL": "https://craftpath.example.com"}


@pytest.mark.subprocess
def test_production_settings_pass_check_deploy_with_no_warning(tmp_path):
    done = _django("from django.core.management import call_command\n"
                   "call_command('check', deploy=True, fail_level='WARNING')\n"
                   "from django.conf import settings as s\n"
                   "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
                   " s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_NAME)",
                   **PRODUCTION, CRAFTPATH_DATA_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "True True True 31536000 __Host-sessionid"


@pytest.mark.subprocess
def test_development_settings_do_warn_under_check_deploy(tmp_path):
    done = _django("from django.core.management import call_command\n"
                   "call_command('check', deploy=True, fail_level='WARNING')",
                   CRAFTPATH_DATA_DIR=str(tmp_path))
    assert done.returncode != 0 and "security.W012" in done.stderr  # insecure session cookie


@pytest.mark.subprocess
def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = dict(PRODUCTION)
    del env["CRAFTPATH_SECRET_KEY"]
    done = _django("", **env, CRAFTPATH_DATA_DIR=str(tmp_path))
    assert done.returncode != 0
    assert "CRAFTPATH_PRODUCTION=1 needs CRAFTPATH_SECRET_KEY" in done.stderr


def test_nothing_personal_reaches_the_logs(client, small_org, caplog):
    from craftpath.web.accounts.directory import import_csv
    from craftpath.web.accounts.problems import DirectoryError

    caplog.set_level(logging.DEBUG)
    for _ in range(6):  # failures, then a lockout
        client.post("/accounts/login/", {"username": "eva@example.com", "password": "nope"})
    client.post("/accounts/password/reset/", {"email": "ghost@example.com"})
    client.force_login(small_org.ian)
    client.get(f"/people/{small_org.sol.pk}/")  # not visible: a 404, logged as a warning
    with pytest.raises(DirectoryError):
        import_csv("email,name\nsol@example.com,\n")
    # Every record any logger let through, as a handler would write it (message, arguments,
    # traceback); records that loggers drop (django-axes, the OIDC library) never get here.
    logged = "\n".join(logging.Formatter("%(name)s %(message)s").format(record)
                       for record in caplog.records)
    assert "Too Many Requests" in logged or "Not Found" in logged  # logging does work
    # Whole words only: a random token in a logged URL may hold "Sol" or "Ian" by chance.
    for personal in ("eva@example.com", "ghost@example.com", "sol@example.com", "Sol", "Ian"):
        assert not re.search(rf"(?<![\w.@-]){re.escape(personal)}(?![\w.@-])", logged), personal
