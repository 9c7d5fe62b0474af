"""Latency of the check-in pages on a large organisation, on SQLite and on PostgreSQL.

    python bench/checkins_latency.py [--people 10000] [--years 5] [--requests 300]
                                     [--seconds 20] [--databases sqlite,postgres]
                                     [--only team,progress]

For each database: generate an organisation of --people people (one head, line managers with
about 50 reports each) on the bundled (seed) framework, each with --years × 4 quarterly closed
check-ins (self, manager and agreed ratings on every statement of their level and the next)
and one open check-in; then start `craftpath serve` (waitress) on 127.0.0.1 and a free port
and time, one request at a time (so the figures are latency, not queueing): a constant view
(/healthz), a person's check-in overview, an area page of it, the autosave of one rating, the
side-by-side page, the person's progress page (all their closed check-ins) as themselves and
as their manager (the same page, the second recorded in the audit trail), a manager's team
page, and, as the head of the organisation (who sees everyone), the people directory's first
page, a search with a filter, and the org chart. Each page gets at most --requests requests
and --seconds seconds; --only keeps the pages whose names contain one of its words.

Before the pages, the audit trail's write is timed in-process (trail.record, as an audited
page view makes it): one entry, one entry per report of the team page, and one-entry writes
from one and from four threads at once (entries are chained under one lock, so writers queue).

Besides wall-clock p50/p95, each page's line gives the CPU time the server used per request
(the app process and, on PostgreSQL, the database's processes, read from /proc): the machine
is shared, and that figure does not grow when other work slows the wall clock.

Rows are written with bulk inserts (COPY on PostgreSQL); PostgreSQL is a throwaway cluster
started like the test suite's (tests/postgres.py) and deleted afterwards. Traffic goes to the
loopback address only. The client shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from serving import HOST, start_server

ROOT = Path(__file__).resolve().parents[1]
FAMILY = "ml-and-edge-ml-engineer-craft"
TEAM_SIZE = 50
ENTRY_COLUMNS = ("checkin_id", "statement_id", "position", "self_value", "self_reason",
                 "self_comment", "self_revision", "manager_value", "manager_reason",
                 "manager_comment", "manager_revision", "agreed_value", "agreed_reason",
                 "agreed_comment", "agreed_revision", "updated_at")
CHECKIN_COLUMNS = ("id", "person_id", "version_id", "family_slug", "level_slug",
                   "next_level_slug", "track_slugs", "started_at", "self_submitted_at",
                   "manager_submitted_at", "reviewer_id", "summary", "summary_revision",
                   "closed_at", "closed_by_id", "snapshot")


# --- generating (runs inside a worker process with Django set up) ----------------------------

def generate(people: int, years: int, seed: int = 5) -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction

    from craftpath.web.accounts.models import Role, RoleGrant, User
    from craftpath.web.checkins import scope as scopes
    from craftpath.web.frameworks.publishing import active_version, framework_of

    rng = random.Random(seed)
    if connection.vendor == "sqlite":  # the build is one transaction: keep it in memory
        with connection.cursor() as cursor:  # rather than spill and rewrite pages (4 GB)
            cursor.execute("PRAGMA cache_size = -4000000")
    version = active_version()
    framework = framework_of(version)
    scale = list(framework.scale)
    started = time.perf_counter()

    managers = max(1, (people - 1) // (TEAM_SIZE + 1))
    users = [User(email="head@bench.example", name="Head", family_slug=FAMILY,
                  level_slug="level-1", track_slugs=["all", "ml-engineer"], password="!")]
    for i in range(managers):
        users.append(User(email=f"m{i}@bench.example", name=f"Manager {i}", family_slug=FAMILY,
                          level_slug="level-3", track_slugs=["all", "ml-engineer"],
                          password="!"))
    for i in range(people - 1 - managers):
        users.append(User(email=f"e{i}@bench.example", name=f"Engineer {i}",
                          family_slug=FAMILY, level_slug=rng.choice(["level-5", "level-4"]),
                          track_slugs=["all", rng.choice(["ml-engineer", "edge-ml-engineer"])],
                          password="!"))
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=2000)
        users = list(User.objects.order_by("id"))
        head, line, leaves = users[0], users[1:managers + 1], users[managers + 1:]
        for manager in line:
            manager.manager_id = head.pk
        for i, person in enumerate(leaves):
            person.manager_id = line[i % managers].pk
        User.objects.bulk_update(line + leaves, ["manager_id"], batch_size=2000)
        RoleGrant.objects.bulk_create(
            [RoleGrant(person=u, name=Role.MANAGER) for u in [head, *line]]
            + [RoleGrant(person=u, name=Role.ENGINEER) for u in users], batch_size=5000)

    # The people to time: a line manager with exactly TEAM_SIZE reports (the last managers
    # have that many when the division is not even), one of their reports, and a second one
    # whose open check-in is at the agreeing stage.
    by_manager: dict[int, list] = {}
    for person in leaves:
        by_manager.setdefault(person.manager_id, []).append(person)
    manager = next((m for m in reversed(line) if len(by_manager.get(m.pk, [])) == TEAM_SIZE),
                   line[-1])
    target, agreeing = by_manager[manager.pk][0], by_manager[manager.pk][1]
    target.level_slug, target.track_slugs = "level-4", ["all", "ml-engineer", "edge-ml-engineer"]
    target.save(update_fields=["level_slug", "track_slugs"])

    scope_cache: dict[tuple, list] = {}

    def statements(person) -> tuple[str, list]:
        key = (person.level_slug, tuple(person.track_slugs))
        if key not in scope_cache:
            family = framework.find_family(FAMILY)
            following = family.next_level(family.find_level(person.level_slug))
            scope = scopes.build(framework, FAMILY, person.level_slug,
                                 following.slug if following else "", key[1])
            scope_cache[key] = (following.slug if following else "",
                                [i.statement.id for i in scope.items])
        return scope_cache[key]

    quarters = years * 4
    now = datetime.now(UTC)
    checkin_rows, entry_rows = [], []
    next_id = 1
    counts = {"checkins": 0, "entries": 0}

    def flush() -> None:
        write_rows(connection, "checkins_checkin", CHECKIN_COLUMNS, checkin_rows)
        write_rows(connection, "checkins_entry", ENTRY_COLUMNS, entry_rows)
        counts["checkins"] += len(checkin_rows)
        counts["entries"] += len(entry_rows)
        checkin_rows.clear()
        entry_rows.clear()

    with transaction.atomic():
        for person in users:
            following, ids = statements(person)
            tracks = json.dumps(list(person.track_slugs))
            for quarter in range(quarters + 1):  # the last one is open
                when = now - timedelta(days=91 * (quarters - quarter))
                if connection.vendor == "sqlite":
                    when = when.replace(tzinfo=None)  # Django keeps naive UTC in SQLite
                is_open = quarter == quarters
                done = not is_open or person.pk == agreeing.pk
                checkin_rows.append((
                    next_id, person.pk, version.pk, FAMILY, person.level_slug, following,
                    tracks, when, when if done else None, when if done else None,
                    person.manager_id if done else None, "" if is_open else "Agreed.", 0,
                    None if is_open else when, None if is_open else person.manager_id,
                    None if is_open else json.dumps({"version": version.label,
                                                     "statements": len(ids), "evidence": {}})))
                level = min(3, quarter * 4 // max(quarters, 1))  # growing over the years
                for position, sid in enumerate(ids):
                    mine = scale[min(3, max(0, level + rng.randint(-1, 1)))]
                    theirs = scale[min(3, max(0, level + rng.randint(-1, 1)))]
                    if is_open and not done:
                        theirs = ""
                        mine = mine if position % 2 else ""  # half rated so far
                    agreed = "" if is_open else rng.choice((mine, theirs))
                    entry_rows.append((next_id, sid, position, mine, "", "", 1 if mine else 0,
                                       theirs, "", "", 1 if theirs else 0, agreed, "", "",
                                       1 if agreed else 0, when))
                next_id += 1
            if len(entry_rows) > 200_000:
                flush()
        flush()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval(pg_get_serial_sequence('checkins_checkin', 'id'), "
                           "(SELECT MAX(id) FROM checkins_checkin))")
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    generated = time.perf_counter() - started

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        return store.session_key

    from craftpath.web.checkins.models import CheckIn

    target_open = CheckIn.objects.get(person=target, closed_at=None)
    agreeing_open = CheckIn.objects.get(person=agreeing, closed_at=None)
    first_area = scopes.of_checkin(target_open).areas[0]
    unrated = target_open.entries.filter(self_value="").order_by("position").first()
    return {
        "people": len(users), "managers": managers + 1, "checkins": counts["checkins"],
        "entries": counts["entries"], "seconds": round(generated, 1),
        "team_size": len(by_manager[manager.pk]), "target_statements": len(statements(target)[1]),
        "target": target.pk, "manager": manager.pk, "checkin": target_open.pk,
        "area": first_area.area.slug,
        "statement": unrated.statement_id, "agreeing_checkin": agreeing_open.pk,
        "engineer_session": session_for(target), "manager_session": session_for(manager),
        "head_session": session_for(head),  # sees everyone: the whole directory
    }


def write_rows(connection, table: str, columns: tuple, rows: list) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        raw = connection.connection  # psycopg 3: COPY is the fast way in
        with raw.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def worker(args) -> None:
    """Set up Django on DATABASE_URL, migrate, publish, generate; print the facts as JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from craftpath.web import serve

    serve.migrate()
    serve.prepare()  # publishes the bundled framework, and adds the demo organisation
    remove_demo()
    facts = generate(args.people, args.years)
    facts["audit"] = time_audit_writes(facts["manager"])
    print(json.dumps(facts))


def remove_demo() -> None:
    """Empty the directory `serve.prepare` filled with the demo organisation, so the
    generated people are the only ones. Deleting people never takes their data along
    (PROTECT), so their data and cycles go first, then the org chart."""
    from craftpath.web.accounts.models import Note, User
    from craftpath.web.checkins.models import CheckIn, Evidence, FocusStatement, Goal
    from craftpath.web.cycles.models import Cycle

    for model in (Cycle, CheckIn, Evidence, FocusStatement, Goal, Note):
        model.objects.all().delete()
    User.objects.update(manager=None)
    User.objects.all().delete()


def time_audit_writes(manager_pk: int, rounds: int = 200) -> dict:
    """trail.record as the manager's page views make it: (p50, p95) in ms of one entry and of
    one entry per report (the team page); and entries per second written by one thread and
    by four at once, each on its own connection."""
    import threading

    from django.db import connections

    from craftpath.web.accounts.models import User
    from craftpath.web.audit import trail

    manager = User.objects.get(pk=manager_pk)
    team = list(User.objects.filter(manager=manager))
    figures = {}
    for name, people in (("one", {"subject": team[0]}), ("team", {"subjects": team})):
        took, cpu = [], []
        for _ in range(rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            trail.record(manager, "viewed", target="bench", **people)
            took.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        figures[name] = (statistics.median(took) * 1000, percentile(took, 0.95) * 1000,
                         statistics.median(cpu) * 1000)

    def write(count: int) -> None:
        try:
            for _ in range(count):
                trail.record(manager, "viewed", team[0], target="bench")
        finally:
            connections.close_all()

    for writers in (1, 4):
        threads = [threading.Thread(target=write, args=(rounds // writers,))
                   for _ in range(writers)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        figures[f"per_second_{writers}"] = rounds // writers * writers / (
            time.perf_counter() - start)
    figures["team_size"] = len(team)
    figures["intact"] = trail.verify().intact
    return figures


# --- timing ------------------------------------------------------------------------------------

class Client:
    """One keep-alive connection with a session cookie, as one person's browser."""

    def __init__(self, port: int, session: str | None):
        self.port, self.cookies = port, {}
        if session:
            self.cookies["sessionid"] = session
        self.connection = http.client.HTTPConnection(HOST, port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict | None = None) -> tuple[int, str]:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                **(headers or {})}
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError:
            self.connection.close()
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            return 0, ""
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        return response.status, text


def timed(call, requests: int, seconds: float) -> tuple[list[float], int]:
    latencies, errors = [], 0
    stop_at = time.monotonic() + seconds
    for _ in range(requests):
        if time.monotonic() > stop_at:
            break
        start = time.perf_counter()
        ok = call()
        took = time.perf_counter() - start
        if ok:
            latencies.append(took)
        else:
            errors += 1
    return latencies, errors


def measure(port: int, facts: dict, requests: int, seconds: float,
            only: tuple[str, ...], server_pids) -> list[tuple]:
    from urllib.parse import urlencode

    engineer = Client(port, facts["engineer_session"])
    manager = Client(port, facts["manager_session"])
    head = Client(port, facts["head_session"])
    anonymous = Client(port, None)
    c = facts["checkin"]
    area_path = f"/checkins/{c}/areas/{facts['area']}/"
    status, page = engineer.request("GET", area_path)
    if status != 200:
        raise SystemExit(f"the area page answered {status}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    revision = [0]
    values = ["Meets", "Exceeds"]

    def autosave() -> bool:
        body = urlencode({"csrfmiddlewaretoken": token, "statement": facts["statement"],
                          "value": values[revision[0] % 2], "comment": "", "reason": "",
                          "revision": str(revision[0])})
        status, text = engineer.request(
            "POST", f"/checkins/{c}/ratings/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true",
             "Referer": f"http://{HOST}:{port}{area_path}"})
        found = re.search(r'name="revision" value="(\d+)"', text)
        if status != 200 or "Saved" not in text or not found:
            return False
        revision[0] = int(found.group(1))
        return True

    def get(client, path):
        return lambda: client.request("GET", path)[0] == 200

    checks = [
        ("constant view (/healthz)", get(anonymous, "/healthz")),
        (f"check-in overview ({facts['target_statements']} statements)",
         get(engineer, f"/checkins/{c}/")),
        ("check-in area page (rating forms)", get(engineer, area_path)),
        ("autosave of one rating (POST)", autosave),
        ("side-by-side page (manager)", get(manager, f"/checkins/{facts['agreeing_checkin']}/"
                                                     "compare/")),
        ("progress page, own (history, radar)",
         get(engineer, f"/checkins/people/{facts['target']}/")),
        ("progress page, by the manager (audited)",
         get(manager, f"/checkins/people/{facts['target']}/")),
        (f"manager's team page ({facts['team_size']} reports, audited)",
         get(manager, "/checkins/team/")),
        (f"people directory, first page (head: {facts['people']} people)", get(head, "/people/")),
        ("people directory, a search and a filter", get(head, "/people/?q=7&manager="
                                                           f"{facts['target']}")),
        (f"org chart (head: {facts['people']} people)", get(head, "/people/org/")),
    ]
    results = []
    for name, call in checks:
        if only and not any(word in name for word in only):
            continue
        timed(call, 5, 30)  # warm up: parse the version, fill caches
        cpu_before = cpu_seconds(server_pids())
        latencies, errors = timed(call, requests, seconds)
        cpu = (cpu_seconds(server_pids()) - cpu_before) / max(1, len(latencies) + errors)
        results.append((name, latencies, errors, cpu))
    return results


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user and system) used so far by these processes, and by their children that
    have ended: a cost per request that does not depend on how busy the machine is."""
    total = 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue  # ended meanwhile: its time is in its parent's children's time
        fields = stat.rsplit(")", 1)[1].split()  # the name may hold spaces
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def postgres_pids(data: Path) -> list[int]:
    """The cluster's postmaster and its children (the backends serving the app)."""
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return [postmaster, *children]


def run_one(database: str, args) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CRAFTPATH_SECRET_KEY"] = secrets.token_urlsafe(40)  # shared by worker and server
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
            made = subprocess.run(
                [sys.executable, __file__, "--worker", "--people", str(args.people),
                 "--years", str(args.years)], env=env, capture_output=True, text=True)
            if made.returncode != 0:
                raise SystemExit(f"generating failed:\n{made.stderr[-3000:]}")
            facts = json.loads(made.stdout.strip().splitlines()[-1])
            print(f"\n{database}: {facts['people']} people ({facts['managers']} managers), "
                  f"{facts['checkins']} check-ins, {facts['entries']} statement rows "
                  f"(each with self, manager and agreed ratings), generated in "
                  f"{facts['seconds']} s")
            audit = facts["audit"]
            print(f"  audit write in-process (trail.record): one entry p50 "
                  f"{audit['one'][0]:.1f} ms p95 {audit['one'][1]:.1f} ms (CPU "
                  f"{audit['one'][2]:.1f} ms); {audit['team_size']} entries (a team page) p50 "
                  f"{audit['team'][0]:.1f} ms p95 {audit['team'][1]:.1f} ms (CPU "
                  f"{audit['team'][2]:.1f} ms); one-entry writes per second: "
                  f"{audit['per_second_1']:.0f} from one thread, {audit['per_second_4']:.0f} "
                  f"from four at once; chain {'intact' if audit['intact'] else 'BROKEN'}")
            port = free_port()
            server = start_server(port, [], env, wait_seconds=120)
            only = tuple(w.strip() for w in args.only.split(",") if w.strip())
            try:
                def server_pids() -> list[int]:  # the app and, on PostgreSQL, the database
                    return [server.pid, *(postgres_pids(cluster.data) if cluster else [])]

                for name, latencies, errors, cpu in measure(port, facts, args.requests,
                                                            args.seconds, only, server_pids):
                    if not latencies:
                        print(f"  {name:>42}: no successful request ({errors} errors)")
                        continue
                    print(f"  {name:>42}: p50 {statistics.median(latencies) * 1000:7.1f} ms  "
                          f"p95 {percentile(latencies, 0.95) * 1000:7.1f} ms  "
                          f"CPU {cpu * 1000:5.1f} ms/request  ({len(latencies)} ok, "
                          f"{errors} errors; load {os.getloadavg()[0]:.1f})")
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:  # a busy machine: do not wait for ever
                    server.kill()
                    server.wait()
        finally:
            if cluster is not None:
                cluster.stop()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=5, help="of quarterly closed check-ins")
    parser.add_argument("--requests", type=int, default=300, help="per page (at most)")
    parser.add_argument("--seconds", type=float, default=20, help="per page (at most)")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--only", default="", help="comma-separated words: time only the "
                        "pages whose names contain one")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    print(f"craftpath serve (waitress, 8 threads) on {HOST}; {os.cpu_count()} cores shared "
          f"with the client; one request at a time, at most {args.requests} requests or "
          f"{args.seconds:.0f} s per page")
    for database in args.databases.split(","):
        run_one(database.strip(), args)


if __name__ == "__main__":
    main()
