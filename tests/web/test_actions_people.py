"""People changes through the actions layer (actions/people.py), by every door: the API, SCIM,
the admin site and the command line. Nobody grants or removes their own roles, or makes
anyone report to them or below them; a refusal changes nothing; an allowed change is on the
audit trail once, naming who made it; a changed sign-in address is recorded, told to the old
address, and does not hand the account to whoever set it."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from craftpath.cli import main
from craftpath.web import access
from craftpath.web.accounts.models import Invitation, Role, RoleGrant, Team, User
from craftpath.web.actions import OPERATOR, Refused
from craftpath.web.actions import people as actions
from craftpath.web.api import tokens
from craftpath.web.audit.models import Action, Event

from .admin_helpers import person_form
from .api_helpers import TokenClient
from .mail_helpers import run_queue

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
PASSWORD = "a long and unusual passphrase 42"


def snapshot() -> dict:
    """Everything a people change could touch."""
    return {
        "people": sorted(User.objects.values_list("pk", "email", "name", "manager_id",
                                                  "is_active", "email_confirmed", "password",
                                                  "family_slug", "level_slug")),
        "roles": sorted(RoleGrant.objects.values_list("person_id", "name")),
        "teams": sorted(Team.objects.values_list("pk", "name")),
        "members": sorted(User.teams.through.objects.values_list("user_id", "team_id")),
        "invitations": sorted(Invitation.objects.values_list("pk", "revoked_at")),
        "trail": Event.objects.count(),
    }


class Scim:
    """SCIM requests through Django's test client (the live-server tests are test_scim.py)."""

    def __init__(self, person):
        self.client = Client()
        self.auth = f"Bearer {tokens.create(person, 'idp', 'scim').secret}"

    def call(self, method, path, body=None):
        extra = {"HTTP_AUTHORIZATION": self.auth}
        if body is None:
            return getattr(self.client, method)(f"/scim/v2{path}", **extra)
        return getattr(self.client, method)(f"/scim/v2{path}", json.dumps(body),
                                            content_type="application/scim+json", **extra)

    def patch_user(self, person, path, value):
        return self.call("patch", f"/Users/{person.pk}", {
            "schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": path,
                                                   "value": value}]})


def last_seq() -> int:
    return Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def entries_after(seq: int, **filters):
    """The trail's entries written after entry `seq` (the fixtures write some of their own)."""
    return Event.objects.filter(seq__gt=seq, **filters).order_by("seq")


def _etag(api, person) -> str:
    return api.get(f"/api/v1/people/{person.pk}")["ETag"]


# --- finding 1: nobody grants themselves roles -------------------------------------------------

def test_an_admin_cannot_change_their_own_roles_through_the_api(small_org, api_as):
    ada = small_org.ada
    api = api_as(ada, "admin")
    etag = _etag(api, ada)
    before = snapshot()
    for roles in (["admin", "people"], ["admin", "manager"], []):
        answer = api.put(f"/api/v1/people/{ada.pk}/roles", {"roles": roles}, if_match=etag)
        assert answer.status_code == 403, roles
        assert answer.json()["errors"][0]["field"] == "roles"
        assert "own roles" in answer.json()["detail"]
    assert snapshot() == before


def test_an_admin_cannot_change_their_own_roles_in_the_admin_site(client_as, small_org):
    ada = small_org.ada
    before = snapshot()
    client_as(ada).post(f"/admin/accounts/user/{ada.pk}/change/",
                        person_form(ada, **{"roles-0-name": "people"}))
    after = snapshot()
    # The page read of one's own record is not kept; nothing else changed either.
    assert after == before


def test_the_action_refuses_ones_own_roles_whoever_calls_it(small_org):
    before = snapshot()
    with pytest.raises(Refused):
        actions.set_roles(small_org.ada, small_org.ada.pk, ["admin", "people"])
    assert snapshot() == before
    # The command line's operator holds the database and may (recorded as the command line).
    start = last_seq()
    actions.set_roles(OPERATOR, small_org.ada.pk, ["admin", "people"])
    granted = entries_after(start).get()
    assert (granted.action, granted.subject_pk, granted.detail) == (
        Action.ROLE_GRANTED, small_org.ada.pk, "People team")
    assert (granted.actor_pk, granted.actor_name) == (None, "command line")


def test_roles_set_for_someone_else_are_recorded_once_naming_the_admin(small_org, api_as):
    api = api_as(small_org.ada, "admin")
    ian = small_org.ian
    etag = _etag(api, ian)
    start = last_seq()
    answer = api.put(f"/api/v1/people/{ian.pk}/roles", {"roles": ["manager"]}, if_match=etag)
    assert answer.status_code == 200 and answer.json()["roles"] == ["manager"]
    changes = entries_after(start)
    assert sorted((e.action, e.detail, e.actor_email) for e in changes) == [
        (Action.ROLE_GRANTED, "Manager", "ada@example.com"),
        (Action.ROLE_REVOKED, "Engineer", "ada@example.com")]


# --- finding 1: nobody makes anyone report to them ---------------------------------------------

def _ada_with_a_report(small_org):
    """Ada (admin) with Ian below her, made by the operator."""
    actions.update_person(OPERATOR, small_org.ian.pk, {"manager_id": small_org.ada.pk})
    return small_org.ada


def test_the_api_refuses_a_reporting_line_to_the_admin_or_below_them(small_org, api_as):
    ada = _ada_with_a_report(small_org)
    api = api_as(ada, "admin")
    sol = small_org.sol
    etag = _etag(api, sol)
    before = snapshot()
    for manager in (ada, small_org.ian):  # the admin, and someone below them
        answer = api.patch(f"/api/v1/people/{sol.pk}", {"manager_id": manager.pk},
                           if_match=etag)
        assert answer.status_code == 403 and answer.json()["errors"][0]["field"] == \
            "manager_id"
        assert "cannot make Sol report to you" in answer.json()["detail"]
    made = api.post("/api/v1/people", {"email": "new@example.com", "name": "New",
                                       "manager_id": ada.pk})
    assert made.status_code == 403
    assert snapshot() == before


def test_scim_refuses_a_reporting_line_to_the_token_holder(small_org):
    ada = _ada_with_a_report(small_org)
    scim = Scim(ada)
    sol = small_org.sol
    before = snapshot()
    for path, value in ((f"{ENTERPRISE}:manager", {"value": str(ada.pk)}),
                        (f"{ENTERPRISE}:manager.value", str(small_org.ian.pk)),
                        (f"{ENTERPRISE}:manager", {"value": ada.email})):
        answer = scim.patch_user(sol, path, value)
        assert answer.status_code == 403, (path, answer.content)
    put = scim.call("put", f"/Users/{sol.pk}", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": sol.email,
        ENTERPRISE: {"manager": {"value": str(ada.pk)}}})
    assert put.status_code == 403
    post = scim.call("post", "/Users", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "n@example.com",
        ENTERPRISE: {"manager": {"value": str(ada.pk)}}})
    assert post.status_code == 403
    assert snapshot() == before


def test_the_admin_site_refuses_a_reporting_line_below_the_admin(client_as, small_org):
    ada = _ada_with_a_report(small_org)
    sol = small_org.sol
    before = snapshot()
    reply = client_as(ada).post(f"/admin/accounts/user/{sol.pk}/change/",
                                person_form(sol, manager=small_org.ian.pk))
    assert reply.status_code == 200 and "cannot make Sol report to you" in \
        reply.content.decode()
    assert snapshot() == before


def test_a_manager_change_is_recorded_once_naming_who_made_it_by_every_door(
        small_org, api_as, client_as):
    sol, eva = small_org.sol, small_org.eva
    api = api_as(small_org.ada, "admin")
    etag = _etag(api, sol)
    start = last_seq()
    assert api.patch(f"/api/v1/people/{sol.pk}", {"manager_id": small_org.mia.pk},
                     if_match=etag).status_code == 200
    assert Scim(small_org.ada).patch_user(sol, f"{ENTERPRISE}:manager",
                                          {"value": str(small_org.leo.pk)}).status_code == 200
    assert client_as(small_org.ada).post(f"/admin/accounts/user/{eva.pk}/change/",
                                         person_form(eva, manager=small_org.oto.pk)
                                         ).status_code == 302
    changes = entries_after(start, action=Action.MANAGER_CHANGED)
    assert [(e.subject_pk, e.actor_email, e.detail) for e in changes] == [
        (sol.pk, "ada@example.com", f"manager: #{small_org.oto.pk} → #{small_org.mia.pk}"),
        (sol.pk, "ada@example.com", f"manager: #{small_org.mia.pk} → #{small_org.leo.pk}"),
        (eva.pk, "ada@example.com", f"manager: #{small_org.leo.pk} → #{small_org.oto.pk}")]


def test_nobody_deactivates_themselves_by_any_door(small_org, api_as, client_as):
    ada = small_org.ada
    before = snapshot()
    api = api_as(ada, "admin")
    answer = api.patch(f"/api/v1/people/{ada.pk}", {"active": False}, if_match=_etag(api, ada))
    assert answer.status_code == 403 and answer.json()["errors"][0]["field"] == "active"
    assert Scim(ada).call("delete", f"/Users/{ada.pk}").status_code == 403
    reply = client_as(ada).post(f"/admin/accounts/user/{ada.pk}/change/",
                                person_form(ada, is_active=None))
    assert reply.status_code == 200 and "their own account" in reply.content.decode()
    after = snapshot()
    assert after["people"] == before["people"] and after["roles"] == before["roles"]


# --- finding 1: the sign-in address ------------------------------------------------------------

def _in_use(person):
    person.set_password(PASSWORD)
    person.save()
    return person


@pytest.mark.django_db(transaction=True)
def test_an_address_changed_through_scim_is_recorded_told_and_cannot_take_the_account(
        small_org, mailoutbox, client):
    mia = _in_use(small_org.mia)
    answer = Scim(small_org.ada).patch_user(mia, "userName", "inbox-of-ada@example.com")
    assert answer.status_code == 200
    mia.refresh_from_db()
    assert mia.email == "inbox-of-ada@example.com" and not mia.email_confirmed
    entry = Event.objects.get(action=Action.CHANGED, target="account: email")
    assert (entry.subject_pk, entry.actor_email) == (mia.pk, "ada@example.com")
    assert "mia@example.com → inbox-of-ada@example.com" in entry.detail
    run_queue()
    told = [m for m in mailoutbox if m.to == ["mia@example.com"]]
    assert len(told) == 1 and "inbox-of-ada@example.com" in told[0].body
    # The changer asks for a reset link: nothing reaches the new address.
    mailoutbox.clear()
    client.post("/accounts/password/reset/", {"email": "inbox-of-ada@example.com"})
    run_queue()
    assert not mailoutbox
    # Mia signs in with her password as before: the address is hers, and resets work again.
    signed_in = client.post("/accounts/login/", {"username": "inbox-of-ada@example.com",
                                                 "password": PASSWORD})
    assert signed_in.status_code == 302
    mia.refresh_from_db()
    assert mia.email_confirmed
    client.post("/accounts/password/reset/", {"email": "inbox-of-ada@example.com"})
    assert [m.to for m in mailoutbox] == [["inbox-of-ada@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_someone_who_signs_in_by_sso_is_not_invited_at_an_address_someone_else_set(
        small_org, mailoutbox):
    sol = small_org.sol  # no password: signs in through single sign-on
    User.objects.filter(pk=sol.pk).update(last_login=timezone.now())
    assert Scim(small_org.ada).patch_user(sol, "userName", "inbox-of-ada@example.com") \
        .status_code == 200
    before = snapshot()
    invited = actions.invite(small_org.pia, [sol.pk])
    assert invited.held == ["inbox-of-ada@example.com"] and not invited.sent
    assert snapshot() == before
    # Nor by the operator: single sign-on still lets her in (User.can_sign_in).
    assert actions.invite(OPERATOR, [sol.pk]).can_sign_in == ["inbox-of-ada@example.com"]


@pytest.mark.django_db(transaction=True)
def test_an_address_changed_through_the_api_and_the_admin_site_is_recorded_and_told(
        small_org, api_as, client_as, mailoutbox):
    leo, oto = _in_use(small_org.leo), _in_use(small_org.oto)
    api = api_as(small_org.ada, "admin")
    assert api.patch(f"/api/v1/people/{leo.pk}", {"email": "leo2@example.com"},
                     if_match=_etag(api, leo)).status_code == 200
    assert client_as(small_org.ada).post(f"/admin/accounts/user/{oto.pk}/change/",
                                         person_form(oto, email="oto2@example.com")
                                         ).status_code == 302
    entries = Event.objects.filter(action=Action.CHANGED, target="account: email")
    assert sorted((e.subject_pk, e.actor_email) for e in entries) == sorted(
        [(leo.pk, "ada@example.com"), (oto.pk, "ada@example.com")])
    run_queue()
    assert sorted(m.to[0] for m in mailoutbox) == ["leo@example.com", "oto@example.com"]
    assert not User.objects.get(pk=leo.pk).email_confirmed


@pytest.mark.django_db(transaction=True)
def test_someone_never_signed_in_gets_their_pending_invitation_at_the_new_address(
        small_org, mailoutbox):
    eva = small_org.eva
    actions.invite(small_org.pia, [eva.pk])
    run_queue()
    actions.update_person(small_org.ada, eva.pk, {"email": "eva.new@example.com"})
    eva.refresh_from_db()
    assert eva.email_confirmed  # nothing of hers to take over: she never signed in
    live = Invitation.objects.filter(person=eva, revoked_at=None)
    assert live.count() == 1 and Invitation.objects.filter(person=eva).count() == 2
    run_queue()
    assert [m.to[0] for m in mailoutbox] == ["eva@example.com", "eva@example.com",
                                             "eva.new@example.com"]  # invited, told, invited


# --- the command line ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_craftpath_invite_says_who_has_a_password_instead_of_inviting_them(
        small_org, capsys, mailoutbox):
    _in_use(small_org.eva)
    assert main(["invite", "eva@example.com", "ian@example.com"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "sent 1 invitation(s)"
    assert "can already sign in" in out and "eva@example.com" in out
    run_queue()
    assert [m.to for m in mailoutbox] == [["ian@example.com"]]
    assert not Invitation.objects.filter(person=small_org.eva).exists()

    # Someone who can sign in is told in one line, as is someone who signed in by single
    # sign-on (no password, but a sign-in behind them).
    small_org.sol.last_login = timezone.now()
    small_org.sol.save()
    for email in ("eva@example.com", "sol@example.com"):
        assert main(["invite", email]) == 0
        assert capsys.readouterr().out.splitlines() == [
            "not invited, they can already sign in (a password reset link is for a forgotten "
            f"password): {email}"]
    assert not Invitation.objects.filter(person__in=[small_org.eva, small_org.sol]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_directory_import_on_the_command_line_is_recorded_as_the_command_line(
        small_org, tmp_path, capsys):
    source = tmp_path / "people.csv"
    source.write_text("email,name,manager_email\nsol@example.com,Sol,mia@example.com\n")
    start = last_seq()
    assert main(["people", "import", str(source)]) == 0
    changed = entries_after(start, action=Action.MANAGER_CHANGED).get()
    assert changed.subject_pk == small_org.sol.pk
    assert (changed.actor_pk, changed.actor_name) == (None, "command line")


# --- the rules are their own ---------------------------------------------------------------------

def test_each_people_policy_has_its_own_rule(small_org):
    ada, pia, ian = small_org.ada, small_org.pia, small_org.ian
    for rule in (access.can_manage_webhooks, access.can_manage_scim,
                 access.can_issue_admin_token, access.can_import_directory,
                 access.can_create_person, access.can_manage_teams):
        assert rule(ada) and not rule(pia) and not rule(ian), rule.__name__
    assert access.can_set_roles(ada, ian) and not access.can_set_roles(ada, ada)
    assert access.can_set_active(ada, ian) and not access.can_set_active(ada, ada)
    assert access.can_change_manager(ada, small_org.sol, small_org.mia)
    assert not access.can_change_manager(ada, small_org.sol, ada)
    assert not access.can_change_manager(pia, small_org.sol, small_org.mia)
    assert access.must_use_two_factor(ada) and access.must_use_two_factor(pia)
    assert not access.must_use_two_factor(ian)


# --- findings 12 and 13 on the API and SCIM side -------------------------------------------

@pytest.mark.parametrize("pk", ["²", "٣", "+7", "07", " 7", str(2**64), "-1", "1e3"])
def test_odd_scim_ids_are_not_found_not_a_server_error(small_org, pk):
    scim = Scim(small_org.ada)
    for path in (f"/Users/{pk}", f"/Groups/{pk}"):
        answer = scim.call("get", path)
        assert answer.status_code == 404, (path, answer.content)
        assert answer["Cache-Control"] == "no-store"


def test_scim_paging_lengths_and_member_ids_are_checked(small_org):
    scim = Scim(small_org.ada)
    far = scim.call("get", "/Users?startIndex=99999999999999999999999")
    assert far.status_code == 200 and far.json()["Resources"] == []
    assert scim.call("get", "/Users?startIndex=²").status_code == 400
    before = snapshot()
    long_name = scim.call("post", "/Groups", {"displayName": "x" * 121})
    assert long_name.status_code == 400 and "displayName" in long_name.json()["detail"]
    long_id = scim.patch_user(small_org.eva, "externalId", "x" * 201)
    assert long_id.status_code == 400 and "externalId" in long_id.json()["detail"]
    long_user = scim.patch_user(small_org.eva, "displayName", "x" * 201)
    assert long_user.status_code == 400 and "displayName" in long_user.json()["detail"]
    odd_member = scim.call("post", "/Groups", {"displayName": "Edge",
                                               "members": [{"value": "²"}]})
    assert odd_member.status_code == 400 and "members" in odd_member.json()["detail"]
    nul = scim.patch_user(small_org.eva, "displayName", "Eva\x00")
    assert nul.status_code == 400
    assert snapshot() == before


def test_scim_answers_are_not_stored(small_org):
    scim = Scim(small_org.ada)
    for path in ("/Users", f"/Users/{small_org.eva.pk}", "/Groups", "/ServiceProviderConfig"):
        assert scim.call("get", path)["Cache-Control"] == "no-store", path
    bad = Client().get("/scim/v2/Users")
    assert bad.status_code == 401 and bad["Cache-Control"] == "no-store"


def test_an_odd_manager_filter_is_not_a_server_error(client_as, small_org, api_as):
    page = client_as(small_org.pia).get("/people/", {"manager": "²"})
    assert page.status_code == 200
    answer = api_as(small_org.pia, "read").get("/api/v1/people?manager=%C2%B2")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "manager"


def test_a_read_tokens_bad_write_is_refused_for_its_scope_first(small_org, api_as):
    api = api_as(small_org.ian, "read")
    before = snapshot()
    answer = api.post("/api/v1/evidence", {"title": ""})  # also an invalid body
    assert answer.status_code == 403 and "write scope" in answer.json()["detail"]
    assert snapshot() == before and not small_org.ian.evidence.exists()


@override_settings(API_RATE_PER_PERSON=3)
def test_the_rate_limit_counts_a_persons_tokens_together(small_org, api_as, monkeypatch):
    from types import SimpleNamespace

    from django.core.cache import cache

    cache.clear()
    # One minute's window throughout, wherever the clock is when the test runs.
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: 6_000_030.0))
    first, second = api_as(small_org.ian, "read"), api_as(small_org.ian, "read")
    statuses = [api.get("/api/v1/people/me").status_code
                for api in (first, second, first, second)]
    assert statuses == [200, 200, 200, 429]
    assert api_as(small_org.eva, "read").get("/api/v1/people/me").status_code == 200


@override_settings(API_TOKENS_PER_PERSON=2)
def test_live_tokens_per_person_are_capped(small_org):
    made = [tokens.create(small_org.ian, f"t{n}", "read") for n in range(2)]
    with pytest.raises(tokens.TokenError, match="already has 2 live tokens"):
        tokens.create(small_org.ian, "third", "read")
    tokens.revoke(made[0].token)
    assert TokenClient(tokens.create(small_org.ian, "third", "read").secret) \
        .get("/api/v1/people/me").status_code == 200


def test_the_admin_import_page_refuses_a_file_that_puts_anyone_under_the_importer(
        client_as, small_org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = "email,name,manager_email\nsol@example.com,Sol,ada@example.com\n"
    before = snapshot()
    page = client_as(small_org.ada).post("/admin/accounts/user/import/", {
        "file": SimpleUploadedFile("people.csv", sheet.encode(), content_type="text/csv")})
    assert page.status_code == 200 and "would come under you" in page.content.decode()
    assert snapshot() == before


def test_team_changes_from_the_admin_site_and_scim_are_recorded_naming_the_admin(
        client_as, small_org):
    start = last_seq()
    assert client_as(small_org.ada).post("/admin/accounts/team/add/",
                                         {"name": "Edge"}).status_code == 302
    team = Team.objects.get(name="Edge")
    scim = Scim(small_org.ada)
    assert scim.call("patch", f"/Groups/{team.pk}", {
        "schemas": [PATCH_OP], "Operations": [
            {"op": "add", "path": "members", "value": [{"value": str(small_org.eva.pk)}]},
            {"op": "replace", "path": "displayName", "value": "Edge ML"}]}).status_code == 200
    assert scim.call("delete", f"/Groups/{team.pk}").status_code == 204
    entries = entries_after(start, target="teams")
    assert [(e.actor_email, e.subject_pk, e.detail) for e in entries] == [
        ("ada@example.com", None, "team Edge added"),
        ("ada@example.com", small_org.eva.pk, "team Edge ML: 1 added, 0 removed"),
        ("ada@example.com", None, "team Edge renamed Edge ML"),
        ("ada@example.com", small_org.eva.pk, "team Edge ML deleted")]
    assert not Team.objects.exists()


def test_reads_of_people_through_the_api_are_on_the_record(small_org, api_as):
    api = api_as(small_org.pia, "read")
    start = last_seq()
    assert api.get(f"/api/v1/people/{small_org.sol.pk}").status_code == 200
    assert api.get("/api/v1/people").status_code == 200
    assert api.get("/api/v1/people/me").status_code == 200  # one's own: not news
    entries = entries_after(start, action=Action.VIEWED)
    assert [(e.actor_email, e.subject_pk, e.target) for e in entries] == [
        ("pia@example.com", small_org.sol.pk, "api: person"),
        ("pia@example.com", None, "people list (api)")]


# --- reads through SCIM ------------------------------------------------------------------------

def test_scim_reads_of_people_are_on_the_trail_and_its_changes_are_recorded_once(small_org):
    sol = small_org.sol
    scim = Scim(small_org.ada)
    start = last_seq()
    assert scim.call("get", f"/Users/{sol.pk}").status_code == 200
    assert scim.call("get", "/Users").status_code == 200
    reads = entries_after(start, action=Action.VIEWED)
    assert [(e.subject_pk, e.target) for e in reads] == [(sol.pk, "SCIM user"),
                                                         (None, "SCIM users")]
    assert reads[1].detail == f"{User.objects.count() - 1} other people"
    # A change answers with the record it left, and only the change is on the trail.
    start = last_seq()
    assert scim.patch_user(sol, "displayName", "Sol Changed").status_code == 200
    assert not entries_after(start, action=Action.VIEWED).exists()
    assert entries_after(start, action=Action.CHANGED, subject_pk=sol.pk).count() == 1


# --- the people-team role: given and taken only by someone who holds it --------------------------

def test_an_admin_cannot_give_or_take_the_people_team_role(small_org):
    """An admin could otherwise create an account on a mailbox they read and make it people
    team, and so read everyone's progress, which the admin role does not show."""
    ada, ian, pia = small_org.ada, small_org.ian, small_org.pia
    before = (sorted(RoleGrant.objects.values_list("person_id", "name")), Event.objects.count())
    with pytest.raises(Refused) as refused:
        actions.set_roles(ada, ian.pk, ["engineer", "people"])
    assert "people-team role" in refused.value.message and refused.value.field == "roles"
    with pytest.raises(Refused):
        actions.set_roles(ada, pia.pk, [])  # taking it away too
    assert (sorted(RoleGrant.objects.values_list("person_id", "name")),
            Event.objects.count()) == before
    # Other roles stay the admin's to give, with the people-team role left as it is.
    actions.set_roles(ada, pia.pk, ["people", "editor"])
    assert set(pia.roles.values_list("name", flat=True)) == {"people", "editor"}


def test_an_admin_in_the_people_team_gives_it(small_org):
    small_org.ada.grant(Role.PEOPLE)
    actions.set_roles(small_org.ada, small_org.ian.pk, ["engineer", "people"])
    assert small_org.ian.roles.filter(name="people").exists()


def test_the_command_line_names_the_first_people_team_member(small_org, capsys):
    ian = small_org.ian
    assert main(["roles", ian.email, "--add", "people"]) == 0
    assert capsys.readouterr().out.strip() == f"{ian.email}: engineer, people"
    assert ian.roles.filter(name="people").exists()
    assert main(["roles", ian.email, "--remove", "people"]) == 0
    assert not ian.roles.filter(name="people").exists()
    assert main(["roles", "nobody@example.com", "--add", "people"]) == 2
    assert "nobody in the directory has the email 'nobody@example.com'" in \
        capsys.readouterr().err
    assert main(["roles", ian.email, "--add", "chief"]) == 2
    assert "unknown role(s) chief" in capsys.readouterr().err
    assert set(ian.roles.values_list("name", flat=True)) == {"engineer"}


def test_the_command_line_creates_the_first_admin_and_invites_them(db, capsys, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # no mail server
    settings.BASE_URL = "https://careers.example.com"
    assert main(["admin", "create", "Ana@Example.com", "--name", "Ana"]) == 0
    said = capsys.readouterr().out
    ana = User.objects.get(email="ana@example.com")
    assert ana.name == "Ana" and ana.has_role(Role.ADMIN) and not ana.has_usable_password()
    link = said.strip().splitlines()[-1]
    assert link.startswith("https://careers.example.com/accounts/invitation/")
    assert Client().get(link.removeprefix("https://careers.example.com")).status_code == 200
    assert Event.objects.filter(subject_pk=ana.pk, detail="invitation sent").exists()
    # A mail server set: the invitation goes by email and no link is printed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert main(["admin", "create", "bo@example.com"]) == 0
    assert "invitation to choose a password is on its way" in capsys.readouterr().out
    assert User.objects.get(email="bo@example.com").name == "bo"
    # An address already in the directory: one line, nothing changed.
    assert main(["admin", "create", "ana@example.com"]) == 2
    assert "ana@example.com already has an account" in capsys.readouterr().err
    assert User.objects.filter(email="ana@example.com").count() == 1
