"""Whose data a route is about, from its name and arguments, for recording refused requests
(the view refused before it could say). Unknown ids give the id alone.

A route whose id is a row of an app above this one (a check-in, a piece of evidence) is that
app's to answer: it registers an owner finder from its AppConfig.ready() (the check-ins app's
is checkins/audit.py's owner_of_route), so this app needs no import of it."""

from __future__ import annotations

from collections.abc import Callable

from craftpath.web.accounts.models import User

PERSONAL_PREFIXES = ("/people/", "/checkins/", "/rights/", "/audit/", "/admin/accounts/")

NOT_MINE = object()  # an owner finder's answer for a route it does not know
# (route name, id) -> the id of the person whose data it is, None, or NOT_MINE.
OwnerFinder = Callable[[str, int], object]
_owner_finders: list[OwnerFinder] = []


def add_owner_finder(finder: OwnerFinder) -> None:
    if finder not in _owner_finders:
        _owner_finders.append(finder)


def subject_of_route(match):
    """The person (a user, or a bare id) a resolved route is about, or None."""
    pk = match.kwargs.get("pk")
    name = match.view_name
    if pk is None:
        if name.startswith("admin:accounts_user_") and match.kwargs.get("object_id"):
            pk, name = match.kwargs["object_id"], "person"
        else:
            return None
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:  # not an id any table holds; kept in the target path only
        return None
    for finder in _owner_finders:
        owner = finder(name, pk)
        if owner is not NOT_MINE:
            return owner
    return User.objects.filter(pk=pk).first() or pk
