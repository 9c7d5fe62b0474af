"""PDFs printed by headless Chromium from a page and its print stylesheet.

The page is written to a temporary folder with links to the package's static files, so
Chromium reads files and never calls back into the (possibly single-threaded) server.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings

from craftpath.present.pages import Page
from craftpath.present.render import STATIC, Where, render

TIMEOUT_SECONDS = 90
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage", "--no-pdf-header-footer",
)

MAX_WAITING = 2  # requests allowed to wait for the printer; more are told to come back
WAIT_SECONDS = 30
CACHE_BYTES = 64_000_000
RETRY_AFTER_SECONDS = 10


class PdfUnavailable(Exception):
    """Chromium is missing or failed; the message says what to do, for the person asking."""


class PdfBusy(PdfUnavailable):
    """The printer is busy and enough requests already wait for it: come back shortly."""

    retry_after = RETRY_AFTER_SECONDS


class Printer:
    """One Chromium at a time (each takes hundreds of MB and a core), and a bounded queue in
    front of it: a request thread that waited for the printer could not serve pages, so past
    MAX_WAITING waiters a request is refused at once (503 with Retry-After) and the app's other
    pages stay fast. PDFs are kept by the SHA-256 of their HTML, so a framework page (the
    same HTML until a new version is published) is printed once, however often it is asked."""

    def __init__(self, max_waiting: int = MAX_WAITING, cache_bytes: int = CACHE_BYTES):
        self._printing = threading.Lock()
        self._guard = threading.Lock()  # protects the two fields below
        self._waiting = 0
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self.max_waiting = max_waiting
        self.cache_bytes = cache_bytes

    def print(self, html: str, render_pdf) -> bytes:
        key = hashlib.sha256(html.encode()).hexdigest()
        if (cached := self._cached(key)) is not None:
            return cached
        with self._guard:
            if self._waiting >= self.max_waiting + 1:  # + the one printing
                raise PdfBusy("Many PDFs are being printed right now; try again in "
                              f"{RETRY_AFTER_SECONDS} seconds.")
            self._waiting += 1
        try:
            if not self._printing.acquire(timeout=WAIT_SECONDS):
                raise PdfBusy("The PDF printer is busy; try again in a minute.")
            try:
                if (cached := self._cached(key)) is not None:  # printed while we waited
                    return cached
                data = render_pdf(html)
                self._keep(key, data)
                return data
            finally:
                self._printing.release()
        finally:
            with self._guard:
                self._waiting -= 1

    def _cached(self, key: str) -> bytes | None:
        with self._guard:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        return None

    def _keep(self, key: str, data: bytes) -> None:
        with self._guard:
            self._cache[key] = data
            while sum(map(len, self._cache.values())) > self.cache_bytes and self._cache:
                self._cache.popitem(last=False)


_printer = Printer()  # one per process: it stands for the one Chromium the process may run


def chromium_path() -> str | None:
    configured = getattr(settings, "CHROMIUM", "/usr/bin/chromium")
    return configured if Path(configured).exists() else shutil.which("chromium")


def page_to_pdf(page: Page) -> bytes:
    return html_to_pdf(render(page, Where(root="", static=STATIC.as_uri() + "/", app=False)))


def html_to_pdf(html: str, missing_hint: str = "Your browser's Print command gives the same "
                                              "layout from any page.") -> bytes:
    """Print a whole HTML document (its styles given as file: URLs) with headless Chromium."""
    chromium = chromium_path()
    if chromium is None:
        raise PdfUnavailable("PDFs are printed by Chromium, which is not installed on this "
                             f"server (install the Debian package `chromium`). {missing_hint}")
    return _printer.print(html, lambda page: _chromium_print(chromium, page))


def _chromium_print(chromium: str, html: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="craftpath-pdf-") as folder:
        source, target = Path(folder) / "page.html", Path(folder) / "page.pdf"
        source.write_text(html, encoding="utf-8")
        command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={folder}/profile",
                   f"--print-to-pdf={target}", source.as_uri()]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfUnavailable(f"Chromium could not print this page ({error}).") from None
        if not target.exists() or target.stat().st_size == 0:
            raise PdfUnavailable("Chromium did not produce a PDF for this page.")
        return target.read_bytes()
