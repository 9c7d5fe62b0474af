"""Building organisations with closed check-ins quickly, for the insights tests."""

from __future__ import annotations

from datetime import timedelta

FAMILY = "ml-and-edge-ml-engineer-craft"


def closed_checkin(person, reviewer, *, self_value="Meets", manager_value="Meets",
                   agreed_value=None, days_ago=0, values=None):
    """A check-in for `person` with every statement rated, closed `days_ago` days ago, folded
    into the insights figures as loop.close does. `values`: statement id → agreed value."""
    from django.utils import timezone

    from craftpath.web.checkins import loop
    from craftpath.web.checkins import scope as scopes
    from craftpath.web.insights.aggregates import record_closed

    checkin = loop.start(person, include_next=True)
    checkin.entries.update(self_value=self_value, manager_value=manager_value,
                           agreed_value=agreed_value or manager_value)
    for statement_id, value in (values or {}).items():
        checkin.entries.filter(statement_id=statement_id).update(agreed_value=value)
    when = timezone.now() - timedelta(days=days_ago)
    checkin.self_submitted_at = checkin.manager_submitted_at = checkin.closed_at = when
    checkin.started_at = when
    checkin.reviewer = checkin.closed_by = reviewer
    checkin.snapshot = loop.snapshot_of(checkin, scopes.of_checkin(checkin))
    checkin.save()
    record_closed(checkin)
    return checkin


def team_of(manager, count, prefix, level="level-4", role="engineer", tracks=("all",)):
    from craftpath.web.accounts.models import User

    made = []
    for i in range(count):
        person = User.objects.create_user(f"{prefix}{i}@example.com", name=f"{prefix.title()} {i}",
                                          manager=manager, family_slug=FAMILY, level_slug=level,
                                          track_slugs=list(tracks))
        person.grant(role)
        made.append(person)
    return made
