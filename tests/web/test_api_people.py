"""People, teams and roles through the API: visibility from access.py, cursor pagination and
filters, admin writes with If-Match, problems naming the field."""

from __future__ import annotations

from craftpath.web.accounts.models import Team, User


def _walk(api, url):
    """Every item of a paginated list, following next_cursor."""
    items, cursor = [], None
    while True:
        answer = api.get(url + (f"&cursor={cursor}" if cursor else "")).json()
        items += answer["items"]
        cursor = answer["next_cursor"]
        if cursor is None:
            return items


def test_people_lists_show_whom_the_caller_may_see(small_org, api_as):
    emails = {p["email"] for p in api_as(small_org.mia).get("/api/v1/people").json()["items"]}
    assert emails == {"mia@example.com", "leo@example.com", "eva@example.com",
                      "ian@example.com"}
    assert len(api_as(small_org.pia).get("/api/v1/people").json()["items"]) == 8
    assert api_as(small_org.ian).get(f"/api/v1/people/{small_org.sol.pk}").status_code == 404


def test_cursor_pagination_walks_everyone_once(small_org, api_as):
    for number in range(25):
        User.objects.create_user(f"p{number}@example.com", name=f"P {number}")
    api = api_as(small_org.pia, "read")
    items = _walk(api, "/api/v1/people?limit=7")
    assert len(items) == 33 and len({p["id"] for p in items}) == 33
    bad = api.get("/api/v1/people?cursor=nonsense")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "cursor"
    too_many = api.get("/api/v1/people?limit=1000")
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "limit"


def test_filters(small_org, api_as):
    api = api_as(small_org.pia, "read")
    reports = api.get(f"/api/v1/people?manager={small_org.leo.pk}").json()["items"]
    assert {p["name"] for p in reports} == {"Eva", "Ian"}
    one = api.get("/api/v1/people?email=IAN@example.com").json()["items"]
    assert [p["id"] for p in one] == [small_org.ian.pk]
    assert {p["level"] for p in api.get("/api/v1/people?level=level-3").json()["items"]} \
        == {"level-3"}


def test_admins_add_and_change_people_with_if_match(small_org, api_as):
    api = api_as(small_org.ada, "admin")
    made = api.post("/api/v1/people", {"email": "New@Example.com", "name": "Nia",
                                       "manager_id": small_org.leo.pk, "level": "level-4",
                                       "tracks": ["all"]})
    assert made.status_code == 201
    person = made.json()
    assert person["email"] == "new@example.com" and person["family"]
    url = f"/api/v1/people/{person['id']}"
    assert api.patch(url, {"name": "Nia B"}).status_code == 428
    etag = api.get(url)["ETag"]
    changed = api.patch(url, {"name": "Nia B"}, if_match=etag)
    assert changed.status_code == 200 and changed.json()["name"] == "Nia B"
    stale = api.patch(url, {"name": "Nia C"}, if_match=etag)
    assert stale.status_code == 412 and stale.json()["current"]["name"] == "Nia B"


def test_the_api_carries_given_and_family_names_and_the_department(small_org, api_as):
    api = api_as(small_org.ada, "admin")
    made = api.post("/api/v1/people", {"email": "nia@example.com", "name": "Nia Okafor",
                                       "given_name": "Nia", "family_name": "Okafor",
                                       "department": "Research"}).json()
    assert (made["given_name"], made["family_name"], made["department"]) == (
        "Nia", "Okafor", "Research")
    url = f"/api/v1/people/{made['id']}"
    changed = api.patch(url, {"family_name": "Bello"}, if_match=api.get(url)["ETag"]).json()
    assert (changed["family_name"], changed["name"]) == ("Bello", "Nia Bello")  # made of them


def test_bad_people_are_refused_naming_every_field(small_org, api_as):
    api = api_as(small_org.ada, "admin")
    answer = api.post("/api/v1/people", {"email": "not-an-email", "name": "X",
                                         "manager_id": 999999, "level": "level-9"})
    assert answer.status_code == 422
    assert {e["field"] for e in answer.json()["errors"]} == {"email", "manager_id", "level"}
    assert not User.objects.filter(name="X").exists()
    taken = api.post("/api/v1/people", {"email": "ian@example.com", "name": "Y"})
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "email"
    missing = api.post("/api/v1/people", {"name": "No email"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "email"


def test_a_manager_loop_is_refused(small_org, api_as):
    api = api_as(small_org.ada, "admin")
    url = f"/api/v1/people/{small_org.mia.pk}"
    answer = api.patch(url, {"manager_id": small_org.eva.pk}, if_match=api.get(url)["ETag"])
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "manager_id"
    assert "circle" in answer.json()["detail"]


def test_roles_and_teams_are_changed_by_admins_only(small_org, api_as):
    admin = api_as(small_org.ada, "admin")
    url = f"/api/v1/people/{small_org.ian.pk}"
    answer = admin.put(url + "/roles", {"roles": ["engineer", "manager"]},
                       if_match=admin.get(url)["ETag"])
    assert answer.status_code == 200 and answer.json()["roles"] == ["engineer", "manager"]
    from craftpath.web.audit.models import Action, Event

    granted = Event.objects.filter(action=Action.ROLE_GRANTED,
                                   subject_pk=small_org.ian.pk).latest("seq")
    assert (granted.actor_email, granted.detail) == ("ada@example.com", "Manager")
    unknown = admin.put(url + "/roles", {"roles": ["king"]}, if_match='"x"')
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "roles"
    team = admin.post("/api/v1/teams", {"name": "Platform"})
    assert team.status_code == 201
    assert admin.post("/api/v1/teams", {"name": "Platform"}).status_code == 409
    assert api_as(small_org.mia).post("/api/v1/teams", {"name": "Mine"}).status_code == 403
    write_not_admin = api_as(small_org.ada, "write")
    assert write_not_admin.post("/api/v1/teams", {"name": "Other"}).status_code == 403
    assert Team.objects.filter(name="Platform").count() == 1


def test_team_members_are_shown_as_far_as_the_caller_may_see(small_org, api_as):
    team = Team.objects.create(name="Edge")
    team.members.add(small_org.ian, small_org.sol)
    seen = api_as(small_org.leo).get(f"/api/v1/teams/{team.pk}").json()
    assert seen["member_ids"] == [small_org.ian.pk]


def test_numbers_beyond_the_database_are_refused_not_a_server_error(small_org, api_as):
    api = api_as(small_org.ada, "admin")
    answer = api.post("/api/v1/people", {"email": "x@example.com", "name": "X",
                                         "team_ids": [2**64]})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "team_ids.0"
    assert api.get(f"/api/v1/people/{2**70}").status_code == 404
    too_big = api.get(f"/api/v1/people?manager={2**70}")
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "manager"


def test_a_body_that_is_not_a_json_object_is_refused(small_org, api_as):
    from django.test import Client

    from craftpath.web.api import tokens

    secret = tokens.create(small_org.ian, "x", "write").secret
    for body in ('"AAA"', "[1]", "12", "{not json"):
        answer = Client().post("/api/v1/evidence", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert answer.status_code == 400, body
        assert answer.json()["errors"] == [{"field": "body",
                                            "detail": "The body must be a JSON object."}]
    assert not small_org.ian.evidence.exists()
