"""A throwaway PostgreSQL 15 cluster for the test run: initdb in a temporary folder, started on
a free loopback port, stopped and deleted at the end.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
`postgres` user (Debian's package creates it) and the folder is handed to that user. A missing
server is an error, never a skip: CI must test both databases.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN_DIRS = (Path("/usr/lib/postgresql/15/bin"),)
USER = "craftpath"  # the cluster's superuser; loopback connections are trusted


class PostgresUnavailable(Exception):
    pass


def _bin_dir() -> Path:
    configured = os.environ.get("CRAFTPATH_PG_BIN")
    for folder in ([Path(configured)] if configured else []) + list(BIN_DIRS):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise PostgresUnavailable(
        "PostgreSQL 15 server binaries not found in /usr/lib/postgresql/15/bin (install the "
        "Debian package postgresql-15, as scripts/install-system does, or set "
        "CRAFTPATH_PG_BIN); the suite must run on PostgreSQL too")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayCluster:
    def __init__(self):
        self.bin = _bin_dir()
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="craftpath-pg-"))
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0

    def _run(self, *command: str) -> None:
        if self.as_root:
            command = ("runuser", "-u", "postgres", "--", *command)
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> ThrowawayCluster:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        # Durability is pointless for a cluster deleted after the run; speed is not.
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                      "stop")
        except PostgresUnavailable:
            pass  # already stopped; the folder goes anyway
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/craftpath"
