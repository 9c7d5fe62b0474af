"""A real HTTP receiver on loopback for webhook tests, and a real SMTP server for the email
that tells an endpoint's owner it was disabled."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in turn; then 204

    def next_status(self) -> int:
        return self.statuses.pop(0) if self.statuses else 204


def start_receiver(tls=None) -> tuple[Receiver, ThreadingHTTPServer]:
    """A receiver on 127.0.0.1; `tls` (an ssl.SSLContext with a certificate) makes it HTTPS."""
    receiver: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received({k.lower(): v for k, v in self.headers.items()},
                                              body))
            status = receiver.next_status()
            self.send_response(status)
            answer = b"ok" if status < 300 else b"receiver is down"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https" if tls is not None else "http"
    receiver = Receiver(f"{scheme}://127.0.0.1:{server.server_address[1]}/hooks")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
