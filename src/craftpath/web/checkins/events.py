"""Who is told what when the check-in loop moves on. The pages call these after a step
succeeds; the loop itself (loop.py) knows nothing of notifications."""

from __future__ import annotations

from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify

from .models import CheckIn


def _name(person) -> str:
    return person.name or person.email


def _reviewers(checkin: CheckIn) -> set[int]:
    found = {checkin.reviewer_id or checkin.person.manager_id}
    return {pk for pk in found if pk and pk != checkin.person_id}


def submitted(checkin: CheckIn, side: str) -> None:
    person = checkin.person
    link = f"/checkins/{checkin.pk}/"
    if side == "self":
        notify(Kind.SELF_SUBMITTED, _reviewers(checkin),
               f"{_name(person)} submitted their self-assessment",
               "Their check-in is ready for your review. You rate the same statements without "
               "seeing their ratings until both of you have submitted.", link=link)
    else:
        notify(Kind.REVIEW_SUBMITTED, [person], "Your manager submitted their review",
               "Their ratings show once you have submitted yours too.", link=link)
    if checkin.both_submitted:
        notify(Kind.SIDE_BY_SIDE, {person.pk, *_reviewers(checkin)},
               f"The side-by-side view of {_name(person)}'s check-in is open",
               "Both sides are in: look at where you differ and agree an outcome together.",
               link=f"/checkins/{checkin.pk}/compare/")


def closed(checkin: CheckIn) -> None:
    notify(Kind.CHECKIN_CLOSED, [checkin.person_id], "Your check-in is closed",
           "The agreed outcome and summary are kept as they stand now.",
           link=f"/checkins/{checkin.pk}/")
