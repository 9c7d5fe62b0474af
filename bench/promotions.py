"""A promotion round for a large organisation, on SQLite and on PostgreSQL: opening the round,
nominating, the calibration view's latency, a decision's latency and the effective-date job.

    python bench/promotions.py [--people 10000] [--cases 500] [--requests 100]
                               [--databases sqlite,postgres]

For each database, in a child process with Django set up: generate an organisation of
--people people (bench/cycle_launch.py's: one head, line managers of about 50, 20 teams) on
the bundled framework; open a round (timed); have each person's line manager nominate --cases
people for the next level up (each nomination timed: it assembles the case from the person's
history); add one committee for the family, chaired by someone outside the org chart, with
line managers as members; then time, in process through Django's test client (the page's
whole answer: the action, the recusals, the template):

- the calibration view (/promotions/committees/<id>/) for the chair (every case) and for a
  member who is a line manager (minus their recusals), --requests times each;
- a decision (actions.decide) for every case, each timed, with an effective date of today;
- the effective-date job (actions.apply_due_decisions) over those decisions, once: each
  nominated person has an open check-in (started untimed before the decisions), which the job
  carries to the new level's statements.

PostgreSQL is a throwaway cluster started like the test suite's (tests/postgres.py, fsync off)
and deleted afterwards.
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
import time
from datetime import date, timedelta
from pathlib import Path

from checkins_latency import percentile, remove_demo
from cycle_launch import FAMILY, organisation
from serving import HOST

ROOT = Path(__file__).resolve().parents[1]
NEXT = {"level-5": "level-4", "level-4": "level-3", "level-3": "level-1"}


def figures(values: list[float]) -> dict:
    return {"p50": round(statistics.median(values) * 1000, 1),
            "p95": round(percentile(values, 0.95) * 1000, 1), "n": len(values)}


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from craftpath.web import serve

    serve.migrate()
    serve.prepare()
    from django.db import connection
    from django.test import Client

    from craftpath.web.accounts.models import User
    from craftpath.web.actions import OPERATOR
    from craftpath.web.actions import promotions as actions
    from craftpath.web.promotions.models import Case

    remove_demo()
    who = organisation(args.people)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    pia = User.objects.get(pk=who["people_team"].pk)
    today = date.today()

    started = time.perf_counter()
    promotion_round = actions.open_round(
        pia, name="Bench round", nominate_due=today + timedelta(days=7),
        review_due=today + timedelta(days=14), decide_due=today + timedelta(days=21))
    opened = time.perf_counter() - started

    leaves = list(User.objects.filter(manager__manager_id=who["head"].pk)
                  .order_by("pk").values_list("pk", "manager_id", "level_slug")[:args.cases])
    managers = {pk: User.objects.get(pk=pk) for pk in {m for _, m, _ in leaves}}
    nominating = []
    for pk, manager_pk, level in leaves:
        started = time.perf_counter()
        actions.nominate(managers[manager_pk], promotion_round.pk, pk, NEXT[level],
                         "Ready for the next level: leads the team's model work.")
        nominating.append(time.perf_counter() - started)

    member = managers[leaves[0][1]]  # above some of the cases: recused from them
    others = [m.email for m in list(managers.values())[1:8]]
    committee = actions.set_committee(pia, promotion_round.pk, name="Engineering",
                                      family=FAMILY, levels=[], chair_email=pia.email,
                                      member_emails=[member.email, *others])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    pages = {}
    for name, person in (("chair (every case)", pia), ("member (minus recusals)", member)):
        # Not the test environment: its template instrumentation would slow every render.
        client = Client(HTTP_HOST="localhost")
        client.force_login(person)
        url = f"/promotions/committees/{committee.pk}/?sort=readiness"
        for _ in range(3):
            assert client.get(url).status_code == 200  # warm up
        latencies = []
        for _ in range(args.requests):
            started = time.perf_counter()
            answer = client.get(url)
            latencies.append(time.perf_counter() - started)
            assert answer.status_code == 200
        pages[name] = {**figures(latencies), "bytes": len(answer.content)}

    from django.db.models import F

    from craftpath.web.checkins import loop
    from craftpath.web.checkins.models import CheckIn

    for person in User.objects.filter(promotion_cases__round=promotion_round).exclude(
            pk__in=CheckIn.objects.filter(closed_at=None).values("person_id")):
        loop.start(person, include_next=True)

    chair = User.objects.get(pk=pia.pk)
    deciding = []
    for case in Case.objects.filter(round=promotion_round).order_by("pk").values("pk",
                                                                                   "revision"):
        started = time.perf_counter()
        actions.decide(chair, case["pk"], "promote", "Consistently at the next level.",
                       today, case["revision"])
        deciding.append(time.perf_counter() - started)

    started = time.perf_counter()
    applied = actions.apply_due_decisions(OPERATOR, today)
    job = time.perf_counter() - started
    carried = CheckIn.objects.filter(  # open, and at the level their case was for
        closed_at=None, person__promotion_cases__round=promotion_round,
        person__promotion_cases__target_level_slug=F("level_slug")).count()

    print(json.dumps({
        "people": User.objects.count(), "cases": len(nominating), "open_round": round(opened, 3),
        "nominate": figures(nominating), "calibration": pages, "decide": figures(deciding),
        "job": round(job, 2), "applied": applied, "carried": carried}))


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
                                   str(args.people), "--cases", str(args.cases),
                                   "--requests", str(args.requests)],
                                  env=env, capture_output=True, text=True)
            if made.returncode != 0:
                raise SystemExit(f"the run failed:\n{made.stderr[-3000:]}")
            facts = json.loads(made.stdout.strip().splitlines()[-1])
            print(f"\n{database}: {facts['people']} people, {facts['cases']} cases")
            print(f"  open the round: {facts['open_round'] * 1000:.1f} ms")
            n = facts["nominate"]
            print(f"  nominate (assembles the case): p50 {n['p50']} ms  p95 {n['p95']} ms")
            for name, page in facts["calibration"].items():
                print(f"  calibration view, {name}: p50 {page['p50']} ms  p95 {page['p95']} "
                      f"ms  ({page['n']} requests, {page['bytes']} bytes)")
            d = facts["decide"]
            print(f"  decide: p50 {d['p50']} ms  p95 {d['p95']} ms  ({d['n']} decisions)")
            print(f"  effective-date job: {facts['applied']} levels changed and "
                  f"{facts['carried']} open check-ins carried in {facts['job']:.2f} s")
        finally:
            if cluster is not None:
                cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--requests", type=int, default=100, help="per calibration page")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    print(f"{args.people} people; {os.cpu_count()} cores shared by the database and the app")
    for database in args.databases.split(","):
        run_one(database.strip(), args)


if __name__ == "__main__":
    main()
