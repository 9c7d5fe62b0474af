"""The audit log: who viewed or changed someone else's check-in, and when.

Only other people's actions are kept (a person reading their own check-in is not news), except
changes to what will be frozen on close (agreed outcomes, the summary), which are kept whoever
makes them. Only the page or action is named, never what it showed or what was typed.
"""

from __future__ import annotations

from .models import AuditEntry, CheckIn

VIEWED, CHANGED = "viewed", "changed"


def record(actor, checkin: CheckIn, action: str, what: str, own_too: bool = False) -> None:
    if actor.pk == checkin.person_id and not own_too:
        return
    AuditEntry.objects.create(actor=actor, person_id=checkin.person_id, checkin=checkin,
                              action=action, what=what[:100])


def entries_about(person, limit: int = 200):
    return AuditEntry.objects.filter(person=person).select_related("actor")[:limit]
