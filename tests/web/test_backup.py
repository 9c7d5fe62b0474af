"""Backups: `craftpath backup` copies the whole database to one file and `craftpath restore`
puts it into an empty data folder or database, where every table holds the same rows; a
non-empty target, the wrong kind of backup and a file that is no backup are refused."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.utils import load_backend

from craftpath.web import backup
from craftpath.web.audit import trail

from .checkin_helpers import closed, start_for


def _fill(small_org) -> None:
    """People, notes, an open and a closed check-in, audit entries: something in most tables."""
    from craftpath.web.accounts.models import Note

    Note.objects.create(author=small_org.eva, about=small_org.eva, text="ünïcode ✓")
    closed(start_for(small_org.eva), small_org.eva, small_org.leo)
    start_for(small_org.eva)
    trail.record(small_org.pia, "viewed", small_org.eva, target="profile")


def _contents(db) -> dict[str, list]:
    """Every table's rows, in a stable order, as the Django connection `db` reads them (so
    both sides convert values alike)."""
    with db.cursor() as cursor:
        tables = sorted(db.introspection.table_names(cursor))
        found = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)}")
            found[table] = sorted(cursor.fetchall(), key=repr)
    return found


@pytest.fixture
def restored_alias(transactional_db, tmp_path):
    """The settings of a second, empty database of the same kind as the one under test (an
    SQLite file, or a new database on the same PostgreSQL server)."""
    settings = dict(connections["default"].settings_dict)
    if connection.vendor == "postgresql":
        name = f"restored_{secrets.token_hex(4)}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        settings["NAME"] = name
    else:
        settings["NAME"] = str(tmp_path / "restored" / "craftpath.sqlite3")
    yield settings
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE {settings['NAME']}")


def test_a_restored_backup_holds_exactly_the_same_data(small_org, restored_alias, tmp_path):
    _fill(small_org)
    made = backup.backup(tmp_path / "craftpath.backup")
    assert made.kind == ("postgresql" if connection.vendor == "postgresql" else "sqlite")
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    backup.restore(made.path, restored_alias)
    restored = load_backend(restored_alias["ENGINE"]).DatabaseWrapper(restored_alias, "restored")
    try:
        before, after = _contents(connection), _contents(restored)
    finally:
        restored.close()
    assert sorted(before) == sorted(after)
    assert before == after
    assert len(before["audit_event"]) > 10 and len(before["checkins_entry"]) > 10


def test_restore_refuses_a_database_that_is_not_empty(small_org, restored_alias, tmp_path):
    made = backup.backup(tmp_path / "craftpath.backup")
    backup.restore(made.path, restored_alias)
    with pytest.raises(backup.BackupError, match="not empty|already holds a database"):
        backup.restore(made.path, restored_alias)


def test_restore_refuses_the_other_kind_of_backup(db, tmp_path):
    other = tmp_path / "other.backup"
    other.write_bytes(b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00")
    with pytest.raises(backup.BackupError, match=r"other\.backup: a (PostgreSQL|SQLite) "
                                                 r"backup, but this craftpath uses"):
        backup.restore(other)


# --- the commands, end to end on SQLite data folders -------------------------------------------

def _craftpath(*arguments: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CRAFTPATH_DATA_DIR")}
    return subprocess.run([sys.executable, "-m", "craftpath.cli", *arguments], env=env,
                          capture_output=True, text=True, timeout=300)


def _tables(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        names = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
                for name in names}


@pytest.mark.subprocess
def test_backup_then_restore_from_the_command_line(demo_data_dir, tmp_path):
    original, copy, file = demo_data_dir[0], tmp_path / "copy", tmp_path / "cp.backup"
    made = _craftpath("backup", "-o", str(file), "--data-dir", str(original))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backed up the sqlite database to {file}")
    assert "audit trail head: entry " in made.stdout
    restored = _craftpath("restore", str(file), "--data-dir", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "audit trail intact" in restored.stdout
    assert _tables(original / "craftpath.sqlite3") == _tables(copy / "craftpath.sqlite3")
    assert stat.S_IMODE((copy / "craftpath.sqlite3").stat().st_mode) == 0o600


@pytest.mark.subprocess
def test_the_commands_refuse_with_one_clear_line(demo_data_dir, tmp_path):
    data, file = demo_data_dir[0], tmp_path / "cp.backup"
    assert _craftpath("backup", "-o", str(file), "--data-dir", str(data)).returncode == 0
    cases = [
        (("backup", "-o", str(file), "--data-dir", str(data)),
         f"{file}: already exists; give a new file name"),
        (("restore", str(file), "--data-dir", str(data)),
         "the data folder already holds a database"),
        (("restore", str(tmp_path / "missing.backup"), "--data-dir", str(tmp_path / "new")),
         "missing.backup: no such file"),
        (("restore", __file__, "--data-dir", str(tmp_path / "new")),
         "not a craftpath backup"),
        (("backup", "-o", str(tmp_path / "x.backup"), "--data-dir", str(tmp_path / "empty")),
         "no database here to back up"),
    ]
    for arguments, message in cases:
        done = _craftpath(*arguments)
        assert done.returncode == 2, (arguments, done.stderr)
        assert done.stderr.startswith("craftpath: error: ") and message in done.stderr, \
            done.stderr
        assert "Traceback" not in done.stderr


def _url(settings: dict) -> str:
    return (f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}")


@pytest.mark.subprocess
def test_the_commands_on_the_database_under_test(small_org, restored_alias, tmp_path):
    """On PostgreSQL: `craftpath backup` with DATABASE_URL naming the test database, then
    `craftpath restore` into a new, empty one (pg_dump and pg_restore). On SQLite, whose test
    database lives in memory: a backup of it restored by the command into a data folder."""
    _fill(small_org)
    file = tmp_path / "cp.backup"
    env = {k: v for k, v in os.environ.items() if k != "CRAFTPATH_DATA_DIR"}
    cli = [sys.executable, "-m", "craftpath.cli"]
    if connection.vendor == "postgresql":
        made = subprocess.run([*cli, "backup", "-o", str(file)], capture_output=True,
                              text=True, env={**env, "DATABASE_URL": _url(
                                  connection.settings_dict)})
        assert made.returncode == 0, made.stderr
        restore_env = {**env, "DATABASE_URL": _url(restored_alias)}
        restore_args = []
    else:
        backup.backup(file)
        env.pop("DATABASE_URL", None)
        restore_env = env
        restore_args = ["--data-dir", str(Path(restored_alias["NAME"]).parent)]
    restored = subprocess.run([*cli, "restore", str(file), *restore_args], capture_output=True,
                              text=True, env=restore_env)
    assert restored.returncode == 0, restored.stderr
    assert "audit trail intact" in restored.stdout
    copy = load_backend(restored_alias["ENGINE"]).DatabaseWrapper(restored_alias, "restored")
    try:
        assert _contents(connection) == _contents(copy)
    finally:
        copy.close()


WRITER = """
import sys
from craftpath.web.serve import setup_django
setup_django(sys.argv[1])
from craftpath.web.audit import trail
print("writing", flush=True)
while True:
    trail.record(None, "viewed", None, target="busy", detail="x" * 200)
"""


@pytest.mark.subprocess
def test_a_backup_taken_while_someone_writes_is_consistent(demo_data_dir, tmp_path):
    """SQLite's online backup: a process keeps appending to the audit trail during the
    backup; the copy restores, and its chain verifies (a consistent snapshot, not a mix)."""
    data, file, copy = demo_data_dir[0], tmp_path / "busy.backup", tmp_path / "copy"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data)], env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "writing\n"
        made = _craftpath("backup", "-o", str(file), "--data-dir", str(data))
        assert made.returncode == 0, made.stderr
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    restored = _craftpath("restore", str(file), "--data-dir", str(copy))
    assert restored.returncode == 0, restored.stderr
    with sqlite3.connect(copy / "craftpath.sqlite3") as db:
        busy = db.execute("SELECT count(*) FROM audit_event WHERE target = 'busy'").fetchone()[0]
    assert busy > 0  # the writer was writing while the copy was taken
    assert "audit trail intact" in restored.stdout
