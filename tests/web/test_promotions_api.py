"""Promotions through the API with tokens: the same actions as the pages, so the same people
see and do the same things; a decision needs If-Match and a second one is refused (412);
webhooks promotion.nominated and promotion.decided carry levels and ids, never reasons or
votes. The world is test_promotions_actions.py's, built once for the module."""

from __future__ import annotations

import pytest
from django.utils import timezone

from craftpath.web.accounts.models import User
from craftpath.web.api.models import Delivery, WebhookEndpoint
from craftpath.web.promotions.models import Case, Committee, Decision, Round, Vote

from .api_helpers import token_client
from .conftest import FAMILY, built_once_per_module
from .test_promotions_actions import build_world, given_feedback


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, seed_load):
    yield from built_once_per_module(django_db_blocker, lambda: build_world(seed_load))


@pytest.fixture
def world(shared_world, db):
    return shared_world


def api(world, name, scope="write"):
    return token_client(User.objects.get(pk=world[name]), scope)


def test_the_people_team_opens_a_round_and_adds_a_committee(world):
    pia = api(world, "pia")
    answer = pia.post("/api/v1/promotions/rounds", {
        "name": "Autumn", "nominate_due": "2030-01-01", "review_due": "2030-01-08",
        "decide_due": "2030-01-15"})
    assert answer.status_code == 201 and answer.json()["stage"] == "nominations"
    pk = answer.json()["id"]
    answer = pia.post(f"/api/v1/promotions/rounds/{pk}/committees", {
        "name": "Seniors", "family": FAMILY, "levels": ["level-1"],
        "chair_email": "mia@example.com", "member_emails": ["oto@example.com"]})
    assert answer.status_code == 201
    assert set(answer.json()["member_ids"]) == {world["mia"], world["oto"]}
    assert pia.get(f"/api/v1/promotions/rounds/{pk}").json()["committees"][0]["levels"] == [
        "level-1"]
    assert api(world, "leo").get("/api/v1/promotions/rounds").status_code == 403


def test_bad_input_names_the_field(world):
    answer = api(world, "pia").post("/api/v1/promotions/rounds", {
        "name": "Autumn", "nominate_due": "2030-02-01", "review_due": "2030-01-08",
        "decide_due": "2030-01-15"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "review_due"
    answer = api(world, "leo").post(f"/api/v1/promotions/rounds/{world['round']}/cases", {
        "person_id": world["eva"], "target_level": "level-5", "statement": "x"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "target_level"
    assert Round.objects.count() == 1 and Case.objects.count() == 1


def test_a_manager_nominates_and_the_webhook_carries_no_statement(world,
                                                                 django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="whsec_AAAA",
                                   events=["promotion.nominated", "promotion.decided"],
                                   owner=User.objects.get(pk=world["ada"]))
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(world, "leo").post(f"/api/v1/promotions/rounds/{world['round']}/cases", {
            "person_id": world["eva"], "target_level": "level-3",
            "statement": "Eva's secret case."})
    assert answer.status_code == 201
    delivery = Delivery.objects.get(event="promotion.nominated")
    data = delivery.payload["data"]
    assert (data["person_id"], data["target_level"]) == (world["eva"], "level-3")
    assert "secret" not in str(delivery.payload)
    again = api(world, "leo").post(f"/api/v1/promotions/rounds/{world['round']}/cases", {
        "person_id": world["eva"], "target_level": "level-3", "statement": "x"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "person"


def test_votes_are_the_committees_and_never_the_persons(world):
    url = f"/api/v1/promotions/cases/{world['case']}"
    assert api(world, "sol").put(url + "/vote", {"choice": "promote",
                                                 "comment": "ok"}).status_code == 200
    assert api(world, "mia").put(url + "/vote", {"choice": "promote"}).status_code == 403
    assert api(world, "zed").put(url + "/vote", {"choice": "promote"}).status_code == 404
    assert Vote.objects.count() == 1
    assert [v["member_id"] for v in api(world, "oto").get(url + "/votes").json()["votes"]] == [
        world["sol"]]
    for name, status in (("ian", 403), ("leo", 403), ("eva", 403), ("ada", 404)):
        assert api(world, name).get(url + "/votes").status_code == status, name
    assert api(world, "ian").get(url).json()["target_level"] == "level-3"


def test_a_decision_needs_if_match_and_a_second_is_refused(world,
                                                          django_capture_on_commit_callbacks):
    WebhookEndpoint.objects.create(url="http://127.0.0.1:9/hook", secret="whsec_AAAA",
                                   events=["promotion.decided"],
                                   owner=User.objects.get(pk=world["ada"]))
    oto = api(world, "oto")
    url = f"/api/v1/promotions/cases/{world['case']}"
    body = {"outcome": "promote", "reasons": "Ready, with reasons Ian reads.",
            "effective_date": str(timezone.localdate())}
    assert oto.post(url + "/decision", body).status_code == 428
    assert api(world, "zed").post(url + "/decision", body).status_code == 404
    etag = oto.get(url)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        assert oto.post(url + "/decision", body, if_match=etag).status_code == 201
    second = oto.post(url + "/decision", {**body, "outcome": "decline"}, if_match=etag)
    assert second.status_code == 412 and "already decided" in second.json()["detail"]
    assert second.json()["current"]["outcome"] == "promote"
    assert Decision.objects.get().outcome == "promote"
    payload = Delivery.objects.get(event="promotion.decided").payload
    assert payload["data"]["outcome"] == "promote" and "reasons" not in str(payload)
    assert api(world, "ian").get(url).json()["decision"]["reasons"].startswith("Ready")


def test_a_read_token_cannot_vote_and_the_calibration_view_leaves_out_recusals(world):
    url = f"/api/v1/promotions/cases/{world['case']}/vote"
    assert api(world, "sol", "read").put(url, {"choice": "promote"}).status_code == 403
    assert Vote.objects.count() == 0
    committee = Committee.objects.get()
    assert api(world, "mia").get(
        f"/api/v1/promotions/committees/{committee.pk}/cases").json()["items"] == []
    assert [c["id"] for c in api(world, "sol").get(
        f"/api/v1/promotions/committees/{committee.pk}/cases").json()["items"]] == [
        world["case"]]


def test_the_person_shares_peer_feedback_and_the_committee_reads_it(world):
    request = given_feedback(world, "eva")
    url = f"/api/v1/promotions/cases/{world['case']}"
    assert api(world, "oto", "read").get(url).json()["shared_feedback"] == []
    refused = api(world, "leo").put(f"{url}/feedback", {"feedback_ids": [request.pk]})
    assert refused.status_code == 403
    wrong = api(world, "ian").put(f"{url}/feedback", {"feedback_ids": [10**9]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "feedback"
    shared = api(world, "ian").put(f"{url}/feedback", {"feedback_ids": [request.pk]})
    assert shared.status_code == 200 and shared["ETag"] == '"1"'
    seen = api(world, "oto", "read").get(url).json()["shared_feedback"]
    assert [(f["id"], f["colleague_id"]) for f in seen] == [(request.pk, world["eva"])]
    assert "unblocked our release" in str(seen[0]["answers"])
    assert api(world, "ian", "read").put(f"{url}/feedback",
                                         {"feedback_ids": []}).status_code == 403
