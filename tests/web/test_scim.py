"""SCIM 2.0 provisioning, driven by a SCIM client library (scim2-client over httpx2) against
the app served by a live server, through the sequences identity providers send."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import Group, PatchOp, PatchOperation, SearchRequest

from craftpath.web.accounts.models import Team
from craftpath.web.accounts.models import User as Person
from craftpath.web.api import tokens


@pytest.fixture
def scim_token(live_server, transactional_db, small_org):
    return tokens.create(small_org.ada, "identity provider", "scim").secret


@pytest.fixture
def scim(live_server, scim_token):
    http = httpx2.Client(base_url=f"{live_server.url}/scim/v2",
                         headers={"Authorization": f"Bearer {scim_token}"}, timeout=30)
    client = SyncSCIMClient(http)
    client.discover()
    yield client
    http.close()


@pytest.fixture
def raw(live_server, scim_token):
    """The same server without the library's checks: what some providers really send."""
    http = httpx2.Client(base_url=f"{live_server.url}/scim/v2",
                         headers={"Authorization": f"Bearer {scim_token}",
                                  "Content-Type": "application/scim+json"}, timeout=30)
    yield http
    http.close()


def _sessions_of(person) -> int:
    from django.contrib.sessions.models import Session

    return sum(s.get_decoded().get("_auth_user_id") == str(person.pk)
               for s in Session.objects.all())


def _user_model(scim):
    return scim.get_resource_model("User")


def test_discovery_describes_users_groups_and_the_enterprise_extension(scim):
    assert scim.provider.config.patch.supported
    assert {r.name for r in scim.provider.resource_types} == {"User", "Group"}
    assert _user_model(scim) is not None and scim.get_resource_model("Group") is not None


def test_create_find_deactivate_and_reactivate_a_person(scim, small_org, client):
    model = _user_model(scim)
    created = scim.create(model(user_name="nia@example.com", display_name="Nia Okafor",
                                external_id="okta-123", active=True))
    person = Person.objects.get(email="nia@example.com")
    assert created.id == str(person.pk) and person.name == "Nia Okafor"
    found = scim.query(model, query_parameters=SearchRequest(
        filter='userName eq "nia@example.com"'))
    assert found.total_results == 1 and found.resources[0].id == created.id
    none = scim.query(model, query_parameters=SearchRequest(filter='userName eq "nobody@x.org"'))
    assert none.total_results == 0

    # The person signs in, then the identity provider turns them off.
    client.force_login(person)
    assert client.get("/people/").status_code == 200
    assert _sessions_of(person) == 1
    scim.modify(model, created.id, PatchOp[model](operations=[
        PatchOperation[model](op="replace", path="active", value=False)]))
    person.refresh_from_db()
    assert not person.is_active
    assert _sessions_of(person) == 0  # signed out: their session is gone
    assert client.get("/people/").status_code == 302
    assert Person.objects.filter(pk=person.pk).exists()  # history kept

    again = scim.modify(model, created.id, PatchOp[model](operations=[
        PatchOperation[model](op="replace", path="active", value=True)]))
    assert again.active is True
    person.refresh_from_db()
    assert person.is_active


def test_change_manager_with_the_enterprise_extension(scim, small_org):
    model = _user_model(scim)
    created = scim.create(model(user_name="max@example.com", display_name="Max"))
    manager_path = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
    scim.modify(model, created.id, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                    "Operations": [{"op": "replace", "path": manager_path,
                                                    "value": {"value": str(small_org.leo.pk)}}]},
                check_request_payload=False)
    assert Person.objects.get(email="max@example.com").manager == small_org.leo
    scim.modify(model, created.id, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                    "Operations": [{"op": "replace", "path": manager_path,
                                                    "value": {"value": str(small_org.oto.pk)}}]},
                check_request_payload=False)
    read = scim.query(model, created.id)
    assert Person.objects.get(email="max@example.com").manager == small_org.oto
    from craftpath.web.audit.models import Action, Event

    changed = Event.objects.filter(action=Action.MANAGER_CHANGED, subject_name="Max")
    assert {e.actor_email for e in changed} == {"ada@example.com"}  # the SCIM token's owner
    assert read.model_dump()[
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["manager"]["value"] \
        == str(small_org.oto.pk)


def test_an_azure_style_patch_without_a_path_and_with_string_booleans(raw, small_org):
    answer = raw.patch(f"/Users/{small_org.eva.pk}", json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": "False"},
                       {"op": "Replace", "value": {"name.formatted": "Eva Lund"}}]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["active"] is False and answer.json()["displayName"] == "Eva Lund"


def test_a_manager_loop_and_a_taken_username_are_refused(raw, small_org):
    loop = raw.patch(f"/Users/{small_org.mia.pk}", json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "urn:ietf:params:scim:schemas:extension:"
                        "enterprise:2.0:User:manager", "value": str(small_org.eva.pk)}]})
    assert loop.status_code == 400 and "circle" in loop.json()["detail"]
    taken = raw.post("/Users", json={"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                                     "userName": "ian@example.com"})
    assert taken.status_code == 409 and taken.json()["scimType"] == "uniqueness"
    bad_filter = raw.get("/Users", params={"filter": 'name sw "I"'})
    assert bad_filter.status_code == 400 and bad_filter.json()["scimType"] == "invalidFilter"


def test_groups_are_teams(scim, small_org):
    created = scim.create(Group(display_name="Edge ML", members=[
        {"value": str(small_org.ian.pk)}]))
    team = Team.objects.get(name="Edge ML")
    assert created.id == str(team.pk) and list(team.members.all()) == [small_org.ian]
    scim.modify(Group, created.id, PatchOp[Group](operations=[
        PatchOperation[Group](op="add", path="members",
                              value=[{"value": str(small_org.eva.pk)}])]))
    assert set(team.members.all()) == {small_org.ian, small_org.eva}
    scim.modify(Group, created.id, {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                    "Operations": [{"op": "remove", "path":
                                                    f'members[value eq "{small_org.ian.pk}"]'}]},
                check_request_payload=False)
    assert list(team.members.all()) == [small_org.eva]
    found = scim.query(Group, query_parameters=SearchRequest(filter='displayName eq "Edge ML"'))
    assert found.total_results == 1
    user = scim.query(_user_model(scim), str(small_org.eva.pk))
    assert [g.display for g in user.groups] == ["Edge ML"]


def test_without_a_scim_token_of_an_admin_nothing_is_answered(live_server, transactional_db,
                                                              small_org):
    for secret, status in (("", 401), ("cpt_wrong", 401),
                           (tokens.create(small_org.ada, "x", "admin").secret, 403)):
        answer = httpx2.get(f"{live_server.url}/scim/v2/Users",
                            headers={"Authorization": f"Bearer {secret}"} if secret else {})
        assert answer.status_code == status
        assert answer.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    secret = tokens.create(small_org.ada, "x", "scim").secret
    small_org.ada.revoke("admin")  # the token holder is no longer an admin
    answer = httpx2.get(f"{live_server.url}/scim/v2/Users",
                        headers={"Authorization": f"Bearer {secret}"})
    assert answer.status_code == 403

