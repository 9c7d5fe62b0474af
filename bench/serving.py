"""Starting `craftpath serve` on loopback for a benchmark, and waiting until it answers."""

from __future__ import annotations

import http.client
import subprocess
import sys
import tempfile
import time

HOST = "127.0.0.1"  # never anything but loopback


def start_server(port: int, extra: list[str], env: dict, wait_seconds: float) -> subprocess.Popen:
    """`craftpath serve` on HOST:port with `extra` arguments; returns once /healthz answers."""
    command = [sys.executable, "-m", "craftpath.cli", "serve", "--host", HOST, "--port",
               str(port), *extra]
    # Its log (a line per request) goes to a file: a pipe nobody reads would fill and stop it.
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the server stopped: {log.read().decode()}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not answer within {wait_seconds:.0f} s")
