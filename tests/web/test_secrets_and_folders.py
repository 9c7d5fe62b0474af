"""Secrets kept out of the logs (invitation and password-reset tokens in a link's path), the
data folders made for their owner only, and a guessable production key of the right length
refused at start with one line."""

from __future__ import annotations

import io
import logging
import os
import secrets
import sqlite3
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.core.exceptions import ImproperlyConfigured

from craftpath.web import security

TOKEN = "Zq7_secret-invitation-token-0123456789abcdefXYZ"


@contextmanager
def console_output():
    """What the app's configured console handler writes, while the block runs."""
    handler = logging._handlers["console"]  # named in settings.LOGGING
    stream = io.StringIO()
    # Swapped directly, not with setStream, which flushes the stream it replaces: a test that
    # set Django up again in this process leaves the handler on a capture stream pytest has
    # since closed.
    with _locked(handler):
        previous, handler.stream = handler.stream, stream
    try:
        yield stream
    finally:
        with _locked(handler):
            handler.stream = previous


@contextmanager
def _locked(handler):
    handler.acquire()
    try:
        yield
    finally:
        handler.release()


def test_a_used_invitation_link_leaves_no_token_in_the_log(small_org, client, caplog,
                                                           monkeypatch):
    from craftpath.web.accounts import invitations

    monkeypatch.setattr(invitations.secrets, "token_urlsafe", lambda size: TOKEN)
    invitation = invitations.invite(small_org.eva)
    assert invitations.accept(invitation, "a long enough password 42")
    caplog.set_level(logging.WARNING)
    with console_output() as written:
        again = client.get(f"/accounts/invitation/{TOKEN}/")
    assert again.status_code == 404  # used: Django logs the 404 with its path
    logged = "\n".join(logging.Formatter("%(name)s %(message)s").format(record)
                       for record in caplog.records)
    assert "Not Found: /accounts/invitation/…/" in logged  # logging does work
    assert "Not Found: /accounts/invitation/…/" in written.getvalue()
    assert TOKEN not in logged and TOKEN not in written.getvalue()


@pytest.mark.parametrize("logger", ["django.request", "waitress", "django.security.csrf",
                                    "craftpath.anything"])
def test_token_paths_are_masked_whichever_logger_writes_them(logger):
    reset = "/accounts/password/reset/MTI/c3b2x1-0123456789abcdef0123456789abcdef/"
    with console_output() as written:
        logging.getLogger(logger).error("Exception while serving %s and %s",
                                        f"/accounts/invitation/{TOKEN}/?next=/home/", reset)
    line = written.getvalue()
    assert "/accounts/invitation/…/?next=/home/" in line, line
    assert "/accounts/password/reset/MTI/…/" in line, line
    assert TOKEN not in line and "0123456789abcdef0123456789abcdef" not in line


def test_masking_leaves_other_paths_alone():
    for path in ("/accounts/password/reset/", "/accounts/password/reset/sent/",
                 "/people/12/", "/accounts/invitation/"):
        assert security.mask_secrets(f"Not Found: {path}") == f"Not Found: {path}"


# --- data folders -----------------------------------------------------------------------------

@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)  # the common default, which makes folders 0755
    yield
    os.umask(previous)


def test_the_data_folder_and_those_made_above_it_are_private(tmp_path, usual_umask):
    from craftpath.web.serve import private_sqlite_file

    (tmp_path / "kept").mkdir(mode=0o755)
    database = tmp_path / "kept" / "srv" / "craftpath" / "data" / "craftpath.sqlite3"
    private_sqlite_file(database)
    for made in ("srv", "srv/craftpath", "srv/craftpath/data"):
        assert (tmp_path / "kept" / made).stat().st_mode & 0o777 == 0o700, made
    assert database.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "kept").stat().st_mode & 0o777 == 0o755  # the operator's, left alone


def test_a_restore_makes_its_data_folder_private(tmp_path, usual_umask):
    from craftpath.web.backup import _sqlite_restore

    source = tmp_path / "backup.sqlite3"
    with sqlite3.connect(source) as made:
        made.execute("CREATE TABLE kept (x integer)")
    made.close()
    target = tmp_path / "new" / "data" / "craftpath.sqlite3"
    _sqlite_restore(source, {"NAME": str(target)})
    for folder in (tmp_path / "new", tmp_path / "new" / "data"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert target.stat().st_mode & 0o777 == 0o600


# --- the production key -----------------------------------------------------------------------

GUESSABLE = {
    "five letters repeated": "abcde" * 10,
    "digits repeated": "0123456789" * 5,
    "one letter and a few": "a" * 45 + "bcdef",
    "the alphabet": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "a password repeated": "Password123!" * 5,
    "a word repeated": "craftpath-" * 6,
}


@pytest.mark.parametrize("key", GUESSABLE.values(), ids=GUESSABLE.keys())
def test_a_guessable_key_of_the_right_length_is_refused(key):
    assert len(key) >= 50 and len(set(key)) >= 5  # Django's own measure lets each pass
    with pytest.raises(ImproperlyConfigured, match="CRAFTPATH_SECRET_KEY is too weak"):
        security.check_secret_key(key)


def test_random_keys_of_every_usual_kind_are_accepted():
    from django.core.management.utils import get_random_secret_key

    for _ in range(2000):
        for key in (secrets.token_hex(25), secrets.token_hex(32), secrets.token_urlsafe(38),
                    secrets.token_urlsafe(50), get_random_secret_key()):
            security.check_secret_key(key)


def test_a_guessable_key_stops_the_start_with_one_line(tmp_path):
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("CRAFTPATH_", "DATABASE_URL", "DJANGO_"))}
    done = subprocess.run(
        [sys.executable, "-m", "craftpath", "manage", "check", "--data-dir", str(tmp_path)],
        env={**environment, "CRAFTPATH_PRODUCTION": "1",
             "CRAFTPATH_SECRET_KEY": GUESSABLE["a password repeated"]},
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("craftpath: error: CRAFTPATH_SECRET_KEY is too weak for "
                                  "production (it repeats itself)")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
