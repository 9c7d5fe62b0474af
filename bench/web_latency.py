"""Latency and throughput of the app's level and compare pages under local load.

    python bench/web_latency.py [--requests 2000] [--seconds 20] [--concurrency 8]
                                [--framework PATH]

Starts `craftpath serve` (waitress, SQLite in a temporary folder) on 127.0.0.1 and a free port,
then for each page sends at most --requests requests from --concurrency keep-alive clients for
at most --seconds, and prints p50/p95 latency and requests per second. `/healthz`, a constant
answer from the same server, is the baseline: the cost of the server and the client themselves.
`/metrics` (a scrape) is measured too. The access log is on, as by default; run with
CRAFTPATH_ACCESS_LOG=0 to see what it costs.
Traffic goes to the loopback address only, and every run is bounded in count and time.
The client runs on the same machine (2 cores here), so it takes CPU from the server: figures
are for comparing pages with one another and with the baseline, not absolute capacity.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import tempfile
import threading
import time

from serving import HOST, start_server

FAMILY = "ml-and-edge-ml-engineer-craft"
PAGES = {
    "constant (/healthz)": "/healthz",
    "level page": f"/{FAMILY}/level-3.html",
    "compare page": f"/{FAMILY}/compare/level-4/level-3.html",
    "metrics scrape": "/metrics",  # allowed from loopback below
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def load(port: int, path: str, requests: int, seconds: float, concurrency: int):
    """Latencies of up to `requests` GETs of `path`, stopping after `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.monotonic() < stop_at:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=10)
            took = time.perf_counter() - start
            with lock:
                if ok:
                    latencies.append(took)
                else:
                    errors += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per page (at most)")
    parser.add_argument("--seconds", type=float, default=20, help="per page (at most)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--framework", help="publish this framework (default: the bundled one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="craftpath-latency-") as data:
        port = free_port()
        extra = ["--data-dir", data] + (["--framework", args.framework] if args.framework else [])
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.setdefault("CRAFTPATH_METRICS_FROM", "127.0.0.1")
        server = start_server(port, extra, env, wait_seconds=60)
        try:
            print(f"craftpath serve (waitress, 8 threads) on {HOST}:{port}; {os.cpu_count()} "
                  f"cores shared with the client; {args.concurrency} keep-alive clients, at most "
                  f"{args.requests} requests or {args.seconds:.0f} s per page")
            for name, path in PAGES.items():
                load(port, path, 50, 10, 2)  # warm up: parse the version, fill caches
                latencies, errors, elapsed = load(port, path, args.requests, args.seconds,
                                                  args.concurrency)
                if not latencies:
                    print(f"{name:>20}: no successful request ({errors} errors)")
                    continue
                print(f"{name:>20}: p50 {statistics.median(latencies) * 1000:6.1f} ms  "
                      f"p95 {percentile(latencies, 0.95) * 1000:6.1f} ms  "
                      f"{len(latencies) / elapsed:7.1f} req/s  "
                      f"({len(latencies)} ok, {errors} errors, {elapsed:.1f} s)")
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
