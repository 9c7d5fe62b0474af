"""A review cycle for a large organisation, on SQLite and on PostgreSQL: launch time, the
home and cycle pages' latency, and emails per second through the queue.

    python bench/cycle_launch.py [--people 10000] [--requests 200] [--seconds 20]
                                 [--databases sqlite,postgres] [--workers 1]

For each database: generate an organisation of --people people (one head, line managers with
about 50 reports each, spread over 20 teams) on the bundled framework, create a cycle for
everyone and time `launch` (a check-in with its statements for each person, the cycle's rows,
an inbox notification each and their email tasks, in one transaction). Then move some
check-ins along (a third submitted, a tenth reviewed). Then:

- emails: start an SMTP server (aiosmtpd) on 127.0.0.1, run --workers `craftpath worker
  --once` processes against the queue the launch filled, and time until every launch email
  has arrived (emails per second, whole-process time including start-up);
- pages: put the self-assessment deadline in the past (so that the late list is full), start
  `craftpath serve --no-worker` on 127.0.0.1 and time, one request at a time,
  /home/ for an engineer in the cycle, for a line manager of 50 and for the people team, and
  the cycle page (/cycles/<id>/: counts per team and stage, the late list).

PostgreSQL is a throwaway cluster started like the test suite's (tests/postgres.py, fsync off)
and deleted afterwards. Traffic goes to the loopback address only.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from checkins_latency import Client, free_port, percentile, remove_demo, timed
from serving import HOST, start_server

ROOT = Path(__file__).resolve().parents[1]
FAMILY = "ml-and-edge-ml-engineer-craft"
TEAM_SIZE = 50
TEAMS = 20


# --- inside a worker process with Django set up -------------------------------------------------

def organisation(people: int) -> dict:
    from django.db import transaction

    from craftpath.web.accounts.models import Role, RoleGrant, Team, User

    managers = max(1, (people - 2) // (TEAM_SIZE + 1))
    rows = [User(email="head@bench.example", name="Head", family_slug=FAMILY,
                 level_slug="level-1", track_slugs=["all", "ml-engineer"], password="!"),
            User(email="people@bench.example", name="People Team", password="!")]
    rows += [User(email=f"m{i}@bench.example", name=f"Manager {i}", family_slug=FAMILY,
                  level_slug="level-3", track_slugs=["all", "ml-engineer"], password="!")
             for i in range(managers)]
    rows += [User(email=f"e{i}@bench.example", name=f"Engineer {i}", family_slug=FAMILY,
                  level_slug=("level-5", "level-4")[i % 2],
                  track_slugs=["all", ("ml-engineer", "edge-ml-engineer")[i % 3 == 0]],
                  password="!")
             for i in range(people - 2 - managers)]
    with transaction.atomic():
        User.objects.bulk_create(rows, batch_size=2000)
        users = list(User.objects.order_by("id"))
        head, people_team = users[0], users[1]
        line, leaves = users[2:managers + 2], users[managers + 2:]
        for manager in line:
            manager.manager_id = head.pk
        for i, person in enumerate(leaves):
            person.manager_id = line[i % managers].pk
        User.objects.bulk_update(line + leaves, ["manager_id"], batch_size=2000)
        RoleGrant.objects.bulk_create(
            [RoleGrant(person=u, name=Role.MANAGER) for u in [head, *line]]
            + [RoleGrant(person=u, name=Role.ENGINEER) for u in users if u != people_team]
            + [RoleGrant(person=people_team, name=Role.PEOPLE)], batch_size=5000)
        teams = Team.objects.bulk_create([Team(name=f"Team {i:02}") for i in range(TEAMS)])
        through = User.teams.through
        through.objects.bulk_create(
            [through(user_id=u.pk, team_id=teams[(u.manager_id or 0) % TEAMS].pk)
             for u in line + leaves], batch_size=5000)
    return {"head": head, "people_team": people_team, "manager": line[-1],
            "engineer": next(p for p in leaves if p.manager_id == line[-1].pk)}


def session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return store.session_key


def make_late(cycle_id: int) -> None:
    """Put the self-assessment deadline in the past (after the emails were timed, so that
    the worker's schedule added no reminders to them): the late list is then full."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from craftpath.web.cycles.models import Cycle

    Cycle.objects.filter(pk=cycle_id).update(self_due=date.today() - timedelta(days=1))


def worker(args) -> None:
    """Set up Django, migrate, publish, generate, launch (timed); print the facts as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from craftpath.web import serve

    serve.migrate()
    serve.prepare()
    from django.db import connection
    from django.utils import timezone

    from craftpath.web.accounts.models import User
    from craftpath.web.checkins.models import CheckIn, Entry
    from craftpath.web.cycles.launch import launch
    from craftpath.web.cycles.models import Cycle
    from craftpath.web.frameworks.publishing import active_version
    from craftpath.web.notifications.models import Notification

    remove_demo()  # the demo organisation serve made in the empty directory
    started = time.perf_counter()
    who = organisation(args.people)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = date.today()
    cycle = Cycle.objects.create(
        name="Bench cycle", version=active_version(), self_due=today + timedelta(days=7),
        review_due=today + timedelta(days=14), agree_due=today + timedelta(days=21),
        close_due=today + timedelta(days=28), created_by=who["people_team"])
    started = time.perf_counter()
    launch(cycle)
    launched = time.perf_counter() - started
    # Move some along, and make the self-assessment deadline passed: a realistic page.
    ids = list(CheckIn.objects.filter(cycle_participation__cycle=cycle)
               .order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    CheckIn.objects.filter(pk__in=ids[::3]).update(self_submitted_at=now)
    CheckIn.objects.filter(pk__in=ids[::10]).update(self_submitted_at=now,
                                                    manager_submitted_at=now)
    Entry.objects.filter(checkin_id__in=ids[1::3][:2000], position=0).update(self_revision=1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps({
        "people": User.objects.count(), "generated": round(generated, 1),
        "launch": round(launched, 2), "checkins": len(ids),
        "entries": Entry.objects.filter(checkin__cycle_participation__cycle=cycle).count(),
        "emails": Notification.objects.filter(email_state="pending").count(),
        "cycle": cycle.pk,
        "engineer_session": session_for(who["engineer"]),
        "manager_session": session_for(who["manager"]),
        "people_session": session_for(who["people_team"]),
    }))


# --- the parent: databases, SMTP, server, timing -----------------------------------------------

class Received:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


def time_emails(env: dict, expected: int, workers: int) -> tuple[float, int]:
    from aiosmtpd.controller import Controller

    received = Received()
    port = free_port()
    controller = Controller(received, hostname=HOST, port=port)
    controller.start()
    mail_env = {**env, "CRAFTPATH_EMAIL_HOST": HOST, "CRAFTPATH_EMAIL_PORT": str(port),
                "CRAFTPATH_EMAIL_TLS": "0"}
    try:
        started = time.perf_counter()
        processes = [subprocess.Popen([sys.executable, "-m", "craftpath.cli", "worker",
                                       "--once"], env=mail_env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE) for _ in range(workers)]
        for process in processes:
            _, err = process.communicate(timeout=1800)
            if process.returncode != 0:
                raise SystemExit(f"the worker failed:\n{err.decode()[-2000:]}")
        seconds = time.perf_counter() - started
    finally:
        controller.stop()
    return seconds, received.count


def measure(port: int, facts: dict, requests: int, seconds: float) -> list[tuple]:
    pages = [("home: an engineer in the cycle", facts["engineer_session"], "/home/"),
             ("home: a manager of 50", facts["manager_session"], "/home/"),
             ("home: the people team", facts["people_session"], "/home/"),
             ("the cycle page (people team)", facts["people_session"],
              f"/cycles/{facts['cycle']}/")]
    results = []
    for name, session, path in pages:
        client = Client(port, session)

        def call(client=client, path=path) -> bool:
            status, _ = client.request("GET", path)
            return status == 200

        timed(call, 5, 30)  # warm up
        latencies, errors = timed(call, requests, seconds)
        results.append((name, latencies, errors))
    return results


def run_one(database: str, args) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CRAFTPATH_SECRET_KEY"] = secrets.token_urlsafe(40)
    env["PYTHONPATH"] = str(ROOT / "src")
    cluster = None
    with tempfile.TemporaryDirectory(prefix="craftpath-bench-") as folder:
        try:
            if database == "postgres":
                sys.path.insert(0, str(ROOT / "tests"))
                from postgres import ThrowawayCluster

                cluster = ThrowawayCluster().start()
                subprocess.run([str(cluster.bin / "createdb"), "-h", HOST, "-p",
                                str(cluster.port), "-U", "craftpath", "craftpath"], check=True)
                env["DATABASE_URL"] = cluster.url
            else:
                env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
            made = subprocess.run([sys.executable, __file__, "--worker", "--people",
                                   str(args.people)], env=env, capture_output=True, text=True)
            if made.returncode != 0:
                raise SystemExit(f"generating failed:\n{made.stderr[-3000:]}")
            facts = json.loads(made.stdout.strip().splitlines()[-1])
            print(f"\n{database}: {facts['people']} people (generated in "
                  f"{facts['generated']} s)")
            print(f"  launch: {facts['checkins']} check-ins with {facts['entries']} statement "
                  f"rows and {facts['emails']} notifications in {facts['launch']:.2f} s")
            if args.launch_only:
                return
            seconds, arrived = time_emails(env, facts["emails"], args.workers)
            print(f"  emails: {arrived} of {facts['emails']} arrived at the loopback SMTP "
                  f"server in {seconds:.1f} s with {args.workers} worker(s): "
                  f"{arrived / seconds:.0f} emails/s")
            subprocess.run([sys.executable, __file__, "--make-late", str(facts["cycle"])],
                           env=env, check=True)
            port = free_port()
            server = start_server(port, ["--no-worker"], env, wait_seconds=120)
            try:
                for name, latencies, errors in measure(port, facts, args.requests,
                                                       args.seconds):
                    if not latencies:
                        print(f"  {name:>32}: no successful request ({errors} errors)")
                        continue
                    print(f"  {name:>32}: p50 {statistics.median(latencies) * 1000:7.1f} ms  "
                          f"p95 {percentile(latencies, 0.95) * 1000:7.1f} ms  "
                          f"({len(latencies)} ok, {errors} errors)")
            finally:
                server.terminate()
                server.wait(timeout=10)
        finally:
            if cluster is not None:
                cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200, help="per page (at most)")
    parser.add_argument("--seconds", type=float, default=20, help="per page (at most)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1, help="`craftpath worker` processes")
    parser.add_argument("--launch-only", action="store_true",
                        help="time the launch only (no emails, no pages)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--make-late", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    if args.make_late:
        make_late(args.make_late)
        return
    print(f"{args.people} people; {os.cpu_count()} cores shared by database, workers, server "
          "and client")
    for database in args.databases.split(","):
        run_one(database.strip(), args)


if __name__ == "__main__":
    main()
