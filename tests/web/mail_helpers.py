"""A real SMTP server on loopback (aiosmtpd) for the email tests, and Django pointed at it.

The server runs in its own thread for the test; what arrives is parsed into email messages.
It can be told to refuse recipients, to test retries. aiosmtpd missing fails the tests."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy

import pytest


class Inbox:
    """What the loopback server received; `refuse` makes it answer 550 to every recipient."""

    def __init__(self):
        self.messages = []
        self.refuse = False
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return "550 5.1.1 mailbox unavailable (refused by the test)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text_of(message) -> str:
        return message.get_body(("plain",)).get_content()

    @staticmethod
    def html_of(message) -> str:
        return message.get_body(("html",)).get_content()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A loopback SMTP server; Django's email goes to it for the test."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.BASE_URL = "https://craftpath.example"
    yield inbox
    controller.stop()


def run_queue() -> None:
    """What `craftpath worker` does for queued tasks: run every ready one, then return."""
    from craftpath.web.notifications.worker import drain

    drain()
