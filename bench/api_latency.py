"""Latency of the JSON API on a large organisation, and webhook deliveries per second.

    python bench/api_latency.py [--people 10000] [--years 1] [--requests 300]
                                [--seconds 20] [--deliveries 500] [--databases sqlite,postgres]

For each database: build the organisation of bench/checkins_latency.py (its data builder:
--people people, quarterly closed check-ins over --years, one open check-in each), make a
people-team token and the engineer's token, start `craftpath serve` (waitress) on 127.0.0.1
and time, one request at a time: the first and a deep page of the people list (50 a page,
keyset cursor), one check-in, and every rating of one check-in. Then register a webhook
endpoint on a loopback receiver, queue --deliveries person.created events and time the
background worker (`craftpath worker --once`) delivering them all, signed.

Traffic goes to the loopback address only; the client shares the machine's cores with the
server and the worker.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from checkins_latency import free_port, generate, percentile, remove_demo
from serving import HOST, start_server

ROOT = Path(__file__).resolve().parents[1]


# --- inside a worker process with Django set up ------------------------------------------------

def build(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from craftpath.web import serve

    serve.migrate()
    serve.prepare()
    from craftpath.web.accounts.models import Role, User
    from craftpath.web.api import tokens
    from craftpath.web.checkins.models import CheckIn

    remove_demo()  # the demo organisation serve made in the empty directory
    facts = generate(args.people, args.years)
    reader = User.objects.create_user("bench-people-team@example.com", name="Bench reader")
    reader.grant(Role.PEOPLE)
    engineer = User.objects.get(pk=facts["target"])
    ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
    print(json.dumps({
        "people": facts["people"], "checkins": facts["checkins"], "checkin": facts["checkin"],
        "statements": CheckIn.objects.get(pk=facts["checkin"]).entries.count(),
        "deep_after": ids[int(len(ids) * 0.9)],
        "reader_token": tokens.create(reader, "bench", "read").secret,
        "engineer_token": tokens.create(engineer, "bench", "read").secret}))


def queue_deliveries(args) -> None:
    """Register an endpoint at --receiver and queue --deliveries events for it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "craftpath.web.settings")
    import django

    django.setup()
    from django.db import transaction

    from craftpath.web.api.models import Event, WebhookEndpoint
    from craftpath.web.api.webhooks import emit, new_secret

    WebhookEndpoint.objects.create(url=args.receiver, events=[Event.PERSON_CREATED],
                                   secret=new_secret())
    with transaction.atomic():
        for number in range(args.deliveries):
            emit(Event.PERSON_CREATED, {"person_id": number, "email": f"p{number}@example.com",
                                        "name": "Bench"})


# --- timing --------------------------------------------------------------------------------------

def timed_get(port: int, token: str, path: str, requests: int, seconds: float) -> list[float]:
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"}
    latencies = []
    for _ in range(5):  # warm up
        connection.request("GET", path, headers=headers)
        connection.getresponse().read()
    stop_at = time.monotonic() + seconds
    for _ in range(requests):
        if time.monotonic() > stop_at:
            break
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"GET {path} answered {answer.status}")
        latencies.append(time.perf_counter() - start)
    return latencies


def load() -> str:
    """The machine's load (1, 5, 15 minutes): other work shares these cores."""
    return " ".join(f"{figure:.1f}" for figure in os.getloadavg())


def cursor_after(pk: int) -> str:
    import base64

    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def start_receiver() -> tuple[ThreadingHTTPServer, list]:
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(self.headers.get("webhook-id"))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((HOST, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, received


def run_one(database: str, args) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["CRAFTPATH_SECRET_KEY"] = secrets.token_urlsafe(40)
    env["CRAFTPATH_API_RATE"] = "1000000"  # the limit is not what is measured here
    env["CRAFTPATH_WEBHOOK_ALLOW_PRIVATE"] = "1"  # the receiver is on loopback
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
            made = subprocess.run([sys.executable, __file__, "--build", "--people",
                                   str(args.people), "--years", str(args.years)],
                                  env=env, capture_output=True, text=True)
            if made.returncode != 0:
                raise SystemExit(f"generating failed:\n{made.stderr[-3000:]}")
            facts = json.loads(made.stdout.strip().splitlines()[-1])
            print(f"\n{database}: {facts['people']} people, {facts['checkins']} check-ins; "
                  f"load average {load()}")
            port = free_port()
            server = start_server(port, [], env, wait_seconds=120)
            try:
                c = facts["checkin"]
                for name, token, path in [
                    ("people list, first page of 50", facts["reader_token"],
                     "/api/v1/people?limit=50"),
                    ("people list, a page 90% deep", facts["reader_token"],
                     f"/api/v1/people?limit=50&cursor={cursor_after(facts['deep_after'])}"),
                    ("one check-in", facts["engineer_token"], f"/api/v1/checkins/{c}"),
                    (f"a check-in's ratings ({facts['statements']} statements)",
                     facts["engineer_token"], f"/api/v1/checkins/{c}/ratings"),
                ]:
                    latencies = timed_get(port, token, path, args.requests, args.seconds)
                    print(f"  {name:>40}: p50 {statistics.median(latencies) * 1000:7.1f} ms  "
                          f"p95 {percentile(latencies, 0.95) * 1000:7.1f} ms  "
                          f"({len(latencies)} requests)")
            finally:
                server.terminate()
                server.wait(timeout=10)
            deliveries_per_second(env, args)
            print(f"  load average after: {load()}")
        finally:
            if cluster is not None:
                cluster.stop()


def deliveries_per_second(env: dict, args) -> None:
    receiver, received = start_receiver()
    try:
        url = f"http://{HOST}:{receiver.server_address[1]}/hooks"
        subprocess.run([sys.executable, __file__, "--queue", "--receiver", url,
                        "--deliveries", str(args.deliveries)], env=env, check=True)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "craftpath.cli", "worker", "--once"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        took = time.perf_counter() - start
        if len(set(received)) != args.deliveries:
            raise SystemExit(f"{len(set(received))} of {args.deliveries} deliveries arrived")
        print(f"  {'webhook deliveries (one worker)':>40}: {args.deliveries / took:7.1f} per s "
              f"({args.deliveries} signed POSTs in {took:.1f} s, worker start included)")
    finally:
        receiver.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=1, help="of quarterly closed check-ins")
    parser.add_argument("--requests", type=int, default=300, help="per call (at most)")
    parser.add_argument("--seconds", type=float, default=20, help="per call (at most)")
    parser.add_argument("--deliveries", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--queue", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--receiver", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args)
        return
    if args.queue:
        queue_deliveries(args)
        return
    print(f"craftpath serve (waitress) on {HOST}; {os.cpu_count()} cores shared with the "
          f"client; one request at a time, at most {args.requests} requests or "
          f"{args.seconds:.0f} s per call")
    for database in args.databases.split(","):
        run_one(database.strip(), args)


if __name__ == "__main__":
    main()
