"""`craftpath serve`: settings from the environment, migrate, publish the bundled framework."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from craftpath.web.database import DatabaseURLError, database_from_url


def test_sqlite_urls_name_relative_and_absolute_files():
    assert database_from_url("sqlite:///data/x.sqlite3")["NAME"] == "data/x.sqlite3"
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    options = database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_postgres_urls_give_every_part():
    database = database_from_url("postgres://ann:p%40ss@db.internal:5433/craft")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"],
            database["NAME"]) == ("ann", "p@ss", "db.internal", "5433", "craft")
    # Kept open between requests, and checked before each is reused.
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_postgres_connections_compile_no_queries():
    from django.db import connection

    if connection.vendor != "postgresql":
        assert "jit=off" in database_from_url("postgres://x/y")["OPTIONS"]["options"]
        return
    with connection.cursor() as cursor:  # the server's default is on
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_postgres_without_its_driver_is_refused_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if craftpath[postgres] were absent
    monkeypatch.setitem(sys.modules, "psycopg2", None)
    with pytest.raises(DatabaseURLError) as refused:
        database_from_url("postgres://ann@db.internal/craft")
    assert str(refused.value) == ("DATABASE_URL names PostgreSQL, but its driver is not "
                                  "installed: pip install 'craftpath[postgres]'")


def test_other_schemes_are_refused():
    with pytest.raises(DatabaseURLError):
        database_from_url("mysql://x/y")


@pytest.mark.django_db
def test_prepare_publishes_the_bundled_framework_once():
    from craftpath.web.frameworks.models import FrameworkVersion
    from craftpath.web.serve import prepare

    first = prepare()
    second = prepare()
    assert first.published and not second.published
    assert first.version == second.version
    assert FrameworkVersion.objects.get().name == "Vaarst Career Framework"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.subprocess
def test_serve_starts_the_app_on_an_sqlite_file(tmp_path: Path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    server = subprocess.Popen(
        [sys.executable, "-m", "craftpath.cli", "serve", "--port", str(port), "--data-dir",
         str(tmp_path / "data")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = None
        deadline = time.monotonic() + 120  # a wait, not a speed check: a busy machine starts late
        while time.monotonic() < deadline and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as reply:
                    page = reply.read().decode()
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        assert page is not None, server.stdout.read().decode() if server.poll() else "no answer"
        assert "Level 3 (Senior)" in page
        assert (tmp_path / "data" / "craftpath.sqlite3").exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.subprocess
@pytest.mark.parametrize("command, url, message", [
    ("serve", "mysql://somewhere/db", "DATABASE_URL: unsupported scheme 'mysql'"),
    ("demo", "postgres://nobody@127.0.0.1:1/gone", "cannot use the database gone: connection"),
])
def test_a_database_that_cannot_be_used_is_one_line_and_exit_2(tmp_path, command, url, message):
    env = {**os.environ, "DATABASE_URL": url, "CRAFTPATH_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "craftpath", command], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("craftpath: error: ") and message in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


@pytest.mark.subprocess
@pytest.mark.parametrize("command", ["serve", "demo"])
def test_postgres_without_its_driver_is_one_line_and_exit_2(tmp_path, command):
    env = {**os.environ, "DATABASE_URL": "postgres://ann@127.0.0.1:1/craft",
           "CRAFTPATH_DATA_DIR": str(tmp_path)}
    # As if craftpath[postgres] were not installed: no import of the driver finds it.
    blocked = ("import sys; sys.modules['psycopg'] = sys.modules['psycopg2'] = None; "
               "from craftpath.cli import main; sys.exit(main())")
    done = subprocess.run([sys.executable, "-c", blocked, command], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr == ("craftpath: error: DATABASE_URL names PostgreSQL, but its driver is "
                           "not installed: pip install 'craftpath[postgres]'\n")


@pytest.mark.subprocess
def test_a_taken_port_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "craftpath", "serve", "--port", str(port),
                               "--data-dir", str(tmp_path)],
                              env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
                              capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (f"craftpath: error: cannot listen on 127.0.0.1:{port}: "
                                            "Address already in use")
    assert "serving on" not in done.stderr


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is `pid` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found.append((int(stat.parent.name), command.decode()))
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while we looked
    return found


@pytest.mark.subprocess
def test_serve_starts_a_worker_and_stops_it_when_stopped(tmp_path: Path):
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    server = subprocess.Popen(
        [sys.executable, "-m", "craftpath.cli", "serve", "--port", str(port), "--data-dir",
         str(tmp_path / "data")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        workers = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not workers and server.poll() is None:
            workers = [c for c in _children(server.pid) if "craftpath.cli worker" in c[1]]
            time.sleep(0.2)
        assert len(workers) == 1, server.stdout.read().decode() if server.poll() else workers
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = server.stdout.read().decode()
    assert "started a worker for emails and reminders" in output
    worker_pid = workers[0][0]
    deadline = time.monotonic() + 120  # a wait, not a speed check: a busy machine starts late
    while time.monotonic() < deadline and Path(f"/proc/{worker_pid}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{worker_pid}").exists(), "the worker outlived the server"


# --- behind a proxy: CRAFTPATH_TRUSTED_PROXY lists addresses and networks ----------------------

def _seen_through(peer: str, monkeypatch, trusted: str | None = "127.0.0.1",
                  behind: str = "1") -> dict:
    """What the app sees of a request from `peer` that says it came over HTTPS for 203.0.113.9."""
    from craftpath.web.serve import behind_proxy

    monkeypatch.setenv("CRAFTPATH_BEHIND_PROXY", behind)
    if trusted is None:
        monkeypatch.delenv("CRAFTPATH_TRUSTED_PROXY", raising=False)
    else:
        monkeypatch.setenv("CRAFTPATH_TRUSTED_PROXY", trusted)
    seen = {}

    def app(environ, start_response):
        seen.update(scheme=environ["wsgi.url_scheme"], address=environ["REMOTE_ADDR"],
                    forwarded="HTTP_X_FORWARDED_PROTO" in environ)
        return []

    served, options = behind_proxy(app)
    served({"REMOTE_ADDR": peer, "wsgi.url_scheme": "http", "HTTP_HOST": "app.example",
            "SERVER_NAME": "app.example", "SERVER_PORT": "80",
            "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},
           lambda *args: None)
    return seen | options


def test_the_default_trusts_only_a_proxy_on_the_same_machine(monkeypatch):
    assert _seen_through("127.0.0.1", monkeypatch, trusted=None) == {
        "scheme": "https", "address": "203.0.113.9", "forwarded": True,
        "clear_untrusted_proxy_headers": False}
    assert _seen_through("10.1.2.3", monkeypatch, trusted=None) == {
        "scheme": "http", "address": "10.1.2.3", "forwarded": False,
        "clear_untrusted_proxy_headers": False}


def test_several_proxies_and_networks_are_trusted_and_no_one_else(monkeypatch):
    trusted = "127.0.0.1, 10.0.0.0/8, fd00::/8"
    for peer in ("10.1.2.3", "fd00::7", "::ffff:10.9.9.9", "127.0.0.1"):
        assert _seen_through(peer, monkeypatch, trusted)["scheme"] == "https", peer
    for peer in ("192.168.1.5", "11.0.0.1", "::1", "unix"):
        seen = _seen_through(peer, monkeypatch, trusted)
        assert (seen["scheme"], seen["address"], seen["forwarded"]) == ("http", peer, False)


def test_without_a_proxy_waitress_removes_the_headers_itself(monkeypatch):
    from craftpath.web.serve import behind_proxy

    monkeypatch.setenv("CRAFTPATH_BEHIND_PROXY", "0")
    app = object()
    assert behind_proxy(app) == (app, {})


def test_serve_takes_the_number_of_threads(monkeypatch, capsys):
    from craftpath import cli
    from craftpath.web import serve

    asked = {}
    monkeypatch.setattr(serve, "serve", lambda *args, **options: asked.update(options))
    assert cli.main(["serve", "--threads", "3", "--no-worker"]) == 0
    assert asked["threads"] == 3
    for bad in ("0", "many"):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["serve", "--threads", bad])
        assert stopped.value.code == 2
        assert f"--threads: must be a whole number, at least 1, got '{bad}'" in \
            capsys.readouterr().err
