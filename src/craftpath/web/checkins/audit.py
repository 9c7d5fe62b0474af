"""Who viewed or changed someone else's check-in, and when: kept in the audit trail
(web/audit/), shown to the person on their check-in. The actions (actions/checkins.py) write
these entries for every door; `record` here is left for the people team's bulk move
(frameworks/releasing.py) until that goes through an action too.

Only other people's views and changes are kept (a person reading their own check-in is not
news), except every export, the person's own included, and changes to what will be frozen on
close (agreed outcomes, the summary), which are kept whoever makes them. Only the page or
action is named, never what it showed or what was typed.
"""

from __future__ import annotations

from craftpath.web.audit import trail
from craftpath.web.audit.models import Action

from .models import CheckIn

VIEWED, CHANGED, EXPORTED = Action.VIEWED, Action.CHANGED, Action.EXPORTED
TARGET = "check-in"  # the start of every check-in entry's target, e.g. "check-in 12"


def record(actor, checkin: CheckIn, action: str, what: str, own_too: bool = False) -> None:
    if actor.pk == checkin.person_id and not own_too and action != EXPORTED:
        return
    trail.record(actor, action, checkin.person_id and checkin.person,
                 target=f"{TARGET} {checkin.pk}", detail=what)


def entries_about(person, limit: int = 200):
    return list(trail.about(person).filter(target__startswith=TARGET)[:limit])
