"""Insights figures follow what happens elsewhere, in the same transaction: a closed check-in
is folded into them (checkins' `checkin_closed`), and a manager's organisation tallies (keyed
by their id, not tied to them by a foreign key, since 0 stands for everyone) are removed with
them instead of lingering until the next backfill."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.db.models.signals import post_delete

from craftpath.web.accounts.models import User
from craftpath.web.checkins.loop import checkin_closed

from .aggregates import rebuild, record_closed
from .models import QuarterTally


def _forget_organisation(sender, instance, **kwargs) -> None:
    QuarterTally.objects.filter(organisation_id=instance.pk).delete()


_folding = threading.local()


@contextmanager
def rebuilt_after():
    """Inside, this thread's closed check-ins are not folded in one by one; every figure is
    rebuilt once on the way out. For bulk work that would otherwise fold each close and then
    rebuild anyway: the demo's history (whose closing dates are moved back after each close)
    spent a third of its time folding figures it then threw away."""
    _folding.paused = True
    try:
        yield
    finally:
        _folding.paused = False
    rebuild()


def _fold_in_closed(sender, checkin, **kwargs) -> None:
    if not getattr(_folding, "paused", False):
        record_closed(checkin)


def connect() -> None:
    post_delete.connect(_forget_organisation, sender=User, dispatch_uid="insights-tallies")
    checkin_closed.connect(_fold_in_closed, dispatch_uid="insights-closed-checkin")
