"""Personal access tokens: made on the profile page or the command line, shown once, kept
as a digest, scoped, expiring, revocable, rate-limited; and session use with CSRF."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from craftpath.web.api import tokens
from craftpath.web.api.models import AccessToken

from .api_helpers import TokenClient


def test_a_token_is_shown_once_and_kept_only_as_a_digest(client_as_engineer, small_org):
    answer = client_as_engineer.post("/api/tokens/new/", {"name": "report script",
                                                          "scope": "read", "expires_days": "30"})
    assert answer.status_code == 200
    secret = answer.context["issued"].secret
    assert secret.startswith("cpt_") and secret in answer.content.decode()
    stored = AccessToken.objects.get(owner=small_org.ian)
    assert secret not in (stored.digest, stored.prefix) and stored.digest == tokens.digest_of(
        secret)
    assert timedelta(days=29) < stored.expires_at - timezone.now() <= timedelta(days=30)
    page = client_as_engineer.get("/api/tokens/").content.decode()
    assert "report script" in page and secret not in page


def test_the_token_acts_as_its_owner_and_records_its_last_use(small_org, api_as):
    api = api_as(small_org.ian, "read")
    answer = api.get("/api/v1/people/me")
    assert answer.status_code == 200 and answer.json()["email"] == "ian@example.com"
    assert AccessToken.objects.get(owner=small_org.ian).last_used_at is not None


@pytest.mark.parametrize("secret", ["", "cpt_not-a-token", "nonsense"])
def test_no_token_or_a_wrong_one_is_401_problem_json(small_org, secret):
    answer = TokenClient(secret).get("/api/v1/people/me")
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json()["status"] == 401 and answer.json()["title"] == "Unauthorized"


def test_revoked_and_expired_tokens_stop_working(small_org, client_as_engineer):
    issued = tokens.create(small_org.ian, "x", "read", 1)
    api = TokenClient(issued.secret)
    assert api.get("/api/v1/people/me").status_code == 200
    AccessToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert api.get("/api/v1/people/me").status_code == 401
    AccessToken.objects.filter(pk=issued.token.pk).update(expires_at=None)
    client_as_engineer.post(f"/api/tokens/{issued.token.pk}/revoke/")
    assert api.get("/api/v1/people/me").status_code == 401


def test_a_deactivated_persons_tokens_stop_working(small_org, api_as):
    api = api_as(small_org.ian, "read")
    small_org.ian.is_active = False
    small_org.ian.save()
    assert api.get("/api/v1/people/me").status_code == 401


def test_a_read_token_cannot_write(small_org, api_as):
    answer = api_as(small_org.ian, "read").post("/api/v1/evidence", {"title": "talk"})
    assert answer.status_code == 403
    assert "write scope" in answer.json()["detail"]


def test_only_admins_may_hold_admin_and_scim_tokens(small_org, client_as_engineer):
    for scope in ("admin", "scim"):
        with pytest.raises(tokens.TokenError, match="only admins"):
            tokens.create(small_org.ian, "x", scope)
    answer = client_as_engineer.post("/api/tokens/new/", {"name": "x", "scope": "admin"})
    assert answer.status_code == 422 and "Only admins" in answer.content.decode()
    assert tokens.create(small_org.ada, "x", "admin").token.scope == "admin"


def test_a_scim_token_does_not_open_the_json_api(small_org):
    api = TokenClient(tokens.create(small_org.ada, "idp", "scim").secret)
    assert api.get("/api/v1/people/me").status_code == 403


@override_settings(API_RATE_PER_MINUTE=3)
def test_too_many_requests_get_429_with_retry_after(small_org, api_as):
    from django.core.cache import cache

    cache.clear()
    api = api_as(small_org.ian, "read")
    statuses = [api.get("/api/v1/people/me").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/api/v1/people/me")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"
    other = api_as(small_org.eva, "read")  # the limit is per token
    assert other.get("/api/v1/people/me").status_code == 200


def test_the_session_works_for_the_apps_own_pages_with_csrf(small_org):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(small_org.ian)
    assert browser.get("/api/v1/people/me").status_code == 200
    refused = browser.post("/api/v1/evidence", {"title": "x"}, content_type="application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    browser.get("/api/tokens/")  # sets the CSRF cookie, as any page does
    token = browser.cookies["csrftoken"].value
    made = browser.post("/api/v1/evidence", {"title": "x"}, content_type="application/json",
                        HTTP_X_CSRFTOKEN=token)
    assert made.status_code == 201


def _craftpath(*args):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "-m", "craftpath.cli", *args], capture_output=True,
                          text=True, env=env, timeout=120)


@pytest.mark.subprocess
def test_token_create_on_the_command_line(demo_data_dir):
    tmp_path, demo_output = demo_data_dir
    email = re.search(r"[\w.+-]+@[\w.-]+", demo_output).group(0)
    made = _craftpath("token", "create", email, "--scope", "read", "--expires", "7",
                      "--data-dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    secret = made.stdout.strip()
    assert secret.startswith("cpt_") and "read token for" in made.stderr
    with sqlite3.connect(tmp_path / "craftpath.sqlite3") as database:
        scope, expires = database.execute(
            "select scope, expires_at from api_accesstoken where digest = ?",
            (hashlib.sha256(secret.encode()).hexdigest(),)).fetchone()
    assert scope == "read" and expires
    unknown = _craftpath("token", "create", "nobody@example.com", "--scope", "read",
                         "--data-dir", str(tmp_path))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == ("craftpath: error: no person with the email "
                                      "nobody@example.com")


def test_the_profile_links_to_the_token_page_for_its_owner_only(small_org, client_as):
    own = client_as(small_org.mia).get(f"/people/{small_org.mia.pk}/").content.decode()
    assert 'href="/api/tokens/"' in own
    other = client_as(small_org.mia).get(f"/people/{small_org.eva.pk}/").content.decode()
    assert 'href="/api/tokens/"' not in other
