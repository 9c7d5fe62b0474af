"""Helpers for the check-in tests: start a check-in, fill a side, post as htmx does."""

from __future__ import annotations

HTMX = {"HTTP_HX_REQUEST": "true"}


def start_for(person, include_next=True):
    from craftpath.web.checkins import loop

    return loop.start(person, include_next=include_next)


def fill(checkin, side, value="Meets", values=None):
    """Rate every statement of `side` (values: statement id → value overrides)."""
    from craftpath.web.checkins import loop

    for entry in checkin.entries.all():
        chosen = (values or {}).get(entry.statement_id, value)
        loop.save_voice(checkin, side, entry.statement_id, value=chosen,
                        reason="not my team's work" if chosen == "Not applicable" else "",
                        comment="", revision=entry.voice(side)["revision"])


def submitted(checkin, person, manager, self_value="Meets", manager_value="Meets",
              self_values=None, manager_values=None):
    """Both sides filled and submitted: the check-in is at the agreeing stage."""
    from craftpath.web.checkins import loop

    fill(checkin, "self", self_value, self_values)
    loop.submit(checkin, "self", person)
    fill(checkin, "manager", manager_value, manager_values)
    return loop.submit(checkin, "manager", manager)


def closed(checkin, person, manager, value="Meets"):
    from craftpath.web.checkins import loop

    checkin = submitted(checkin, person, manager, value, value)
    loop.agree_matching(checkin)
    return loop.close(checkin, manager)


def first_ids(checkin, count=2):
    return list(checkin.entries.values_list("statement_id", flat=True)[:count])


def open_and_closed(person):
    """A closed check-in (every outcome agreed as Meets) and an open one after it, made
    directly in the database: for tests that need many people's check-ins quickly."""
    from django.utils import timezone

    from craftpath.web.checkins import loop
    from craftpath.web.checkins import scope as scopes

    earlier = start_for(person)
    earlier.entries.update(self_value="Meets", manager_value="Meets", agreed_value="Meets")
    now = timezone.now()
    earlier.self_submitted_at = earlier.manager_submitted_at = earlier.closed_at = now
    earlier.snapshot = loop.snapshot_of(earlier, scopes.of_checkin(earlier))
    earlier.save()
    return start_for(person), earlier


def seen_on_page(client, checkin) -> str:
    """The agreed-record fingerprint the side-by-side page gives its Close button."""
    import re

    page = client.get(f"/checkins/{checkin.pk}/compare/").content.decode()
    return re.search(r'name="seen" value="([0-9a-f]*)" id="close-seen"', page).group(1)


def close_from_page(client, checkin, **kwargs):
    """Press Close as a reviewer does: on the side-by-side page as it reads now."""
    return client.post(f"/checkins/{checkin.pk}/close/", {"seen": seen_on_page(client, checkin)},
                       **kwargs)
