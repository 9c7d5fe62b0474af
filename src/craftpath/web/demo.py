"""The demo, whole: the people (accounts/demo.py) and, when this run created them, each app's
part in order — check-ins with their history (checkins/demo.py), the insights figures rebuilt
from them, and a running review cycle (cycles/demo.py). Put together here, above the apps, so
no app imports a higher one to add its part. `craftpath demo` and `craftpath serve` call it."""

from __future__ import annotations

from .accounts.demo import Demo, has_people
from .accounts.demo import create_demo as create_people
from .accounts.problems import DemoError
from .checkins.demo import add_checkins
from .cycles.demo import add_cycle
from .insights.signals import rebuilt_after

__all__ = ["Demo", "DemoError", "create_demo", "has_people"]


def create_demo(password: str | None = None) -> Demo:
    """accounts.demo.create_demo, with every app's part when the directory was empty."""
    return create_people(password, more=_add_each_apps_part)


def _add_each_apps_part(domain: str) -> None:
    with rebuilt_after():  # the closing dates are moved back after each close
        add_checkins(domain)
    add_cycle(domain)
