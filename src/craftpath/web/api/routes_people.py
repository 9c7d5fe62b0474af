"""People, teams and roles: read by whoever may see them (access.py), changed by admins."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from ninja import Query, Router

from craftpath.web import access
from craftpath.web.accounts import directory
from craftpath.web.accounts.models import (
    ManagerCycleError,
    Role,
    RoleGrant,
    Team,
    User,
    check_no_cycle,
    normalise_email,
)
from craftpath.web.actions import reads

from .auth import need
from .models import Scope
from .paging import MAX_ID, MAX_LIMIT, etag, fingerprint, if_match, page, stale
from .problems import Problem, bad_field, forbidden, not_found
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
            "active": person.is_active, "manager_id": person.manager_id,
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
    person = access.visible_people(viewer).prefetch_related("teams", "roles") \
        .filter(pk=pk).first()
    if person is None:
        raise not_found("person")
    return person


def _admin(request) -> None:
    need(request, Scope.ADMIN)
    if not access.can_change_people(request.auth):
        raise forbidden("Only admins change people, teams and roles.")


@people.get("", response=answers({200: PeoplePage}), summary="People you may see")
def list_people(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=MAX_LIMIT),
                team: int | None = Query(None, ge=1, le=MAX_ID),
                manager: int | None = Query(None, ge=1, le=MAX_ID),
                active: bool | None = None, email: str | None = None,
                level: str | None = None):
    found = access.visible_people(request.auth)
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
    return _with_etag(person_out(reads.read_person(request.auth, request.auth.pk)))


@people.get("/{int:pk}", response=answers({200: PersonOut}), summary="One person")
def get_person(request, pk: int):
    return _with_etag(person_out(reads.read_person(request.auth, pk)))


def _framework_fields(values: dict, problems: list) -> tuple[str, list[str], str]:
    refs = {"family": values.get("family") or "", "level": values.get("level") or "",
            "tracks": directory.SEPARATOR.join(values.get("tracks") or [])}
    found: list = []
    result = directory.framework_refs(0, refs, directory.active_framework(), found)
    problems.extend({"field": p.column, "detail": p.message} for p in found)
    return result


def _apply(person: User, values: dict, creating: bool) -> None:
    """Check every field first, then change; problems name their fields and change nothing."""
    problems: list[dict] = []
    if "email" in values:
        email = normalise_email(values["email"])
        try:
            validate_email(email)
        except ValidationError:
            problems.append({"field": "email", "detail": "is not an email address"})
        else:
            if User.objects.filter(email=email).exclude(pk=person.pk).exists():
                problems.append({"field": "email", "detail": f"{email} already has an account"})
            person.email = email
    if "name" in values:
        if not values["name"].strip():
            problems.append({"field": "name", "detail": "is empty"})
        person.name = values["name"].strip()
    manager = None
    if values.get("manager_id") is not None:
        manager = User.objects.filter(pk=values["manager_id"]).first()
        if manager is None:
            problems.append({"field": "manager_id", "detail": "no such person"})
        elif not creating:
            try:
                check_no_cycle(person, manager)
            except ManagerCycleError as error:
                problems.append({"field": "manager_id", "detail": error.messages[0]})
    team_ids = values.get("team_ids")
    if team_ids is not None:
        known = set(Team.objects.filter(pk__in=team_ids).values_list("pk", flat=True))
        if set(team_ids) - known:
            problems.append({"field": "team_ids", "detail": "no team with id " + ", ".join(
                str(i) for i in sorted(set(team_ids) - known))})
    framework_keys = {"family", "tracks", "level"} & set(values)
    if framework_keys:
        merged = {"family": person.family_slug, "tracks": person.track_slugs,
                  "level": person.level_slug}
        merged.update({k: values[k] for k in framework_keys if values[k] is not None})
        person.family_slug, person.track_slugs, person.level_slug = \
            _framework_fields(merged, problems)
    if problems:
        raise Problem(422, "Invalid request", f"{problems[0]['field']}: "
                      f"{problems[0]['detail']}", errors=problems)
    if "manager_id" in values:
        person.manager = manager
    if "level_since" in values:
        person.level_since = values["level_since"]
    if values.get("active") is not None:
        person.is_active = values["active"]
    if creating:
        person.set_unusable_password()  # they sign in by SSO or a reset link
    try:
        person.save()
    except IntegrityError:
        raise bad_field("email", "already has an account", status=409) from None
    if team_ids is not None:
        person.teams.set(team_ids)


@people.post("", response=answers({201: PersonOut}), summary="Add a person (admins)")
def create_person(request, payload: PersonIn):
    _admin(request)
    person = User()
    with transaction.atomic():
        _apply(person, payload.dict(), creating=True)
    return _with_etag(person_out(visible_person(request.auth, person.pk)), status=201)


@people.patch("/{int:pk}", response=answers({200: PersonOut}),
              summary="Change a person (admins; If-Match)")
def update_person(request, pk: int, payload: PersonPatch):
    _admin(request)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=pk).first()
        person = visible_person(request.auth, pk)
        current = person_out(person)
        if if_match(request) != fingerprint(current):
            raise stale(current, "this person")
        _apply(person, payload.dict(exclude_unset=True), creating=False)
    return _with_etag(person_out(visible_person(request.auth, pk)))


@people.put("/{int:pk}/roles", response=answers({200: PersonOut}),
            summary="Set a person's roles (admins; If-Match)")
def set_roles(request, pk: int, payload: RolesIn):
    _admin(request)
    unknown = sorted(set(payload.roles) - set(Role.values))
    if unknown:
        raise bad_field("roles", f"unknown role(s) {', '.join(unknown)} (known: "
                        f"{', '.join(Role.values)})")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=pk).first()
        person = visible_person(request.auth, pk)
        current = person_out(person)
        if if_match(request) != fingerprint(current):
            raise stale(current, "this person")
        person.roles.exclude(name__in=payload.roles).delete()
        for name in payload.roles:
            RoleGrant.objects.get_or_create(person=person, name=name)
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
    visible = set(access.visible_people(viewer).filter(pk__in=document["member_ids"])
                  .values_list("pk", flat=True))
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
    _admin(request)
    name = payload.name.strip()
    if not name:
        raise bad_field("name", "is empty")
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name)
    except IntegrityError:
        raise bad_field("name", f"a team called {name!r} exists already", status=409) from None
    return _with_etag(team_out(team), status=201)


@teams.patch("/{int:pk}", response=answers({200: TeamOut}),
             summary="Rename a team (admins; If-Match)")
def rename_team(request, pk: int, payload: TeamIn):
    _admin(request)
    name = payload.name.strip()
    if not name:
        raise bad_field("name", "is empty")
    try:
        with transaction.atomic():
            Team.objects.select_for_update().filter(pk=pk).first()
            team = _team(request.auth, pk)
            current = _team_out_for(request.auth, team)
            if if_match(request) != fingerprint(current):
                raise stale(current, "this team")
            team.name = name
            team.save(update_fields=["name"])
    except IntegrityError:
        raise bad_field("name", f"a team called {name!r} exists already", status=409) from None
    return _with_etag(_team_out_for(request.auth, team))


def no_content() -> HttpResponse:
    return HttpResponse(status=204)
