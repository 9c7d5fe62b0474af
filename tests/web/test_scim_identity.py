"""SCIM that brings what a person needs to take part: given and family names, the department,
where they stand in the framework (craftpath's extension) and roles from the groups
CRAFTPATH_SCIM_ROLE_GROUPS names, whether the groups come as a User's groups or as /Groups
membership (the way Okta and Entra ID push them). Driven by scim2-client against the live
server, as in test_scim.py, and by raw requests for what providers send without a library."""

from __future__ import annotations

import pytest
from scim2_models import Group, PatchOp, PatchOperation

from craftpath.web.accounts.models import Role, Team
from craftpath.web.accounts.models import User as Person
from craftpath.web.audit.models import Action, Event
from craftpath.web.checkins.models import CheckIn
from craftpath.web.cycles import launch

from . import test_scim
from .test_webhooks import a_cycle

scim_token, scim, raw = test_scim.scim_token, test_scim.scim, test_scim.raw  # the fixtures

CRAFTPATH = "urn:craftpath:params:scim:schemas:extension:craftpath:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
FAMILY = "ml-and-edge-ml-engineer-craft"
GROUPS = "Craftpath Editors=editor, Engineering Managers=manager, People Team=people"


@pytest.fixture(autouse=True)
def role_groups(monkeypatch):
    # Read on each request, in the live server's thread of this process.
    monkeypatch.setenv("CRAFTPATH_SCIM_ROLE_GROUPS", GROUPS)


def _roles(person) -> set[str]:
    return set(Person.objects.get(pk=person.pk).roles.values_list("name", flat=True))


def _user(**fields) -> dict:
    return {"schemas": [USER, ENTERPRISE, CRAFTPATH], **fields}


def test_a_person_from_the_identity_provider_is_ready_for_a_cycle(scim, small_org,
                                                                  published_seed):
    model = test_scim._user_model(scim)
    created = scim.create(model.model_validate({
        "schemas": [USER, ENTERPRISE, CRAFTPATH], "userName": "nia@example.com",
        "name": {"givenName": "Nia", "familyName": "Okafor"},
        ENTERPRISE: {"department": "Research", "manager": {"value": str(small_org.leo.pk)}},
        CRAFTPATH: {"family": "ML and Edge ML Engineer Craft", "track": "all;edge-ml-engineer",
                    "level": "Level 4"},
        "groups": [{"display": "Craftpath Editors"}]}))
    nia = Person.objects.get(email="nia@example.com")
    assert (nia.name, nia.given_name, nia.family_name, nia.department) == (
        "Nia Okafor", "Nia", "Okafor", "Research")
    assert (nia.family_slug, nia.track_slugs, nia.level_slug, nia.manager) == (
        FAMILY, ["all", "edge-ml-engineer"], "level-4", small_org.leo)
    assert _roles(nia) == {"editor"}  # the group brought it; the team was made for it
    assert [t.name for t in nia.teams.all()] == ["Craftpath Editors"]

    read = scim.query(model, created.id).model_dump()
    assert read[CRAFTPATH] == {"family": FAMILY, "track": "all;edge-ml-engineer",
                               "level": "level-4"}
    assert read[ENTERPRISE]["department"] == "Research"
    assert read["name"]["givenName"] == "Nia" and read["name"]["familyName"] == "Okafor"

    # A given name changed by the provider changes the shown name made of the parts.
    scim.modify(model, created.id, PatchOp[model](operations=[
        PatchOperation[model](op="replace", path="name.givenName", value="Nnenna")]))
    nia.refresh_from_db()
    assert (nia.given_name, nia.name) == ("Nnenna", "Nnenna Okafor")

    cycle = launch.launch(a_cycle(published_seed))
    checkin = CheckIn.objects.get(person=nia)
    assert (checkin.level_slug, checkin.reviewer) == ("level-4", small_org.leo)
    assert "nia@example.com" not in {row["email"] for row in cycle.skipped}


def test_an_unknown_family_or_level_is_refused_by_name_and_changes_nothing(raw, small_org,
                                                                          published_seed):
    before = Person.objects.count()
    for extension, named in (({"family": "Plumbing"}, f"{CRAFTPATH}:family"),
                             ({"family": FAMILY, "level": "Level 9"}, f"{CRAFTPATH}:level"),
                             ({"family": FAMILY, "track": "bass"}, f"{CRAFTPATH}:track")):
        answer = raw.post("/Users", json=_user(userName="zed@example.com",
                                                **{CRAFTPATH: extension}))
        assert answer.status_code == 400, answer.text
        assert answer.json()["detail"].startswith(f"{named}: no ")
        assert answer.json()["scimType"] == "invalidValue"
    assert Person.objects.count() == before

    eva = small_org.eva
    answer = raw.patch(f"/Users/{eva.pk}", json={"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "name.familyName", "value": "Lund"},
        {"op": "replace", "path": f"{CRAFTPATH}:level", "value": "level-0"}]})
    assert answer.status_code == 400 and "level" in answer.json()["detail"]
    eva.refresh_from_db()
    assert (eva.family_name, eva.name, eva.level_slug) == ("", "Eva", "level-4")


def test_okta_style_group_push_gives_and_takes_the_role(scim, small_org):
    """Okta pushes a group, then PATCHes its members; Entra removes members by value list."""
    ian, eva = small_org.ian, small_org.eva
    created = scim.create(Group(display_name="Engineering Managers",
                                members=[{"value": str(ian.pk)}]))
    assert _roles(ian) == {"engineer", "manager"}
    scim.modify(Group, created.id, PatchOp[Group](operations=[
        PatchOperation[Group](op="add", path="members", value=[{"value": str(eva.pk)}])]))
    assert _roles(eva) == {"engineer", "manager"}
    scim.modify(Group, created.id, {"schemas": [PATCH], "Operations": [
        {"op": "Remove", "path": "members", "value": [{"value": str(ian.pk)}]}]},
        check_request_payload=False)
    assert _roles(ian) == {"engineer"} and _roles(eva) == {"engineer", "manager"}

    # Renamed to a name no role goes with: its members lose the role it brought.
    scim.modify(Group, created.id, {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Managers (old)"}]},
        check_request_payload=False)
    assert _roles(eva) == {"engineer"}
    scim.modify(Group, created.id, {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"displayName": "Engineering Managers"}}]},
        check_request_payload=False)
    assert _roles(eva) == {"engineer", "manager"}
    scim.delete(Group, created.id)
    assert _roles(eva) == {"engineer"}
    assert not Team.objects.filter(name="Engineering Managers").exists()


def test_a_role_given_by_hand_stays_until_a_group_that_brings_it_moves(raw, small_org):
    leo = small_org.leo  # a manager by hand (he has reports)
    answer = raw.post("/Groups", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:"
                                                   "Group"], "displayName": "Edge ML",
                                       "members": [{"value": str(leo.pk)}]})
    assert answer.status_code == 201 and _roles(leo) == {"manager"}  # no role with that team
    answer = raw.post("/Groups", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:"
                                                   "Group"], "displayName": "Craftpath Editors",
                                       "members": [{"value": str(leo.pk)}]})
    assert _roles(leo) == {"manager", "editor"}
    answer = raw.patch(f"/Groups/{answer.json()['id']}", json={"schemas": [PATCH],
                       "Operations": [{"op": "remove", "path":
                                       f'members[value eq "{leo.pk}"]'}]})
    assert answer.status_code == 200 and _roles(leo) == {"manager"}


def test_a_users_groups_bring_roles_too(raw, small_org):
    """Some providers send the groups on the User itself, by name."""
    sol = small_org.sol
    answer = raw.put(f"/Users/{sol.pk}", json=_user(
        userName="sol@example.com", displayName="Sol", groups=[
            {"value": "Engineering Managers", "display": "Engineering Managers"},
            {"display": "Everyone"}]))  # a group craftpath has no team for: left out
    assert answer.status_code == 200, answer.text
    assert [g["display"] for g in answer.json()["groups"]] == ["Engineering Managers"]
    assert _roles(sol) == {"engineer", "manager"}
    answer = raw.patch(f"/Users/{sol.pk}", json={"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "groups", "value": []}]})
    assert answer.status_code == 200 and _roles(sol) == {"engineer"}


def test_only_a_token_of_someone_holding_the_people_team_role_brings_it(raw, small_org):
    """Decision 0048: the token acts as its owner, who must hold the role to give it."""
    ian = small_org.ian
    answer = raw.post("/Groups", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:"
                                                   "Group"], "displayName": "People Team",
                                       "members": [{"value": str(ian.pk)}]})
    assert answer.status_code == 403, answer.text
    assert answer.json()["detail"].startswith("groups (the roles they bring): The people-team")
    assert not Team.objects.filter(name="People Team").exists()  # nothing changed
    assert _roles(ian) == {"engineer"}
    answer = raw.post("/Users", json=_user(userName="new@example.com",
                                           groups=[{"display": "People Team"}]))
    assert answer.status_code == 403 and not Person.objects.filter(
        email="new@example.com").exists()

    small_org.ada.grant(Role.PEOPLE)  # the token's owner holds it now
    answer = raw.post("/Groups", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:"
                                                   "Group"], "displayName": "People Team",
                                       "members": [{"value": str(ian.pk)}]})
    assert answer.status_code == 201 and _roles(ian) == {"engineer", "people"}
    granted = Event.objects.get(subject_pk=ian.pk, action=Action.ROLE_GRANTED,
                                detail="People team")
    assert granted.actor_email == "ada@example.com"  # the token's owner, on the record
