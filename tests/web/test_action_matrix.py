"""The authorisation matrix by action: for each action, every door that exposes it (the pages,
the API with each token scope) gives the same decision for each role, and a refused write
changes nothing in the database.

The route matrix (test_access_matrix.py) pins each URL's status for each role; this one pins
that the doors agree with each other and with the rule, so a door that decides on its own
(the review's finding: the API and SCIM let through what the pages refused) fails here.

Roles, on Ian's open check-in and profile: Ian himself; Leo, his manager; Mia, above Leo;
Pia, people team; Ada, admin; Ed, framework editor; Eva, a colleague under the same manager;
Dee, a deactivated account that still holds the people-team role. Outcomes: "yes" done or
shown, "refused" seen but not allowed (403), "hidden" not visible (404), "out" not signed in
(a sign-in redirect, a 401).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from craftpath.web.accounts.models import Role, User
from craftpath.web.api import tokens
from craftpath.web.checkins.models import Entry

from .api_helpers import TokenClient
from .checkin_helpers import HTMX, start_for
from .conftest import FAMILY, built_once_per_module, make_small_org, publish_seed

ROLES = ("self", "manager", "skip", "people", "admin", "editor", "colleague", "deactivated")
SCOPES = ("read", "write")


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
}


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
    User.objects.filter(pk=dee.pk).update(is_active=False)  # after its tokens were made
    checkin = start_for(org.ian)
    statement = checkin.entries.order_by("pk").first().statement_id
    return {"people": people, "secrets": secrets, "ian": org.ian, "checkin": checkin,
            "statement": statement}


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


def _page(world, role) -> Client:
    client = Client()
    client.force_login(world["people"][role])
    return client


def _api(world, role, scope) -> TokenClient:
    return TokenClient(world["secrets"][(role, scope)])


def _undone(call):
    """The answer to `call`, with what it changed rolled back (a savepoint)."""
    with transaction.atomic():
        answer = call()
        transaction.set_rollback(True)
    return answer


# Each door of each action: (kind, how to call it) → outcome.
def _doors(action: str, world: dict, role: str) -> dict[str, str]:
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
        page = _undone(lambda: page_client.post(f"/checkins/{checkin.pk}/ratings/", {
            "statement": statement, "value": "Meets", "revision": "0"}, **HTMX))
        put = _undone(lambda: api["write"].put(
            f"/api/v1/checkins/{checkin.pk}/ratings/{statement}", {"value": "Meets"},
            if_match='"0"'))
        return {"page": _page_outcome(page), "api write": _api_outcome(put)}
    raise AssertionError(action)


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
    _doors("rate a statement", world, role)
    assert _ratings(world) == before


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
