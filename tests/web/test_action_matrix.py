"""The authorisation matrix by action: for each action, every door that exposes it (the pages,
the API with each token scope) gives the same decision for each role, and a refused write
changes nothing in the database.

The route matrix (test_access_matrix.py) pins each URL's status for each role; this one pins
that the doors agree with each other and with the rule, so a door that decides on its own
(the review's finding: the API and SCIM let through what the pages refused) fails here.

People changes (Ian's manager, Ian's roles) have three doors: the admin site, the API with the
strongest token the role may hold (admin scope for admins, write for everyone else) and SCIM
(a SCIM token for admins; anyone else's write token, which SCIM does not take).

Roles, on Ian's open check-in and profile: Ian himself; Leo, his manager; Mia, above Leo;
Pia, people team; Ada, admin; Ed, framework editor; Eva, a colleague under the same manager;
Dee, a deactivated account that still holds the people-team role. Outcomes: "yes" done or
shown, "refused" seen but not allowed (403), "hidden" not visible (404), "out" not signed in
(a sign-in redirect, a 401).
"""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client

from craftpath.web.accounts.models import Role, RoleGrant, User
from craftpath.web.api import tokens
from craftpath.web.checkins.models import Entry

from .admin_helpers import person_form
from .api_helpers import TokenClient
from .checkin_helpers import HTMX, start_for
from .conftest import FAMILY, built_once_per_module, make_small_org, publish_seed

ROLES = ("self", "manager", "skip", "people", "admin", "editor", "colleague", "deactivated")
SCOPES = ("read", "write")
ADMIN_SCOPES = ("admin", "scim")  # only admins may hold these
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _row(self, manager, skip, people, admin, editor, colleague, deactivated) -> dict:
    return dict(zip(ROLES, (self, manager, skip, people, admin, editor, colleague,
                            deactivated), strict=True))


# What each action's rule in access.py decides, role by role.
EXPECTED = {
    "read the profile": _row("yes", "yes", "yes", "yes", "yes", "hidden", "hidden", "out"),
    "read the check-in": _row("yes", "yes", "yes", "yes", "hidden", "hidden", "hidden",
                              "out"),
    "read the growth plan": _row("yes", "yes", "yes", "yes", "hidden", "hidden", "hidden",
                                 "out"),
    "rate a statement": _row("yes", "yes", "yes", "refused", "hidden", "hidden", "hidden",
                             "out"),
    "change the manager": _row("refused", "refused", "refused", "refused", "yes", "refused",
                               "refused", "out"),
    "set the roles": _row("refused", "refused", "refused", "refused", "yes", "refused",
                          "refused", "out"),
    # Only someone holding the people-team role gives it (and none of these holds it and is an
    # admin): an admin cannot make an account on their own mailbox people team.
    "give the people-team role": _row("refused", "refused", "refused", "refused", "refused",
                                      "refused", "refused", "out"),
    "export the promotion decisions": _row("refused", "refused", "refused", "yes", "refused",
                                           "refused", "refused", "out"),
}


PEOPLE_CHANGES = ("change the manager", "set the roles", "give the people-team role")


def build_world(seed_load):
    publish_seed(seed_load)
    org = make_small_org()
    editor = User.objects.create_user("ed@example.com", name="Ed", family_slug=FAMILY,
                                      level_slug="level-4", track_slugs=["all"])
    editor.grant(Role.EDITOR)
    dee = User.objects.create_user("dee@example.com", name="Dee")
    dee.grant(Role.PEOPLE)
    people = {"self": org.ian, "manager": org.leo, "skip": org.mia, "people": org.pia,
              "admin": org.ada, "editor": editor, "colleague": org.eva, "deactivated": dee}
    secrets = {(role, scope): tokens.create(person, f"{scope} matrix", scope).secret
               for role, person in people.items() for scope in SCOPES}
    secrets.update({("admin", scope): tokens.create(org.ada, f"{scope} matrix", scope).secret
                    for scope in ADMIN_SCOPES})
    User.objects.filter(pk=dee.pk).update(is_active=False)  # after its tokens were made
    checkin = start_for(org.ian)
    statement = checkin.entries.order_by("pk").first().statement_id
    return {"people": people, "secrets": secrets, "ian": org.ian, "oto": org.oto,
            "checkin": checkin, "statement": statement}


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, seed_load):
    yield from built_once_per_module(django_db_blocker, lambda: build_world(seed_load))


@pytest.fixture
def world(shared_world, db):
    return shared_world


def _page_outcome(answer) -> str:
    if answer.status_code == 302 and "/accounts/login/" in answer["Location"]:
        return "out"
    return {200: "yes", 302: "yes", 403: "refused", 404: "hidden"}.get(
        answer.status_code, f"status {answer.status_code}")


def _api_outcome(answer) -> str:
    return {200: "yes", 201: "yes", 401: "out", 403: "refused", 404: "hidden"}.get(
        answer.status_code, f"status {answer.status_code}")


def _admin_site_outcome(client, answer) -> str:
    """The admin site answers a refused change with the form again, its error on it (200),
    and anyone who may not use the site at all with its sign-in page, which tells a signed-in
    person that they are signed in but not allowed."""
    if answer.status_code == 302 and "/login/" in answer["Location"]:
        sign_in = client.get(answer["Location"]).content.decode()
        return "refused" if "You are authenticated as" in sign_in else "out"
    if answer.status_code == 200:
        return "refused"
    return {302: "yes", 403: "refused", 404: "hidden"}.get(
        answer.status_code, f"status {answer.status_code}")


def _scim_outcome(answer) -> str:
    """SCIM answers a token of another scope with 403, a deactivated holder's with 401."""
    return {200: "yes", 401: "out", 403: "refused", 404: "hidden"}.get(
        answer.status_code, f"status {answer.status_code}")


def _page(world, role) -> Client:
    client = Client()
    client.force_login(world["people"][role])
    return client


def _api(world, role, scope) -> TokenClient:
    return TokenClient(world["secrets"][(role, scope)])


def _strongest_api(world, role) -> TokenClient:
    return _api(world, role, "admin" if role == "admin" else "write")


def _scim(world, role, method, path, body) -> object:
    secret = world["secrets"][(role, "scim" if role == "admin" else "write")]
    return Client().generic(method, f"/scim/v2{path}", json.dumps(body),
                            content_type="application/scim+json",
                            HTTP_AUTHORIZATION=f"Bearer {secret}")


def _undone(call):
    """The answer to `call`, with what it changed rolled back (a savepoint)."""
    with transaction.atomic():
        answer = call()
        transaction.set_rollback(True)
    return answer


def _kept(call):
    """The answer to `call`, with what it changed kept (until the test's own rollback): for the
    tests that check a refusal changed nothing, which could not fail if every change were
    rolled back anyway."""
    return call()


# Each door of each action: (kind, how to call it) → outcome.
def _doors(action: str, world: dict, role: str, run=_undone) -> dict[str, str]:
    ian, checkin, statement = world["ian"], world["checkin"], world["statement"]
    api = {scope: _api(world, role, scope) for scope in SCOPES}
    if action == "read the profile":
        return {"page": _page_outcome(_page(world, role).get(f"/people/{ian.pk}/")),
                **{f"api {s}": _api_outcome(api[s].get(f"/api/v1/people/{ian.pk}"))
                   for s in SCOPES}}
    if action == "read the check-in":
        return {"page": _page_outcome(_page(world, role).get(f"/checkins/{checkin.pk}/")),
                **{f"api {s}": _api_outcome(api[s].get(f"/api/v1/checkins/{checkin.pk}"))
                   for s in SCOPES}}
    if action == "read the growth plan":
        return {"page": _page_outcome(_page(world, role).get(f"/checkins/people/{ian.pk}/")),
                **{f"api {s}": _api_outcome(api[s].get(f"/api/v1/growth-plans/{ian.pk}"))
                   for s in SCOPES}}
    if action == "rate a statement":  # each door on the same state: the other's save undone
        page_client = _page(world, role)
        page = run(lambda: page_client.post(f"/checkins/{checkin.pk}/ratings/", {
            "statement": statement, "value": "Meets", "revision": "0"}, **HTMX))
        put = run(lambda: api["write"].put(
            f"/api/v1/checkins/{checkin.pk}/ratings/{statement}", {"value": "Meets"},
            if_match='"0"'))
        return {"page": _page_outcome(page), "api write": _api_outcome(put)}
    if action == "export the promotion decisions":  # the CSV and the XLSX: one action
        return {f"page {fmt}": _page_outcome(_page(world, role).get(
            f"/promotions/decisions.{fmt}")) for fmt in ("csv", "xlsx")}
    if action in PEOPLE_CHANGES:
        return _people_change_doors(action, world, role, run)
    raise AssertionError(action)


def _people_change_doors(action, world, role, run=_undone) -> dict[str, str]:
    ian, oto = world["ian"], world["oto"]
    ian.refresh_from_db()
    api = _strongest_api(world, role)
    etag = _api(world, "admin", "read").get(f"/api/v1/people/{ian.pk}")["ETag"]
    if action == "change the manager":
        form = person_form(ian, manager=oto.pk)
        api_call = lambda: api.patch(f"/api/v1/people/{ian.pk}",  # noqa: E731
                                     {"manager_id": oto.pk}, if_match=etag)
        scim_call = lambda: _scim(world, role, "PATCH", f"/Users/{ian.pk}", {  # noqa: E731
            "schemas": [PATCH_OP], "Operations": [{
                "op": "replace", "path": f"{ENTERPRISE}:manager",
                "value": {"value": str(oto.pk)}}]})
        doors = {"scim": lambda: _scim_outcome(run(scim_call))}
    else:
        role_given = "people" if action == "give the people-team role" else "manager"
        form = person_form(ian, **{"roles-0-name": role_given})
        api_call = lambda: api.put(f"/api/v1/people/{ian.pk}/roles",  # noqa: E731
                                   {"roles": [role_given]}, if_match=etag)
        doors = {}
    page_client = _page(world, role)
    outcomes = {
        "admin site": _admin_site_outcome(page_client, run(
            lambda: page_client.post(f"/admin/accounts/user/{ian.pk}/change/", form))),
        "api": _api_outcome(run(api_call))}
    outcomes.update({door: outcome() for door, outcome in doors.items()})
    return outcomes


def _people(world) -> list[tuple]:
    return sorted(User.objects.values_list("pk", "manager_id", "is_active")) + sorted(
        RoleGrant.objects.values_list("person_id", "name"))


def _ratings(world) -> list[tuple]:
    return list(Entry.objects.filter(checkin=world["checkin"]).order_by("pk").values_list(
        "self_value", "manager_value", "agreed_value", "self_revision", "manager_revision"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_every_door_gives_the_rules_decision(world, action, role):
    expected = EXPECTED[action][role]
    outcomes = _doors(action, world, role)
    assert outcomes == dict.fromkeys(outcomes, expected), (action, role)


@pytest.mark.parametrize("role", [r for r in ROLES if EXPECTED["rate a statement"][r] != "yes"])
def test_a_refused_rating_changes_nothing_by_any_door(world, role):
    before = _ratings(world)
    _doors("rate a statement", world, role, run=_kept)
    assert _ratings(world) == before


@pytest.mark.parametrize(("action", "role"), [(a, r) for a in PEOPLE_CHANGES for r in ROLES
                                              if EXPECTED[a][r] != "yes"])
def test_a_refused_people_change_changes_nothing_by_any_door(world, action, role):
    before = _people(world)
    _doors(action, world, role, run=_kept)
    assert _people(world) == before


def test_an_admins_read_and_write_tokens_cannot_change_people(world):
    ian, oto = world["ian"], world["oto"]
    before = _people(world)
    etag = _api(world, "admin", "read").get(f"/api/v1/people/{ian.pk}")["ETag"]
    for scope in SCOPES:
        api = _api(world, "admin", scope)
        assert api.patch(f"/api/v1/people/{ian.pk}", {"manager_id": oto.pk},
                         if_match=etag).status_code == 403, scope
        assert api.put(f"/api/v1/people/{ian.pk}/roles", {"roles": ["manager"]},
                       if_match=etag).status_code == 403, scope
    assert _people(world) == before


def test_an_allowed_people_change_is_stored_by_each_door(world):
    ian, oto = world["ian"], world["oto"]
    for door in ("admin site", "api", "scim"):
        with transaction.atomic():
            if door == "admin site":
                _page(world, "admin").post(f"/admin/accounts/user/{ian.pk}/change/",
                                           person_form(ian, manager=oto.pk))
            elif door == "api":
                etag = _api(world, "admin", "read").get(f"/api/v1/people/{ian.pk}")["ETag"]
                _strongest_api(world, "admin").patch(f"/api/v1/people/{ian.pk}",
                                                     {"manager_id": oto.pk}, if_match=etag)
            else:
                _scim(world, "admin", "PATCH", f"/Users/{ian.pk}", {
                    "schemas": [PATCH_OP], "Operations": [{
                        "op": "replace", "path": f"{ENTERPRISE}:manager",
                        "value": {"value": str(oto.pk)}}]})
            assert User.objects.get(pk=ian.pk).manager_id == oto.pk, door
            transaction.set_rollback(True)


def test_a_read_token_cannot_rate_whoever_holds_it(world):
    checkin, statement = world["checkin"], world["statement"]
    before = _ratings(world)
    for role in ("self", "manager", "skip"):
        answer = _api(world, role, "read").put(
            f"/api/v1/checkins/{checkin.pk}/ratings/{statement}", {"value": "Meets"},
            if_match='"0"')
        assert answer.status_code == 403, role
    assert _ratings(world) == before


def test_an_allowed_rating_is_stored_by_each_door(world):
    """The other side of the refusals: the same calls do change the data when allowed."""
    checkin, statement = world["checkin"], world["statement"]
    _page(world, "self").post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": statement, "value": "Meets", "revision": "0"}, **HTMX)
    _api(world, "manager", "write").put(f"/api/v1/checkins/{checkin.pk}/ratings/{statement}",
                                        {"value": "Exceeds"}, if_match='"0"')
    entry = Entry.objects.get(checkin=checkin, statement_id=statement)
    assert (entry.self_value, entry.manager_value) == ("Meets", "Exceeds")


def test_the_matrix_covers_every_action_for_every_role():
    assert all(set(row) == set(ROLES) for row in EXPECTED.values())
