"""People, teams and roles: read by whoever may see them (access.py), changed through the
actions (actions/people.py), which decide who may change what and record it."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router

from craftpath.web.accounts.models import Role, RoleGrant, Team, User, normalise_email
from craftpath.web.actions import NotFound
from craftpath.web.actions import people as actions

from .auth import need
from .models import Scope
from .paging import MAX_ID, MAX_LIMIT, etag, fingerprint, if_match, page, stale
from .problems import bad_field, not_found
from .schemas import (
    PeoplePage,
    PersonIn,
    PersonOut,
    PersonPatch,
    RoleOut,
    RolesIn,
    TeamIn,
    TeamOut,
    TeamsPage,
    answers,
)

people = Router(tags=["people"])
teams = Router(tags=["teams"])
roles = Router(tags=["roles"])


def person_out(person: User, team_ids=None, role_names=None) -> dict:
    return {"id": person.pk, "email": person.email, "name": person.name,
            "given_name": person.given_name, "family_name": person.family_name,
            "department": person.department, "active": person.is_active,
            "manager_id": person.manager_id,
            "team_ids": sorted(t.pk for t in person.teams.all()) if team_ids is None
            else sorted(team_ids),
            "roles": sorted(r.name for r in person.roles.all()) if role_names is None
            else sorted(role_names),
            "family": person.family_slug, "tracks": list(person.track_slugs or []),
            "level": person.level_slug, "level_since": person.level_since}


def people_out(people: list[User]) -> list[dict]:
    """A page of people: their teams and roles read in two flat queries, not per person."""
    ids = [person.pk for person in people]
    teams: dict[int, list[int]] = {pk: [] for pk in ids}
    for person_id, team_id in User.teams.through.objects.filter(user_id__in=ids) \
            .values_list("user_id", "team_id"):
        teams[person_id].append(team_id)
    roles: dict[int, list[str]] = {pk: [] for pk in ids}
    for person_id, name in RoleGrant.objects.filter(person_id__in=ids) \
            .values_list("person_id", "name"):
        roles[person_id].append(name)
    return [person_out(person, teams[person.pk], roles[person.pk]) for person in people]


def _with_etag(document: dict, status: int = 200):
    from ninja.responses import Response

    answer = Response(document, status=status)
    answer["ETag"] = etag(fingerprint(document))
    return answer


def visible_person(viewer, pk: int) -> User:
    """The caller's view of someone after a change (the change itself was the action's)."""
    try:
        return actions.find_person(viewer, pk)
    except NotFound:
        raise not_found("person") from None


def _admin_scope(request) -> None:
    # Only the token's scope here; who may change whom is each action's own rule.
    need(request, Scope.ADMIN)


def _unchanged_since_read(request, what: str):
    """The If-Match check, made by the action under the row's lock."""
    def check(person: User) -> None:
        current = person_out(person)
        if if_match(request) != fingerprint(current):
            raise stale(current, what)
    return check


@people.get("", response=answers({200: PeoplePage}), summary="People you may see")
def list_people(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT),
                team: int | None = Query(None, ge=1, le=MAX_ID),
                manager: int | None = Query(None, ge=1, le=MAX_ID),
                active: bool | None = None, email: str | None = None,
                level: str | None = None):
    found = actions.list_people(request.auth, target="people list (api)")
    if team is not None:
        found = found.filter(teams=team)
    if manager is not None:
        found = found.filter(manager_id=manager)
    if active is not None:
        found = found.filter(is_active=active)
    if email:
        found = found.filter(email=normalise_email(email))
    if level:
        found = found.filter(level_slug=level)
    return page(found, cursor, limit, serialise_all=people_out)


@people.get("/me", response=answers({200: PersonOut}), summary="The caller")
def me(request):
    return _with_etag(person_out(actions.read_person(request.auth, request.auth.pk)))


@people.get("/{int:pk}", response=answers({200: PersonOut}), summary="One person")
def get_person(request, pk: int):
    return _with_etag(person_out(actions.read_person(request.auth, pk, target="api: person")))


@people.post("", response=answers({201: PersonOut}), summary="Add a person (admins)")
def create_person(request, payload: PersonIn):
    _admin_scope(request)
    person = actions.create_person(request.auth, payload.dict())
    return _with_etag(person_out(visible_person(request.auth, person.pk)), status=201)


@people.patch("/{int:pk}", response=answers({200: PersonOut}),
              summary="Change a person (admins; If-Match)")
def update_person(request, pk: int, payload: PersonPatch):
    _admin_scope(request)
    actions.update_person(request.auth, pk, payload.dict(exclude_unset=True),
                          precondition=_unchanged_since_read(request, "this person"))
    return _with_etag(person_out(visible_person(request.auth, pk)))


@people.put("/{int:pk}/roles", response=answers({200: PersonOut}),
            summary="Set a person's roles (admins, never their own; If-Match)")
def set_roles(request, pk: int, payload: RolesIn):
    _admin_scope(request)
    actions.set_roles(request.auth, pk, payload.roles,
                      precondition=_unchanged_since_read(request, "this person"))
    return _with_etag(person_out(visible_person(request.auth, pk)))


@roles.get("", response=answers({200: list[RoleOut]}), summary="The roles a person may hold")
def list_roles(request):
    return [{"name": value, "label": label} for value, label in Role.choices]


# --- teams ----------------------------------------------------------------------------------

def team_out(team: Team) -> dict:
    return {"id": team.pk, "name": team.name,
            "member_ids": sorted(m.pk for m in team.members.all())}


def _teams_for(viewer):
    # Team names are the organisation's shape, shown to everyone signed in; members are
    # listed only as far as the viewer may see them.
    return Team.objects.all()


def _team(viewer, pk: int) -> Team:
    team = _teams_for(viewer).filter(pk=pk).first()
    if team is None:
        raise not_found("team")
    return team


def _team_out_for(viewer, team: Team) -> dict:
    document = team_out(team)
    visible = actions.visible_ids(viewer, document["member_ids"])
    document["member_ids"] = [pk for pk in document["member_ids"] if pk in visible]
    return document


@teams.get("", response=answers({200: TeamsPage}), summary="Teams")
def list_teams(request, cursor: str | None = None,
               limit: int = Query(50, ge=1, le=MAX_LIMIT)):
    viewer = request.auth
    return page(_teams_for(viewer).prefetch_related("members"), cursor, limit,
                lambda team: _team_out_for(viewer, team))


@teams.get("/{int:pk}", response=answers({200: TeamOut}), summary="One team")
def get_team(request, pk: int):
    return _with_etag(_team_out_for(request.auth, _team(request.auth, pk)))


@teams.post("", response=answers({201: TeamOut}), summary="Add a team (admins)")
def create_team(request, payload: TeamIn):
    _admin_scope(request)
    try:
        team = actions.create_team(request.auth, payload.name)
    except actions.Taken as taken:
        raise bad_field("name", taken.problems[0]["detail"], status=409) from None
    return _with_etag(team_out(team), status=201)


@teams.patch("/{int:pk}", response=answers({200: TeamOut}),
             summary="Rename a team (admins; If-Match)")
def rename_team(request, pk: int, payload: TeamIn):
    _admin_scope(request)
    def unchanged(team: Team) -> None:
        current = _team_out_for(request.auth, team)
        if if_match(request) != fingerprint(current):
            raise stale(current, "this team")
    try:
        team = actions.change_team(request.auth, pk, name=payload.name, precondition=unchanged)
    except actions.Taken as taken:
        raise bad_field("name", taken.problems[0]["detail"], status=409) from None
    return _with_etag(_team_out_for(request.auth, team))


def no_content() -> HttpResponse:
    return HttpResponse(status=204)
