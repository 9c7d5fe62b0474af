"""Demo check-ins for the demo organisation (web/demo.py adds them after accounts/demo.py fills
an empty directory, then has the insights figures rebuilt): Farah has a closed check-in from
last quarter and an open one under way; Dana has submitted her self-assessment and waits for
Bruno's review. Everyone else has a history of quarterly check-ins closed with their manager
since they reached their level, so the team pages and the insights have figures to show. Each
demo sign-in then has something to look at."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from craftpath.web.accounts.models import User

from . import loop
from . import scope as scopes
from .models import Entry

HISTORY_QUARTERS = 6


def _rate(checkin, side: str, pattern: tuple[str, ...], count: int | None = None) -> None:
    for i, entry in enumerate(checkin.entries.all()[:count]):
        loop.save_voice(checkin, side, entry.statement_id, value=pattern[i % len(pattern)],
                        reason="", comment="", revision=entry.voice(side)["revision"])


def add_checkins(domain: str) -> None:
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=domain)}
    farah, chen, dana = people.get("farah"), people.get("chen"), people.get("dana")
    if not (farah and chen and dana):
        return
    with transaction.atomic():
        add_history([p for p in people.values() if p != farah and p.family_slug])
        earlier = loop.start(farah, include_next=True)
        _rate(earlier, "self", ("Meets", "Working towards", "Meets"))
        loop.submit(earlier, "self", farah)
        _rate(earlier, "manager", ("Meets", "Meets", "Working towards"))
        loop.submit(earlier, "manager", chen)
        _rate(earlier, "agreed", ("Meets", "Working towards", "Working towards"))
        loop.save_summary(earlier, "A good first quarter; next, model monitoring.", 0)
        loop.close(earlier, chen)
        quarter_ago = timezone.now() - timezone.timedelta(days=91)
        # Back-dated in the order things happen: started, both submitted, then closed.
        type(earlier).objects.filter(pk=earlier.pk).update(
            started_at=quarter_ago - timezone.timedelta(days=21),
            self_submitted_at=quarter_ago - timezone.timedelta(days=10),
            manager_submitted_at=quarter_ago - timezone.timedelta(days=5),
            closed_at=quarter_ago)
        _rate(loop.start(farah, include_next=True), "self", ("Meets", "Exceeds"), count=5)
        current = loop.start(dana, include_next=True)
        _rate(current, "self", ("Meets", "Working towards", "Exceeds"))
        loop.submit(current, "self", dana)


def add_history(people: list, seed: int = 2026) -> None:
    """Closed quarterly check-ins for `people`, one per quarter since they reached their level
    (at most HISTORY_QUARTERS), reviewed and agreed with their manager. Ratings drift upward
    over time; some managers rate a little more strictly than their people do."""
    rng = random.Random(seed)
    today = timezone.localdate()
    strictness = {}
    for person in sorted(people, key=lambda p: p.email):
        manager = person.manager
        if manager is None:
            continue
        strict = strictness.setdefault(manager.pk, rng.choice((0.0, 0.1, 0.25)))
        since = person.level_since or today
        for back in range(HISTORY_QUARTERS, 0, -1):
            closed_on = today - timedelta(days=91 * back - rng.randint(0, 20))
            if closed_on < since + timedelta(days=60):
                continue
            growth = 0.25 + 0.6 * (HISTORY_QUARTERS - back) / HISTORY_QUARTERS
            _closed_checkin(person, manager, closed_on, growth, strict, rng)


def _closed_checkin(person, manager, closed_on: date, growth: float, strict: float,
                    rng: random.Random) -> None:
    checkin = loop.start(person, include_next=True)
    scale = list(scopes.of_checkin(checkin).framework.scale)
    # One UPDATE per distinct (self, manager, agreed) triple: a handful per check-in, where
    # bulk_update's CASE over every entry made most of the demo's build time.
    by_values: dict[tuple[str, str, str], list[int]] = {}
    for entry in checkin.entries.all():
        at_level = entry.statement_id.split(".")[1:2] == [checkin.level_slug]
        chance = growth if at_level else growth / 2
        own = min(len(scale) - 1, sum(rng.random() < chance for _ in range(len(scale) - 1)))
        reviewed = max(0, own - (rng.random() < strict))
        agreed = rng.choice((own, reviewed, reviewed))
        by_values.setdefault((scale[own], scale[reviewed], scale[agreed]), []).append(entry.pk)
    for (own_value, reviewed_value, agreed_value), pks in by_values.items():
        Entry.objects.filter(pk__in=pks).update(self_value=own_value,
                                                manager_value=reviewed_value,
                                                agreed_value=agreed_value)
    closed_at = timezone.make_aware(datetime.combine(closed_on, time(15, 0)))
    type(checkin).objects.filter(pk=checkin.pk).update(
        reviewer=manager, summary="A quarter's conversation (demo data).",
        self_submitted_at=closed_at - timedelta(days=10),
        manager_submitted_at=closed_at - timedelta(days=5))
    checkin.refresh_from_db()
    loop.close(checkin, manager)
    type(checkin).objects.filter(pk=checkin.pk).update(
        started_at=closed_at - timedelta(days=21), closed_at=closed_at)
