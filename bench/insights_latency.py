"""Latency of the insights pages on a large organisation, on SQLite and on PostgreSQL.

    python bench/insights_latency.py [--people 10000] [--years 5] [--requests 100]
                                     [--seconds 15] [--databases sqlite,postgres]
                                     [--keep FOLDER [--postgres-url URL]]

For each database: generate the organisation bench/checkins_latency.py builds (--people people,
line managers with about 50 reports each, --years × 4 quarterly closed check-ins per person and
one open one), give people a date they reached their level and, for two in three, an optional
attribute; then build the insights figures with the backfill (timed), close one check-in
through the real loop (timed: the close, and the figures' update inside it), and time, one
request at a time on `craftpath serve` (waitress) on 127.0.0.1, every insights page as the
people team (everyone), a few as the head of the organisation (everyone below them) and as a
line manager with 50 reports, and that manager's team page (/checkins/team/).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkins_latency import Client, free_port, generate, percentile, remove_demo, timed
from serving import HOST, start_server

ROOT = Path(__file__).resolve().parents[1]
ATTRIBUTE_VALUES = ("woman", "man", "non-binary", "prefer to self-describe")


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def prepare_insights(facts: dict, seed: int = 7) -> dict:
    from datetime import date, timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    from craftpath.web.accounts.models import Role, User
    from craftpath.web.checkins import loop
    from craftpath.web.checkins.models import CheckIn
    from craftpath.web.insights import aggregates
    from craftpath.web.insights.models import PersonAttribute

    rng = random.Random(seed)
    people = list(User.objects.only("pk"))
    with transaction.atomic():
        for person in people:
            person.level_since = date.today() - timedelta(days=rng.randint(30, 2000))
        User.objects.bulk_update(people, ["level_since"], batch_size=2000)
        PersonAttribute.objects.bulk_create(
            # Recorded before the current period, so the fairness figures (as at its start)
            # use them.
            [PersonAttribute(person=p, kind="gender", value=rng.choice(ATTRIBUTE_VALUES),
                             consented_at=timezone.now() - timedelta(days=200))
             for p in people if rng.random() < 2 / 3], batch_size=5000)
    started = time.perf_counter()
    closed = aggregates.rebuild()
    backfill = time.perf_counter() - started
    with connection.cursor() as cursor:  # what autovacuum would do on PostgreSQL, in time
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    # One close through the loop (the manager agrees the outcome first).
    checkin = CheckIn.objects.get(pk=facts["agreeing_checkin"])
    reviewer = checkin.reviewer or checkin.person.manager
    loop.agree_matching(checkin)
    checkin.entries.filter(agreed_value="").update(agreed_value="Meets")
    started = time.perf_counter()
    loop.close(checkin, reviewer)
    close = time.perf_counter() - started
    updates = time_updates(checkin.pk)

    head = User.objects.get(email="head@bench.example")
    people_team = User.objects.create_user("people@bench.example", name="People Team")
    people_team.grant(Role.PEOPLE)
    return {"backfill_seconds": round(backfill, 1), "backfill_checkins": closed,
            "close_ms": round(close * 1000, 1), **updates,
            "people_session": session_for(people_team), "head_session": session_for(head)}


def time_updates(checkin_pk: int, times: int = 50) -> dict:
    """The figures' update alone, as it runs inside close, for an already closed check-in."""
    from django.db import transaction

    from craftpath.web.checkins.models import CheckIn
    from craftpath.web.insights import aggregates

    checkin = CheckIn.objects.get(pk=checkin_pk)
    updates = []
    for _ in range(times):
        started = time.perf_counter()
        with transaction.atomic():
            aggregates.record_closed(checkin)
        updates.append(time.perf_counter() - started)
    return {"update_p50_ms": round(statistics.median(updates) * 1000, 2),
            "update_p95_ms": round(percentile(updates, 0.95) * 1000, 2)}


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from craftpath.web import serve

    if args.time_update:
        print(json.dumps(time_updates(args.time_update)))
        return
    serve.migrate()
    serve.prepare()
    remove_demo()  # the demo organisation serve made in the empty directory
    facts = generate(args.people, args.years)
    facts.update(prepare_insights(facts))
    print(json.dumps(facts))


def measure(port: int, facts: dict, requests: int, seconds: float) -> list[tuple]:
    people = Client(port, facts["people_session"])
    head = Client(port, facts["head_session"])
    manager = Client(port, facts["manager_session"])

    def get(client, path):
        return lambda: client.request("GET", path)[0] == 200

    checks = [("people team", path, get(people, path)) for path in (
        "/insights/heatmap/", "/insights/heatmap/?sort=area:ml-ops&dir=desc",
        "/insights/heatmap/?level=level-4", "/insights/gaps/", "/insights/calibration/",
        "/insights/readiness/", "/insights/completion/", "/insights/trends/",
        "/insights/fairness/", "/insights/calibration.csv")]
    checks += [("head (all below)", path, get(head, path)) for path in (
        "/insights/heatmap/", "/insights/trends/", "/insights/completion/")]
    checks += [(f"manager ({facts['team_size']})", path, get(manager, path)) for path in (
        "/insights/heatmap/", "/insights/calibration/", "/insights/trends/",
        "/checkins/team/")]
    results = []
    for who, path, call in checks:
        timed(call, 3, 30)  # warm up
        latencies, errors = timed(call, requests, seconds)
        results.append((f"{who} {path}", latencies, errors))
    return results


def run_one(database: str, args) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CRAFTPATH_SECRET_KEY"] = secrets.token_urlsafe(40)
    env["PYTHONPATH"] = str(ROOT / "src")
    cluster = None
    with tempfile.TemporaryDirectory(prefix="craftpath-bench-") as folder:
        try:
            if database == "postgres" and args.postgres_url:
                env["DATABASE_URL"] = args.postgres_url  # a server kept between runs
            elif database == "postgres":
                sys.path.insert(0, str(ROOT / "tests"))
                from postgres import ThrowawayCluster

                cluster = ThrowawayCluster().start()
                subprocess.run([str(cluster.bin / "createdb"), "-h", HOST, "-p",
                                str(cluster.port), "-U", "craftpath", "craftpath"], check=True)
                env["DATABASE_URL"] = cluster.url
            else:
                kept = Path(args.keep) if args.keep else Path(folder)
                kept.mkdir(parents=True, exist_ok=True)
                env["DATABASE_URL"] = f"sqlite:///{kept}/bench.sqlite3"
            facts_file = None  # where a kept organisation's facts are
            if args.keep and (database == "sqlite" or args.postgres_url):
                facts_file = Path(args.keep) / ("facts.json" if database == "sqlite"
                                                else "facts-postgres.json")
                facts_file.parent.mkdir(parents=True, exist_ok=True)
            if facts_file is not None:
                secret = Path(args.keep) / "secret.txt"  # the kept sessions are signed with it
                if not secret.exists():
                    secret.write_text(env["CRAFTPATH_SECRET_KEY"])
                env["CRAFTPATH_SECRET_KEY"] = secret.read_text().strip()
            if facts_file is not None and facts_file.exists():
                # A kept organisation: bring it to this code's schema, measure it again.
                subprocess.run([sys.executable, "-m", "craftpath.cli", "manage", "migrate",
                                "-v", "0"], env=env, check=True)
                facts = json.loads(facts_file.read_text())
                timed_now = subprocess.run(  # the update on close, by this code
                    [sys.executable, __file__, "--worker", "--time-update",
                     str(facts["agreeing_checkin"])], env=env, capture_output=True, text=True,
                    check=True)  # (the check-in the generation closed)
                facts.update(json.loads(timed_now.stdout.strip().splitlines()[-1]))
                print(f"\n(a kept organisation from {args.keep}: its generation, backfill and "
                      "close times are from when it was built; the update times are new)")
            else:
                made = subprocess.run(
                    [sys.executable, __file__, "--worker", "--people", str(args.people),
                     "--years", str(args.years)], env=env, capture_output=True, text=True)
                if made.returncode != 0:
                    raise SystemExit(f"generating failed:\n{made.stderr[-3000:]}")
                facts = json.loads(made.stdout.strip().splitlines()[-1])
                if facts_file is not None:
                    facts_file.write_text(json.dumps(facts))
            print(f"\n{database}: {facts['people']} people, {facts['checkins']} check-ins, "
                  f"{facts['entries']} statement rows, generated in {facts['seconds']} s")
            print(f"  backfill of the insights figures: {facts['backfill_seconds']} s for "
                  f"{facts['backfill_checkins']} closed check-ins")
            print(f"  closing one check-in through the loop: {facts['close_ms']} ms; the "
                  f"figures' update inside it: p50 {facts['update_p50_ms']} ms, "
                  f"p95 {facts['update_p95_ms']} ms")
            port = free_port()
            server = start_server(port, [], env, wait_seconds=120)
            try:
                for name, latencies, errors in measure(port, facts, args.requests,
                                                       args.seconds):
                    if not latencies:
                        print(f"  {name:>62}: no successful request ({errors} errors)")
                        continue
                    print(f"  {name:>62}: p50 {statistics.median(latencies) * 1000:7.1f} ms  "
                          f"p95 {percentile(latencies, 0.95) * 1000:7.1f} ms  "
                          f"({len(latencies)} ok, {errors} errors)", flush=True)
            finally:
                server.terminate()
                server.wait(timeout=10)
        finally:
            if cluster is not None:
                cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=100, help="per page (at most)")
    parser.add_argument("--seconds", type=float, default=15, help="per page (at most)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--keep", default="", help="keep the organisation (SQLite: in this "
                        "folder; PostgreSQL: in --postgres-url, its facts in this folder), "
                        "and measure a kept one again instead of generating")
    parser.add_argument("--postgres-url", default="", help="with --keep: a PostgreSQL "
                        "database to keep the organisation in, instead of a throwaway server")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--time-update", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    print(f"craftpath serve (waitress) on {HOST}; {os.cpu_count()} cores shared with the "
          f"client; one request at a time, at most {args.requests} requests or "
          f"{args.seconds:.0f} s per page")
    for database in args.databases.split(","):
        run_one(database.strip(), args)


if __name__ == "__main__":
    main()
