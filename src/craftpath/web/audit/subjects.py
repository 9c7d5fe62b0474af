"""Whose data a route is about, from its name and arguments, for recording refused requests
(the view refused before it could say). Unknown ids give the id alone."""

from __future__ import annotations

PERSONAL_PREFIXES = ("/people/", "/checkins/", "/rights/", "/audit/", "/admin/accounts/")


def subject_of_route(match):
    """The person (a user, or a bare id) a resolved route is about, or None."""
    from craftpath.web.accounts.models import User
    from craftpath.web.checkins.models import CheckIn, Evidence, FocusStatement, Goal

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
    owners = {"checkins:evidence-edit": (Evidence, "owner_id"),
              "checkins:evidence-delete": (Evidence, "owner_id"),
              "checkins:focus-delete": (FocusStatement, "person_id"),
              "checkins:goal": (Goal, "person_id")}
    if name in owners:
        model, column = owners[name]
        return model.objects.filter(pk=pk).values_list(column, flat=True).first()
    if name.startswith("checkins:") and name not in ("checkins:progress", "checkins:focus-add",
                                                     "checkins:goal-add"):
        return CheckIn.objects.filter(pk=pk).values_list("person_id", flat=True).first()
    return User.objects.filter(pk=pk).first() or pk
