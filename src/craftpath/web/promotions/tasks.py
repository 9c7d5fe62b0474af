"""The worker's share of promotions (a door onto the actions, run as the command line): the
rounds' deadline reminders and the decisions whose effective date has come."""

from __future__ import annotations

from django.utils import timezone

from craftpath.web.actions import OPERATOR
from craftpath.web.actions import promotions as actions


def scheduled_work(now) -> int:
    """Run on every tick of `craftpath worker`; returns how many people it told or changed."""
    today = timezone.localdate(now)
    return (actions.remind_due(OPERATOR, today)
            + actions.apply_due_decisions(OPERATOR, today))
