"""Reads of someone else's directory data as actions, for the doors that show a person's
profile (the API today). Each asks access.py and records the read in the audit trail, so the
person sees it on their "who saw my data" page; reading one's own is not recorded."""

from __future__ import annotations

from craftpath.web import access

from .errors import NotFound
from .recording import record_read


def read_person(viewer, pk: int, what: str = "API"):
    """One person's profile (with their teams and roles), if `viewer` may see them."""
    person = access.visible_people(viewer).prefetch_related("teams", "roles") \
        .filter(pk=pk).first()
    if person is None or not access.can_view_person(viewer, person):
        raise NotFound("person")
    record_read(viewer, person, "profile", what)
    return person
