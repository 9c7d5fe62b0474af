"""Backup and restore times on a large organisation, on SQLite and on PostgreSQL.

    python bench/backup.py [--people 10000] [--years 5] [--repeat 3]
                           [--databases sqlite,postgres]

For each database: generate the organisation of bench/checkins_latency.py (its builder:
--people people, --years × 4 quarterly closed check-ins each and one open one), then run
`craftpath backup -o FILE` --repeat times and `craftpath restore FILE` as many times, each
into a new empty data folder (SQLite) or a new empty database (PostgreSQL, a throwaway
cluster started like the test suite's). Prints the database and backup sizes, the median and
the slowest of each command's wall-clock time (a whole process: Python and Django start-up
included), and for restore also the time the copy itself took (restore then migrates and
verifies the audit trail, which the wall-clock time includes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def craftpath(*arguments: str, env: dict) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "craftpath.cli", *arguments], env=env,
                          capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"craftpath {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")
    return took, done.stdout


def generate(env: dict, args) -> str:
    made = subprocess.run([sys.executable, str(ROOT / "bench" / "checkins_latency.py"),
                           "--worker", "--people", str(args.people), "--years", str(args.years)],
                          env=env, capture_output=True, text=True)
    if made.returncode != 0:
        raise SystemExit(f"generating failed:\n{made.stderr[-3000:]}")
    return made.stdout.strip().splitlines()[-1]


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1024 / 1024:.1f} MB"


def run_one(database: str, args) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CRAFTPATH_DATA_DIR")}
    env["CRAFTPATH_SECRET_KEY"] = secrets.token_urlsafe(40)
    env["PYTHONPATH"] = str(ROOT / "src")
    cluster = None
    with tempfile.TemporaryDirectory(prefix="craftpath-bench-backup-") as folder:
        folder = Path(folder)
        try:
            if database == "postgres":
                sys.path.insert(0, str(ROOT / "tests"))
                from postgres import ThrowawayCluster

                cluster = ThrowawayCluster().start()

                def createdb(name: str) -> str:
                    subprocess.run([str(cluster.bin / "createdb"), "-h", HOST, "-p",
                                    str(cluster.port), "-U", "craftpath", name], check=True)
                    return cluster.url.rsplit("/", 1)[0] + "/" + name

                env["DATABASE_URL"] = createdb("craftpath")
            else:
                env["CRAFTPATH_DATA_DIR"] = str(folder / "data")
            started = time.perf_counter()
            facts = json.loads(generate(env, args))
            print(f"\n{database}: {facts['people']} people, {facts['checkins']} check-ins, "
                  f"{facts['entries']} statement rows, generated in "
                  f"{time.perf_counter() - started:.0f} s")
            if database == "sqlite":
                print(f"  database file: {size(folder / 'data' / 'craftpath.sqlite3')}")
            backups, restores, copies = [], [], []
            for n in range(args.repeat):
                file = folder / f"run{n}.backup"
                took, _ = craftpath("backup", "-o", str(file), env=env)
                backups.append(took)
                target = dict(env)
                if database == "postgres":
                    target["DATABASE_URL"] = createdb(f"restored{n}")
                else:
                    target["CRAFTPATH_DATA_DIR"] = str(folder / f"restored{n}")
                took, out = craftpath("restore", str(file), env=target)
                restores.append(took)
                copies.append(float(re.search(r"in ([\d.]+) s", out).group(1)))
                if n:
                    file.unlink()
            print(f"  backup file: {size(folder / 'run0.backup')}")
            print(f"  craftpath backup:  median {statistics.median(backups):6.1f} s  "
                  f"slowest {max(backups):6.1f} s  ({args.repeat} runs)")
            print(f"  craftpath restore: median {statistics.median(restores):6.1f} s  "
                  f"slowest {max(restores):6.1f} s  (the copy itself: median "
                  f"{statistics.median(copies):.1f} s; the rest is migrate and verifying "
                  "the audit trail)")
        finally:
            if cluster is not None:
                cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5, help="of quarterly closed check-ins")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.people} people, {args.years} years of quarterly "
          "check-ins")
    for database in args.databases.split(","):
        run_one(database, args)


if __name__ == "__main__":
    main()
