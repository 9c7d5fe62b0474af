"""PDFs printed by headless Chromium from a page and its print stylesheet.

The page is written to a temporary folder with links to the package's static files, so
Chromium reads files and never calls back into the (possibly single-threaded) server.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from django.conf import settings

from .pages import Page
from .render import STATIC, Where, render

TIMEOUT_SECONDS = 90
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage", "--no-pdf-header-footer",
)

# One Chromium at a time: each takes hundreds of MB and a core, and the machine may have two.
_one_at_a_time = threading.Lock()


class PdfUnavailable(Exception):
    """Chromium is missing or failed; the message says what to do, for the person asking."""


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
    with _one_at_a_time, tempfile.TemporaryDirectory(prefix="craftpath-pdf-") as folder:
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
