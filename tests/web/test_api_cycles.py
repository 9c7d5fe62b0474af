"""Review cycles through the API: the people team creates, launches, follows, reminds, moves
deadlines (If-Match with the cycle's revision), hands reviews over and closes, with the same
rules and refusals as the pages; everyone else is refused."""

from __future__ import annotations

import pytest

from craftpath.web.checkins.models import CheckIn
from craftpath.web.cycles.models import Cycle
from craftpath.web.notifications.models import Kind, Notification

SPRING = {"name": "Spring 2030", "self_due": "2030-03-09", "review_due": "2030-03-16",
          "agree_due": "2030-03-23", "close_due": "2030-03-30"}


@pytest.fixture
def people_team(small_org, api_as):
    return api_as(small_org.pia, "write")


def created(api, **fields) -> dict:
    answer = api.post("/api/v1/cycles", {**SPRING, **fields})
    assert answer.status_code == 201, answer.json()
    assert answer["ETag"] == '"0"'
    return answer.json()


def test_the_people_team_creates_a_cycle_and_bad_input_names_the_field(
        small_org, published_seed, people_team, api_as):
    bad = people_team.post("/api/v1/cycles", {
        **SPRING, "audience": "team", "audience_value": "Nowhere", "review_due": "2030-03-01"})
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    fields = {error["field"]: error["detail"] for error in bad.json()["errors"]}
    assert "No team called 'Nowhere'" in fields["audience_value"]
    assert "cannot come before the self-assessment deadline" in fields["close_due"]
    unknown = people_team.post("/api/v1/cycles", {**SPRING, "version": "v99"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "version"
    missing = people_team.post("/api/v1/cycles", {"name": "No dates"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "self_due"
    assert not Cycle.objects.exists()
    cycle = created(people_team)
    assert (cycle["state"], cycle["version"], cycle["audience"]) == (
        "draft", published_seed.label, "everyone")
    assert Cycle.objects.get().created_by == small_org.pia
    # Others are refused whatever they send; a read token cannot write.
    for person, scope in ((small_org.mia, "write"), (small_org.ada, "admin")):
        assert api_as(person, scope).post("/api/v1/cycles", SPRING).status_code == 403
        assert api_as(person, scope).get("/api/v1/cycles").status_code == 403
    read = api_as(small_org.pia, "read")
    assert read.post("/api/v1/cycles", SPRING).status_code == 403
    assert read.get(f"/api/v1/cycles/{cycle['id']}").status_code == 200


def test_cycles_list_by_state_a_page_at_a_time(small_org, published_seed, people_team):
    ids = [created(people_team, name=f"Cycle {n}")["id"] for n in range(3)]
    people_team.post(f"/api/v1/cycles/{ids[0]}/launch")
    first = people_team.get("/api/v1/cycles?limit=2").json()
    second = people_team.get(f"/api/v1/cycles?limit=2&cursor={first['next_cursor']}").json()
    assert [c["id"] for c in first["items"] + second["items"]] == ids
    assert second["next_cursor"] is None
    running = people_team.get("/api/v1/cycles?state=running").json()["items"]
    drafts = people_team.get("/api/v1/cycles?state=draft").json()["items"]
    assert [c["id"] for c in running] == ids[:1] and [c["id"] for c in drafts] == ids[1:]
    bad = people_team.get("/api/v1/cycles?state=sleeping")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "state"


def test_launching_opens_check_ins_and_the_cycle_shows_its_progress(small_org, published_seed,
                                                                   people_team):
    cycle = created(people_team)
    launched = people_team.post(f"/api/v1/cycles/{cycle['id']}/launch")
    assert launched.status_code == 200, launched.json()
    body = launched.json()
    assert body["state"] == "running" and body["skipped"] == []
    assert body["progress"]["people"] == 8 == CheckIn.objects.count()
    assert body["progress"]["totals"] == {"not-started": 8}
    assert Notification.objects.filter(kind=Kind.CYCLE_LAUNCHED).count() == 8
    again = people_team.post(f"/api/v1/cycles/{cycle['id']}/launch")
    assert again.status_code == 409 and "launched already" in again.json()["detail"]
    assert CheckIn.objects.count() == 8
    # Who is in it, filtered and a page at a time.
    ian = CheckIn.objects.get(person=small_org.ian)
    ian.self_submitted_at = ian.started_at
    ian.save()
    url = f"/api/v1/cycles/{cycle['id']}/participants"
    submitted = people_team.get(f"{url}?status=submitted").json()["items"]
    assert [(p["person_id"], p["checkin_id"], p["reviewer_id"]) for p in submitted] == [
        (small_org.ian.pk, ian.pk, small_org.leo.pk)]
    first = people_team.get(f"{url}?limit=5").json()
    rest = people_team.get(f"{url}?limit=5&cursor={first['next_cursor']}").json()
    assert len(first["items"]) == 5 and len(rest["items"]) == 3 and rest["next_cursor"] is None
    assert people_team.get(f"{url}?late=true").json()["items"] == []  # deadlines in 2030
    counts = people_team.get(f"/api/v1/cycles/{cycle['id']}").json()["progress"]["totals"]
    assert counts == {"not-started": 7, "submitted": 1}


def test_a_deadline_moves_with_the_revision_read_and_a_stale_one_is_refused(
        small_org, published_seed, people_team):
    cycle = created(people_team)
    url = f"/api/v1/cycles/{cycle['id']}/deadlines/review"
    blind = people_team.put(url, {"date": "2030-03-18"})
    assert blind.status_code == 428 and blind.json()["errors"][0]["field"] == "If-Match"
    etag = people_team.get(f"/api/v1/cycles/{cycle['id']}")["ETag"]
    moved = people_team.put(url, {"date": "2030-03-18"}, if_match=etag)
    assert moved.status_code == 200 and moved.json()["review_due"] == "2030-03-18"
    assert moved["ETag"] == '"1"'
    stale = people_team.put(url, {"date": "2030-03-20"}, if_match=etag)
    assert stale.status_code == 412 and stale.json()["errors"][0]["field"] == "If-Match"
    assert str(Cycle.objects.get().review_due) == "2030-03-18"
    backwards = people_team.put(url, {"date": "2030-03-01"}, if_match=moved["ETag"])
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "date"
    assert "cannot come before" in backwards.json()["detail"]
    nowhere = people_team.put(f"/api/v1/cycles/{cycle['id']}/deadlines/lunch",
                              {"date": "2030-03-18"}, if_match=moved["ETag"])
    assert nowhere.status_code == 404 and nowhere.json()["errors"][0]["field"] == "stage"
    assert Cycle.objects.get().revision == 1


def test_reminding_handing_over_and_closing(small_org, published_seed, people_team):
    cycle = created(people_team)
    base = f"/api/v1/cycles/{cycle['id']}"
    assert people_team.post(f"{base}/remind").status_code == 409  # a draft reminds nobody
    people_team.post(f"{base}/launch")
    reminded = people_team.post(f"{base}/remind")
    assert reminded.status_code == 200 and reminded.json()["reminded"] == 8
    nobody = people_team.post(f"{base}/reviewers", {"from_id": small_org.leo.pk,
                                                    "to_email": "nobody@example.com"})
    assert nobody.status_code == 422 and nobody.json()["errors"][0]["field"] == "to_email"
    unknown = people_team.post(f"{base}/reviewers", {"from_id": 999999,
                                                     "to_email": "oto@example.com"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "from_id"
    handed = people_team.post(f"{base}/reviewers", {"from_id": small_org.leo.pk,
                                                    "to_email": "oto@example.com"})
    assert handed.json() == {"moved": 2}  # Eva's and Ian's
    assert CheckIn.objects.get(person=small_org.ian).reviewer == small_org.oto
    closed = people_team.post(f"{base}/close")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert CheckIn.objects.filter(closed_at=None).count() == 8  # they stay open
    for action, body in (("close", {}), ("remind", {}),
                         ("reviewers", {"to_email": "leo@example.com"})):
        refused = people_team.post(f"{base}/{action}", body)
        assert refused.status_code == 409, action
    # The audit trail names the token's owner for each change; the handover is in the trail
    # of each person whose check-in a new reviewer now reads, on that check-in (so it shows
    # there too), naming the new reviewer and the cycle.
    from craftpath.web.audit.models import Event

    entries = Event.objects.filter(target=f"cycle {cycle['id']}").order_by("seq")
    seen = [(e.actor_email, e.subject_pk, e.detail.split(" (")[0]) for e in entries]
    assert seen == [("pia@example.com", None, "launched: 8 check-ins opened"),
                    ("pia@example.com", None, "closed")]
    handed = Event.objects.filter(detail__startswith="review handed to").order_by("seq")
    assert sorted((e.actor_email, e.subject_pk, e.target, e.detail) for e in handed) == sorted(
        ("pia@example.com", person.pk, f"check-in {CheckIn.objects.get(person=person).pk}",
         "review handed to Oto (oto@example.com) in the cycle Spring 2030")
        for person in (small_org.eva, small_org.ian))
