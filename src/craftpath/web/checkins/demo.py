"""Demo check-ins for the demo organisation (accounts/demo.py calls this after filling an
empty directory): Farah has a closed check-in from last quarter and an open one under way;
Dana has submitted her self-assessment and waits for Bruno's review. Each demo sign-in then
has something to look at."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from craftpath.web.accounts.models import User

from . import loop


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
