"""Check-ins through the API: the same stages as the pages (loop.py), the blind review,
revisions with If-Match (412 when stale, 428 when missing), problems naming the field, and
the audit trail."""

from __future__ import annotations

import pytest

from craftpath.web.audit.models import Event
from craftpath.web.checkins import loop
from craftpath.web.checkins.models import CheckIn

from .checkin_helpers import start_for


@pytest.fixture
def ian_api(small_org, api_as):
    return api_as(small_org.ian)


@pytest.fixture
def leo_api(small_org, api_as):
    return api_as(small_org.leo)


def _rate_all(api, checkin_pk, value="Meets", path="ratings"):
    for row in api.get(f"/api/v1/checkins/{checkin_pk}/ratings").json():
        read = api.get(f"/api/v1/checkins/{checkin_pk}/{path}/{row['statement_id']}")
        answer = api.put(f"/api/v1/checkins/{checkin_pk}/{path}/{row['statement_id']}",
                         {"value": value}, if_match=read["ETag"])
        assert answer.status_code == 200, answer.json()


def test_an_engineer_starts_rates_and_submits(small_org, ian_api):
    started = ian_api.post("/api/v1/checkins", {"include_next_level": True})
    assert started.status_code == 201
    checkin = started.json()
    assert checkin["stage"] == "self-assessment in progress" and checkin["your_side"] == "self"
    assert checkin["next_level"] == "level-3"
    again = ian_api.post("/api/v1/checkins", {})
    assert again.status_code == 409 and "already have an open check-in" in again.json()["detail"]
    early = ian_api.post(f"/api/v1/checkins/{checkin['id']}/submit")
    assert early.status_code == 409 and "still need a rating" in early.json()["detail"]
    _rate_all(ian_api, checkin["id"])
    submitted = ian_api.post(f"/api/v1/checkins/{checkin['id']}/submit")
    assert submitted.json()["stage"] == "awaiting manager review"
    statement = CheckIn.objects.get(pk=checkin["id"]).entries.first().statement_id
    frozen = ian_api.put(f"/api/v1/checkins/{checkin['id']}/ratings/{statement}",
                         {"value": "Exceeds"}, if_match='"1"')
    assert frozen.status_code == 409 and "submitted" in frozen.json()["detail"]


def test_writes_need_if_match_and_a_stale_one_is_412_with_what_is_stored(small_org,
                                                                         ian_api):
    checkin = start_for(small_org.ian)
    statement = checkin.entries.first().statement_id
    url = f"/api/v1/checkins/{checkin.pk}/ratings/{statement}"
    missing = ian_api.put(url, {"value": "Meets"})
    assert missing.status_code == 428
    assert missing.json()["errors"] == [{"field": "If-Match", "detail": missing.json()["detail"]}]
    etag = ian_api.get(url)["ETag"]
    assert etag == '"0"'
    # Saved meanwhile on the page (the same loop function the page calls).
    loop.save_voice(checkin, "self", statement, value="Exceeds", reason="", comment="from tab",
                    revision=0)
    stale = ian_api.put(url, {"value": "Meets"}, if_match=etag)
    assert stale.status_code == 412 and stale["Content-Type"] == "application/problem+json"
    assert stale.json()["current"]["value"] == "Exceeds"
    assert stale.json()["current"]["comment"] == "from tab"
    fresh = ian_api.put(url, {"value": "Meets"}, if_match=ian_api.get(url)["ETag"])
    assert fresh.status_code == 200 and fresh["ETag"] == '"2"'
    assert fresh.json()["self"]["value"] == "Meets"


@pytest.mark.parametrize("body, field", [
    ({"value": "Brilliant"}, "value"),
    ({"value": "Not applicable"}, "reason"),
    ({"value": "Meets", "comment": "x" * 5001}, "comment"),
])
def test_bad_ratings_are_422_naming_the_field_and_change_nothing(small_org, ian_api, body,
                                                                 field):
    checkin = start_for(small_org.ian)
    statement = checkin.entries.first().statement_id
    answer = ian_api.put(f"/api/v1/checkins/{checkin.pk}/ratings/{statement}", body,
                         if_match='"0"')
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field
    assert checkin.entries.get(statement_id=statement).self_revision == 0


def test_the_review_is_blind_until_both_have_submitted(small_org, ian_api, leo_api):
    checkin = start_for(small_org.ian, include_next=False)
    _rate_all(ian_api, checkin.pk, "Exceeds")
    _rate_all(leo_api, checkin.pk, "Meets")
    seen_by_leo = leo_api.get(f"/api/v1/checkins/{checkin.pk}/ratings").json()
    assert all(row["self"] is None and row["manager"]["value"] == "Meets"
               for row in seen_by_leo)
    seen_by_ian = ian_api.get(f"/api/v1/checkins/{checkin.pk}/ratings").json()
    assert all(row["manager"] is None and row["self"]["value"] == "Exceeds"
               for row in seen_by_ian)
    assert ian_api.post(f"/api/v1/checkins/{checkin.pk}/submit").status_code == 200
    assert all(row["self"] is None for row in
               leo_api.get(f"/api/v1/checkins/{checkin.pk}/ratings").json())
    assert leo_api.post(f"/api/v1/checkins/{checkin.pk}/submit").json()["stage"] == "agreeing"
    both = leo_api.get(f"/api/v1/checkins/{checkin.pk}/ratings").json()
    assert all(row["self"]["value"] == "Exceeds" and row["manager"]["value"] == "Meets"
               for row in both)


def test_outcomes_summary_and_closing_follow_the_loop(small_org, ian_api, leo_api):
    from .checkin_helpers import submitted

    checkin = submitted(start_for(small_org.ian, include_next=False), small_org.ian,
                        small_org.leo)
    early = leo_api.post(f"/api/v1/checkins/{checkin.pk}/close")
    assert early.status_code == 409 and "no agreed outcome" in early.json()["detail"]
    _rate_all(ian_api, checkin.pk, "Meets", path="outcomes")
    summary_url = f"/api/v1/checkins/{checkin.pk}/summary"
    etag = ian_api.get(f"/api/v1/checkins/{checkin.pk}")["ETag"]
    assert ian_api.put(summary_url, {"summary": "Good year"}, if_match=etag).status_code == 200
    stale = leo_api.put(summary_url, {"summary": "Other words"}, if_match=etag)
    assert stale.status_code == 412 and stale.json()["current"]["summary"] == "Good year"
    assert ian_api.post(f"/api/v1/checkins/{checkin.pk}/close").status_code == 403
    closed = leo_api.post(f"/api/v1/checkins/{checkin.pk}/close")
    assert closed.status_code == 200 and closed.json()["stage"] == "closed"
    assert CheckIn.objects.get(pk=checkin.pk).snapshot["version"]


def test_others_cannot_see_or_rate(small_org, api_as):
    checkin = start_for(small_org.ian)
    statement = checkin.entries.first().statement_id
    for stranger in (small_org.sol, small_org.oto, small_org.ada):
        api = api_as(stranger)
        assert api.get(f"/api/v1/checkins/{checkin.pk}").status_code == 404
        assert api.put(f"/api/v1/checkins/{checkin.pk}/ratings/{statement}",
                       {"value": "Meets"}, if_match='"0"').status_code == 404
    people_team = api_as(small_org.pia)
    assert people_team.get(f"/api/v1/checkins/{checkin.pk}").status_code == 200
    assert people_team.put(f"/api/v1/checkins/{checkin.pk}/ratings/{statement}",
                           {"value": "Meets"}, if_match='"0"').status_code == 403


def test_reading_someone_elses_checkin_is_audited(small_org, leo_api):
    checkin = start_for(small_org.ian)
    leo_api.get(f"/api/v1/checkins/{checkin.pk}/ratings")
    entry = Event.objects.get(subject_pk=small_org.ian.pk, target__startswith="check-in")
    assert (entry.actor_pk, entry.action, entry.detail) == (small_org.leo.pk, "viewed",
                                                           "ratings (API)")


def test_checkin_lists_are_filtered_by_who_may_see_them(small_org, api_as):
    for person in (small_org.ian, small_org.eva, small_org.sol):
        start_for(person)
    seen = {row["person_id"] for row in api_as(small_org.leo).get(
        "/api/v1/checkins?state=open").json()["items"]}
    assert seen == {small_org.ian.pk, small_org.eva.pk}
    assert api_as(small_org.ada).get("/api/v1/checkins").json()["items"] == []
