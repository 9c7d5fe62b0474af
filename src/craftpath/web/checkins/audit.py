"""Who viewed or changed someone else's check-in, and when: kept in the audit trail
(web/audit/), shown to the person on their check-in. The actions (actions/checkins.py) write
these entries for every door; this module reads them back.

Only other people's views and changes are kept (a person reading their own check-in is not
news), except every export, the person's own included, and changes to what will be frozen on
close (agreed outcomes, the summary), which are kept whoever makes them. Only the page or
action is named, never what it showed or what was typed.
"""

from __future__ import annotations

from craftpath.web.audit import trail
from craftpath.web.audit.subjects import NOT_MINE

from .models import CheckIn, Evidence, FocusStatement, Goal

TARGET = "check-in"  # the start of every check-in entry's target, e.g. "check-in 12"


def entries_about(person, limit: int = 200):
    return list(trail.about(person).filter(target__startswith=TARGET)[:limit])


# Routes whose id is not a check-in's, with the column naming whose row it is.
_OWNER_COLUMNS = {"checkins:evidence-edit": (Evidence, "owner_id"),
                  "checkins:evidence-delete": (Evidence, "owner_id"),
                  "checkins:focus-delete": (FocusStatement, "person_id"),
                  "checkins:goal": (Goal, "person_id")}
_NOT_A_CHECKIN = ("checkins:progress", "checkins:focus-add", "checkins:goal-add")


def owner_of_route(name: str, pk: int):
    """Whose data a check-ins route with id `pk` is about, for the audit trail's entry of a
    refused request (audit/subjects.py asks; registered in apps.py)."""
    if name in _OWNER_COLUMNS:
        model, column = _OWNER_COLUMNS[name]
        return model.objects.filter(pk=pk).values_list(column, flat=True).first()
    if name.startswith("checkins:") and name not in _NOT_A_CHECKIN:
        return CheckIn.objects.filter(pk=pk).values_list("person_id", flat=True).first()
    return NOT_MINE
