"""DATABASE_URL to a Django DATABASES entry: SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

import importlib.util
from urllib.parse import unquote, urlsplit


class DatabaseURLError(ValueError):
    pass


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def database_from_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # As in most tools: sqlite:///relative.db and sqlite:////absolute/path.db
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            # WAL lets readers go on while one process writes; IMMEDIATE takes the write lock
            # at the start of a transaction so two writers queue instead of failing midway.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        # The driver is the optional extra craftpath[postgres]; without it Django would fail
        # later, at the first query, with a traceback.
        if not any(_installed(name) for name in ("psycopg", "psycopg2")):
            raise DatabaseURLError("DATABASE_URL names PostgreSQL, but its driver is not "
                                   "installed: pip install 'craftpath[postgres]'")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # A connection per request costs a server process and a handshake each time, more
            # than a whole team page's queries on a busy machine: each app thread keeps one,
            # checked before reuse (a restarted server is reconnected to, not an error).
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            # No JIT compiling: PostgreSQL judges the recursive org-chart query a hundred times
            # its size, so past ~50,000 people it would compile (~200 ms) queries that run in
            # tens of milliseconds. Every query here is short.
            "OPTIONS": {"options": "-c jit=off"},
        }
    raise DatabaseURLError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} "
                           "(use sqlite:///path or postgres://user:password@host/name)")
