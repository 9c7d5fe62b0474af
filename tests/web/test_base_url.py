"""The address links in emails point at: where `craftpath serve` listens unless
CRAFTPATH_BASE_URL says otherwise, and in production only an https address that was given."""

import os
import secrets
import subprocess
import sys

import pytest

from craftpath.web.serve import served_at


def test_serving_on_this_machine_links_to_the_port_served_on(monkeypatch):
    monkeypatch.delenv("CRAFTPATH_ALLOWED_HOSTS", raising=False)
    assert served_at("127.0.0.1", 8765) == "http://127.0.0.1:8765"
    assert served_at("::1", 9000) == "http://[::1]:9000"


def test_serving_on_a_public_address_links_to_the_first_allowed_name(monkeypatch):
    monkeypatch.setenv("CRAFTPATH_ALLOWED_HOSTS", ".careers.example.com,other.example.com")
    assert served_at("0.0.0.0", 8000) == "http://careers.example.com:8000"


def _start(tmp_path, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("CRAFTPATH_", "DATABASE_URL", "DJANGO_"))}
    environment.update(env, CRAFTPATH_PRODUCTION="1", CRAFTPATH_DATA_DIR=str(tmp_path),
                       CRAFTPATH_SECRET_KEY=secrets.token_urlsafe(60),
                       CRAFTPATH_ALLOWED_HOSTS="careers.example.com")
    return subprocess.run([sys.executable, "-m", "craftpath", "manage", "check"],
                          env=environment, capture_output=True, text=True, timeout=120,
                          check=False)


@pytest.mark.subprocess
@pytest.mark.parametrize("url", [None, "http://careers.example.com"])
def test_production_refuses_to_start_without_an_https_base_url(tmp_path, url):
    done = _start(tmp_path, **({"CRAFTPATH_BASE_URL": url} if url else {}))
    assert done.returncode == 2
    assert done.stderr.startswith("craftpath: error: CRAFTPATH_PRODUCTION=1 needs "
                                  "CRAFTPATH_BASE_URL: the https:// address")
    assert "Traceback" not in done.stderr


@pytest.mark.subprocess
def test_production_starts_with_one(tmp_path):
    done = _start(tmp_path, CRAFTPATH_BASE_URL="https://careers.example.com")
    assert done.returncode == 0, done.stderr
