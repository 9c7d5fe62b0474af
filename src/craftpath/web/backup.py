"""`craftpath backup` and `craftpath restore`: one file holding the whole database, taken while
the app runs, and put back into an empty data folder or an empty database.

SQLite: SQLite's online backup API copies the database page by page from a live connection,
so writers may go on meanwhile; the copy is one self-contained SQLite file (rollback journal,
not WAL), checked with `PRAGMA integrity_check`. PostgreSQL: `pg_dump` in its custom format
(compressed, restored with `pg_restore` in one transaction). Restore tells the two apart by
their first bytes and refuses the wrong kind, a target that already holds tables, and a file
that is neither, each with a message saying what to do.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from craftpath import config

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
               "/usr/lib/postgresql/17/bin")


class BackupError(Exception):
    """Backing up or restoring cannot be done here; the message says why and what to do."""


@dataclass(frozen=True)
class Done:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    size: int
    seconds: float


def _kind(database: dict) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"cannot back up a {engine} database")


def _default_database() -> dict:
    from django.conf import settings

    return settings.DATABASES["default"]


# --- backup -----------------------------------------------------------------------------------

def backup(output: str | Path, database: dict | None = None) -> Done:
    """Write the whole database to `output` (a new file, readable by its owner only)."""
    database = database or _default_database()
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output}: already exists; give a new file name (a backup never "
                          "overwrites one)")
    if not output.parent.is_dir():
        raise BackupError(f"{output.parent}: no such folder")
    started = time.perf_counter()
    kind = _kind(database)
    # Written beside the target under a temporary name, then renamed: a backup that stops
    # halfway never looks like a finished one.
    handle, temporary = tempfile.mkstemp(prefix=".craftpath-backup-", dir=output.parent)
    os.close(handle)
    os.chmod(temporary, 0o600)
    try:
        if kind == "sqlite":
            _sqlite_backup(database, Path(temporary))
        else:
            _pg_dump(database, Path(temporary))
        os.replace(temporary, output)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return Done(output, kind, output.stat().st_size, time.perf_counter() - started)


def _is_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def _sqlite_backup(database: dict, target: Path) -> None:
    name = str(database["NAME"])
    if _is_memory(name):  # the test suite's database: only Django's connection reaches it
        from django.db import connection

        connection.ensure_connection()
        source, close_source = connection.connection, False
    else:
        if not Path(name).is_file():
            raise BackupError(f"{name}: no database here to back up (check "
                              "CRAFTPATH_DATA_DIR or --data-dir)")
        source, close_source = _read_only(Path(name)), True
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        _check_integrity(copy, target)
    finally:
        copy.close()
        if close_source:
            source.close()


def _read_only(path: Path) -> sqlite3.Connection:
    # A file: URI (percent-encoded by as_uri, so any file name works) opened read-only.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_integrity(db: sqlite3.Connection, path: Path) -> None:
    result = db.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{path}: the SQLite file is damaged ({result})")


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: from CRAFTPATH_PG_BIN, Debian's PostgreSQL folders, or PATH."""
    configured = config.get("CRAFTPATH_PG_BIN")
    folders = [configured] if configured else []
    for folder in [*folders, *PG_BIN_DIRS]:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (Debian: "
                          "postgresql-client-15) or set CRAFTPATH_PG_BIN to its folder")
    return found


def _pg_environment(database: dict) -> dict:
    """Connection settings for the PostgreSQL tools, passed in their environment (a password
    on a command line would show in the process list)."""
    env = config.child_environment()
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                          ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        reason = (done.stderr.strip() or done.stdout.strip() or "no message").splitlines()
        raise BackupError(f"{what} failed: {reason[0]}")


def _pg_dump(database: dict, target: Path) -> None:
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          f"--file={target}"], _pg_environment(database), "pg_dump")


# --- restore ----------------------------------------------------------------------------------

def backup_kind(path: Path) -> str:
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BackupError(f"{path}: a folder, not a backup file") from None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path}: not a craftpath backup (neither an SQLite database nor a "
                      "pg_dump archive)")


def restore(source: str | Path, database: dict | None = None) -> Done:
    """Put the backup at `source` into `database`, which must be empty. Migrations are for the
    caller to run afterwards (a backup from an older craftpath is brought up to date)."""
    database = database or _default_database()
    source = Path(source)
    started = time.perf_counter()
    kind, wanted = backup_kind(source), _kind(database)
    if kind != wanted:
        setting = ("DATABASE_URL=postgres://…" if kind == "postgresql"
                   else "an SQLite data folder (no DATABASE_URL)")
        raise BackupError(f"{source}: a {_label(kind)} backup, but this craftpath uses "
                          f"{_label(wanted)}; restore it with {setting}")
    if kind == "sqlite":
        _sqlite_restore(source, database)
    else:
        _pg_restore(source, database)
    return Done(source, kind, source.stat().st_size, time.perf_counter() - started)


def restore_and_check(source: str | Path):
    """What `craftpath restore` does: restore into the configured database, bring it up to
    date with migrations, and check the audit trail's chain; returns (Done, Verification)."""
    from .serve import migrate

    done = restore(source)
    migrate()
    from .audit.trail import verify

    return done, verify()


def _label(kind: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]


def _sqlite_restore(source: Path, database: dict) -> None:
    target = Path(str(database["NAME"]))
    if _is_memory(str(target)):
        raise BackupError("cannot restore into an in-memory database")
    if target.exists() and target.stat().st_size > 0:
        with closing(_read_only(target)) as existing:
            tables = existing.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        if tables:
            raise BackupError(f"{target}: the data folder already holds a database ({tables} "
                              "tables); restore into an empty data folder (--data-dir or "
                              "CRAFTPATH_DATA_DIR), or move this file away first")
    from .serve import private_folder

    private_folder(target.parent)
    with closing(_read_only(source)) as backup_file:
        _check_integrity(backup_file, source)
        for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)  # an empty file, or side files of one
        previous = os.umask(0o077)  # the database is for its owner only
        try:
            copy = sqlite3.connect(target)
        finally:
            os.umask(previous)
        try:
            backup_file.backup(copy)
        finally:
            copy.close()
    os.chmod(target, 0o600)


def _pg_restore(source: Path, database: dict) -> None:
    import psycopg

    env = _pg_environment(database)
    try:
        with psycopg.connect(dbname=database["NAME"], host=database.get("HOST") or None,
                             port=database.get("PORT") or None,
                             user=database.get("USER") or None,
                             password=database.get("PASSWORD") or None,
                             connect_timeout=10) as connection:
            tables = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema')").fetchone()[0]
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0]
        raise BackupError(f"cannot use the database {database['NAME']}: {reason}") from None
    if tables:
        raise BackupError(f"the database {database['NAME']} is not empty ({tables} tables); "
                          "restore into a new, empty database (createdb) named by "
                          "DATABASE_URL")
    _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", f"--dbname={database['NAME']}", str(source)], env,
         "pg_restore")
