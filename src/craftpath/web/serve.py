"""`craftpath serve`: set up Django, migrate the database, publish a framework, serve it.

Settings are read when Django starts, so everything the caller chooses (data folder, host) goes
into the environment first; nothing here runs at import time.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from craftpath import config

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


class ServeError(Exception):
    """The app cannot start here: a bad DATABASE_URL, an unreachable database, a framework
    that will not publish. The message is for the person running the command."""


@dataclass(frozen=True)
class Prepared:
    database: str
    version: str | None  # the label of the active version (None: nothing published yet)
    published: bool  # True when this start published something new
    warnings: list
    demo: object = None  # accounts.demo.Demo when this start filled an empty directory
    demo_problem: str = ""  # why an empty directory was left empty

    @property
    def needs_admin(self) -> bool:
        from .accounts.models import Role, User

        return not User.objects.filter(is_active=True, roles__name=Role.ADMIN).exists()


def setup_django(data_dir: str | Path | None = None, host: str = DEFAULT_HOST,
                 port: int | None = None) -> None:
    """Django set up for this process; serving on `port`, the links in emails point at the
    address served on unless CRAFTPATH_BASE_URL says otherwise (production must say)."""
    if data_dir is not None:
        config.put("CRAFTPATH_DATA_DIR", Path(data_dir).resolve())
    if port is not None and not config.given("CRAFTPATH_BASE_URL"):
        config.put_default("CRAFTPATH_BASE_URL", served_at(host, port))
    if not config.given("CRAFTPATH_ALLOWED_HOSTS") and host not in LOOPBACK_NAMES:
        # Allowing every host would let a request's Host header choose where password-reset
        # links point; only the operator knows the names the app is reached by.
        raise ServeError(f"serving on {host} needs CRAFTPATH_ALLOWED_HOSTS: the host names "
                         "people reach the app by, comma-separated (e.g. craftpath.example.com)")
    config.put_default("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from .database import DatabaseURLError

    try:
        django.setup()
    except (config.ConfigError, DatabaseURLError, ImproperlyConfigured) as error:
        raise ServeError(str(error)) from None


def served_at(host: str, port: int) -> str:
    """The address a browser reaches `craftpath serve --host HOST --port PORT` at: the host
    itself on this machine, else the first name in CRAFTPATH_ALLOWED_HOSTS (serving on a
    public address needs them), since 0.0.0.0 is no address to send anyone."""
    name = host
    if host not in LOOPBACK_NAMES and config.given("CRAFTPATH_ALLOWED_HOSTS"):
        named = [n.lstrip(".") for n in config.get("CRAFTPATH_ALLOWED_HOSTS") if n != "*"]
        name = named[0] if named else host
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return f"http://{name}:{port}"


def migrate() -> str:
    """Create or update the database; returns where it is (the SQLite file or the name)."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import OperationalError
    from django.db.backends.sqlite3.creation import DatabaseCreation

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and \
            not DatabaseCreation.is_in_memory_db(database["NAME"]):
        private_sqlite_file(Path(database["NAME"]))
    try:
        with migration_lock():
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)  # the shared cache (settings.CACHES)
    except OperationalError as error:  # unreachable server, bad credentials, locked file
        reason = str(error).strip().splitlines()[0]
        raise ServeError(f"cannot use the database {database['NAME']}: {reason}") from None
    return str(database["NAME"])


MIGRATION_LOCK = 7_246_681  # any fixed number: craftpath's advisory lock for migrating


@contextmanager
def migration_lock():
    """Instances starting together on one PostgreSQL database migrate one after the other: a
    session-level advisory lock, held while migrating (the second finds nothing left to do).
    SQLite serialises writers itself."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def private_folder(folder: Path) -> None:
    """Make `folder`, and every missing folder above it, for this account only (0700, whatever
    the umask); folders that exist already are the operator's and are left as they are."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(mode=0o700, exist_ok=True)
        made.chmod(0o700)


def private_sqlite_file(path: Path) -> None:
    """The database holds people's assessments: its folder and file are for the account that
    runs craftpath only (SQLite gives its -wal and -shm files the database file's mode)."""
    private_folder(path.parent)
    path.touch(mode=0o600, exist_ok=True)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if name.exists():
            name.chmod(0o600)


def publish(path: str | Path, data_dir: str | Path | None = None, note: str = ""):
    """`craftpath publish`: lint, snapshot and activate, then tell everyone with an open
    check-in on another version (actions.frameworks.publish_path, as the command line);
    raises PublishError when refused."""
    setup_django(data_dir)
    migrate()
    from .actions import OPERATOR, frameworks

    return frameworks.publish_path(OPERATOR, path, note)


def sync(data_dir: str | Path | None = None, git_dir: str | None = None,
         git_file: str | None = None):
    """`craftpath sync`: publish the framework file at the git working copy's HEAD when that
    commit is new; raises PublishError (lint's errors) or GitError."""
    if git_dir:
        config.put("CRAFTPATH_GIT_DIR", Path(git_dir).resolve())
    if git_file:
        config.put("CRAFTPATH_GIT_FILE", git_file)
    setup_django(data_dir)
    migrate()
    from .actions import OPERATOR, frameworks

    return frameworks.sync(OPERATOR)


def prepare(framework: str | Path | None = None) -> Prepared:
    """Migrate, then publish `framework`, or the bundled one when nothing is published yet
    (not in production: a company's first version is its own framework)."""
    from django.conf import settings

    from craftpath.core.sample import bundled_path

    from .frameworks import publishing

    database = migrate()
    source = framework
    active = publishing.active_version()
    if source is None and active is None and not settings.PRODUCTION:
        source = bundled_path()  # something to look at on a first try; never a company's v1
    if source is None:
        return Prepared(database, active.label if active else None, False, [], *_demo())
    try:
        result = publishing.publish_path(source)
    except publishing.PublishError as problem:
        details = "; ".join(f"{d.source}: {d.message}" for d in problem.diagnostics[:5])
        raise ServeError(f"{source}: {problem}" + (f" ({details})" if details else "")) from None
    return Prepared(database, result.version.label, result.created, result.warnings, *_demo())


def _demo() -> tuple:
    """The demo organisation when nobody is in the directory yet, so a first start has people
    to sign in as; (demo, why not). Never in production: its sign-ins would be printed to the
    log, and a real directory must not start with made-up people (`craftpath demo` still adds
    them when asked)."""
    from django.conf import settings

    from . import demo

    if demo.has_people():
        return None, ""
    if settings.PRODUCTION:
        return None, "production: no demo people (`craftpath demo` adds them if you want them)"
    try:
        return demo.create_demo(), ""
    except demo.DemoError as problem:
        return None, str(problem)


FORWARDED_HEADERS = {"x-forwarded-proto", "x-forwarded-for", "x-forwarded-host"}


def behind_proxy(application):
    """With CRAFTPATH_BEHIND_PROXY=1, the app as waitress should run it: X-Forwarded-* headers
    are believed from the addresses and networks in CRAFTPATH_TRUSTED_PROXY and removed from
    anyone else's request. Without them Django would never see HTTPS behind a proxy that
    terminates TLS, and redirect for ever. Waitress itself trusts one address only, so it is
    told to leave the headers alone and this chooses, request by request, between its two
    ways of treating them. Returns (app, waitress options)."""
    if not config.get("CRAFTPATH_BEHIND_PROXY"):
        return application, {}  # waitress removes every X-Forwarded-* header itself
    from waitress.proxy_headers import proxy_headers_middleware

    networks = config.get("CRAFTPATH_TRUSTED_PROXY")
    believed = proxy_headers_middleware(application, trusted_proxy="*", trusted_proxy_count=1,
                                        trusted_proxy_headers=FORWARDED_HEADERS)
    removed = proxy_headers_middleware(application, trusted_proxy=None)

    def choose(environ, start_response):
        trusted = _in_networks(environ.get("REMOTE_ADDR", ""), networks)
        return (believed if trusted else removed)(environ, start_response)

    return choose, {"clear_untrusted_proxy_headers": False}


def _in_networks(address: str, networks) -> bool:
    import ipaddress

    try:
        peer = ipaddress.ip_address(address)
    except ValueError:  # a Unix socket, or no address at all
        return False
    # An IPv4 proxy reaching a server that listens on IPv6 shows as ::ffff:a.b.c.d.
    peers = [peer, peer.ipv4_mapped] if peer.version == 6 and peer.ipv4_mapped else [peer]
    return any(one in network for one in peers for network in networks)


def serve(framework: str | Path | None = None, host: str = DEFAULT_HOST,
          port: int = DEFAULT_PORT, data_dir: str | Path | None = None,
          threads: int = 8, worker: bool = True) -> None:
    setup_django(data_dir, host, port)
    import waitress
    from django.urls import get_resolver

    from .wsgi import application

    served, options = behind_proxy(application)
    # Bind before anything else, so a taken port is reported at once: before the database is
    # migrated and a demo made for a server that cannot start. (Connections that come while
    # it prepares wait in the socket's queue.)
    try:
        server = waitress.create_server(served, host=host, port=port, threads=threads,
                                        ident="craftpath", **options)
    except OSError as error:
        raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        prepared = prepare(framework)
    except BaseException:
        server.close()
        raise

    shown = f"[{host}]" if ":" in host else host
    if prepared.version is None:
        print(f"craftpath: no framework published yet, database {prepared.database}; publish "
              "yours with `craftpath publish PATH` or as an admin on the Import page",
              file=sys.stderr)
    else:
        print(f"craftpath: version {prepared.version} of the framework, database "
              f"{prepared.database}", file=sys.stderr)
    if prepared.warnings:
        print(f"craftpath: lint found {len(prepared.warnings)} warning(s) when publishing; "
              "`craftpath lint PATH` lists them", file=sys.stderr)
    if prepared.demo is not None:
        for line in prepared.demo.lines():
            print(f"craftpath: {line}", file=sys.stderr)
    elif prepared.demo_problem:
        print(f"craftpath: {prepared.demo_problem}", file=sys.stderr)
    if prepared.needs_admin:
        print("craftpath: no admin yet: `craftpath admin create EMAIL` adds and invites the "
              "first", file=sys.stderr)
    # Every route loaded before the first request is answered (building the API's schemas
    # takes seconds): behind a balancer, the probe that passes on a fresh instance is then
    # not followed by a person's request that waits for it.
    get_resolver().url_patterns  # noqa: B018 - loads them
    background = start_worker() if worker else None
    print(f"craftpath: serving on http://{shown}:{port}/ (Ctrl+C stops)", file=sys.stderr)
    _stop_on_sigterm()
    try:
        server.run()
    except KeyboardInterrupt:
        server.close()
    finally:
        if background is not None:
            background.terminate()
            background.wait(timeout=30)


def _stop_on_sigterm() -> None:
    """SIGTERM (a service manager stopping the app) ends the server like Ctrl+C does, so
    that the worker started beside it is stopped too."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def start_worker():
    """`craftpath worker` as a child process (emails, reminders), with this process's
    settings (the environment carries the data folder and the database). It also stops by
    itself if this process dies without stopping it."""
    import subprocess

    print("craftpath: started a worker for emails and reminders (`craftpath worker`)",
          file=sys.stderr)
    return subprocess.Popen([sys.executable, "-m", "craftpath.cli", "worker"],
                            env=config.child_environment(
                                CRAFTPATH_WORKER_PARENT=str(os.getpid())))
