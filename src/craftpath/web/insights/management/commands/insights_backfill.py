"""`craftpath manage insights_backfill`: rebuild the insights figures from every closed
check-in (after an upgrade that adds insights, or to repair them)."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from craftpath.web.insights.aggregates import rebuild


class Command(BaseCommand):
    help = "Rebuild the insights figures from every closed check-in."

    def handle(self, *args, **options):
        started = time.perf_counter()
        show = self.stderr.isatty() if hasattr(self.stderr, "isatty") else sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show:
                self.stderr.write(f"\r{done}/{total} check-ins", ending="")

        count = rebuild(progress)
        if show:
            self.stderr.write("")
        self.stdout.write(f"insights rebuilt from {count} closed check-in(s) in "
                          f"{time.perf_counter() - started:.1f} s")
