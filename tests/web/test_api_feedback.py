"""Peer feedback through the API, with the pages' rules: the person or their reviewer asks up
to five colleagues while the check-in is open; a colleague sees the chosen statements and the
person's name, never a rating, and answers or declines once; what was given is for the person
and their reviewers, not the people team and not the other colleagues."""

from __future__ import annotations

import json

import pytest

from craftpath.web.audit.models import Event as AuditEvent
from craftpath.web.checkins.models import FeedbackRequest

from .checkin_helpers import closed, first_ids, start_for, submitted


@pytest.fixture
def ians_checkin(small_org):
    """Ian's check-in with both sides submitted: ratings exist that a colleague must not see."""
    return submitted(start_for(small_org.ian, include_next=False), small_org.ian, small_org.leo,
                     self_value="Exceeds", manager_value="Meets")


def ask(api, checkin, colleague, statements, message=""):
    return api.post(f"/api/v1/checkins/{checkin.pk}/feedback",
                    {"colleague": colleague, "statement_ids": statements, "message": message})


def test_asking_names_the_field_that_is_wrong(small_org, ians_checkin, api_as):
    ian = api_as(small_org.ian)
    statements = first_ids(ians_checkin)
    # (An address nobody has is answered as an ask is: test_actions_feedback.py.)
    for colleague, chosen, field in (("ian@example.com", statements, "colleague"),
                                     ("eva@example.com", ["no-such-statement"], "statement_ids"),
                                     ("eva@example.com", [], "statement_ids")):
        answer = ask(ian, ians_checkin, colleague, chosen)
        assert answer.status_code == 422, (colleague, chosen, answer.json())
        assert answer.json()["errors"][0]["field"] == field
    assert not FeedbackRequest.objects.exists()
    made = ask(ian, ians_checkin, "eva@example.com", statements, "Thanks!")
    assert made.status_code == 201
    assert made.json()["state"] == "requested" and made.json()["answers"] is None
    # Asking again answers as the first ask did (a refusal would tell that the address is
    # someone's), and neither asks nor tells them twice.
    twice = ask(ian, ians_checkin, "eva@example.com", statements, "Thanks!")
    assert (twice.status_code, twice.json()) == (201, made.json())
    assert FeedbackRequest.objects.count() == 1
    assert api_as(small_org.ian, "read").post(
        f"/api/v1/checkins/{ians_checkin.pk}/feedback",
        {"colleague": "mia@example.com", "statement_ids": statements}).status_code == 403


def test_at_most_five_colleagues_and_only_while_open(small_org, api_as):
    checkin = start_for(small_org.ian, include_next=False)
    leo = api_as(small_org.leo)  # the reviewer may ask too
    statements = first_ids(checkin, 1)
    for name in ("eva", "mia", "oto", "sol", "pia"):
        assert ask(leo, checkin, f"{name}@example.com", statements).status_code == 201
    sixth = ask(leo, checkin, "ada@example.com", statements)
    assert sixth.status_code == 409 and "At most 5" in sixth.json()["detail"]
    assert FeedbackRequest.objects.get(colleague=small_org.eva).requested_by == small_org.leo
    done = closed(start_for(small_org.eva, include_next=False), small_org.eva, small_org.leo)
    late = ask(api_as(small_org.eva), done, "ian@example.com", first_ids(done, 1))
    assert late.status_code == 409 and "open" in late.json()["detail"]


def test_the_colleague_sees_the_statements_and_the_name_never_a_rating(small_org, ians_checkin,
                                                                       api_as):
    statements = first_ids(ians_checkin)
    ask(api_as(small_org.ian), ians_checkin, "eva@example.com", statements, "Your view?")
    eva = api_as(small_org.eva)
    listed = eva.get("/api/v1/feedback-requests")
    assert listed.status_code == 200
    (request,) = listed.json()["items"]
    assert request["person"] == "Ian" and request["message"] == "Your view?"
    assert [s["id"] for s in request["statements"]] == statements
    assert all(s["text"] for s in request["statements"])
    text = json.dumps(listed.json())
    assert "Exceeds" not in text and "Meets" not in text and "checkin" not in text
    assert eva.get(f"/api/v1/feedback-requests/{request['id']}").json() == request
    # Nobody else opens it, not even the person or the people team.
    for other in (small_org.ian, small_org.mia, small_org.pia):
        assert api_as(other).get(f"/api/v1/feedback-requests/{request['id']}").status_code \
            == 404
        assert api_as(other).get("/api/v1/feedback-requests").json()["items"] == []


def test_answers_go_to_the_person_and_reviewers_once(small_org, ians_checkin, api_as):
    from craftpath.web.checkins.models import Evidence

    statements = first_ids(ians_checkin)
    ian = api_as(small_org.ian)
    ask(ian, ians_checkin, "eva@example.com", statements)
    ask(ian, ians_checkin, "mia@example.com", statements)
    eva, mia = api_as(small_org.eva), api_as(small_org.mia)
    eva_request = FeedbackRequest.objects.get(colleague=small_org.eva).pk
    url = f"/api/v1/feedback-requests/{eva_request}"
    empty = eva.post(f"{url}/answer", {"comments": {statements[0]: "  "}})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "comments"
    stray = eva.post(f"{url}/answer", {"comments": {"not-asked": "x"}})
    assert stray.status_code == 422 and "not asked about" in stray.json()["detail"]
    item = Evidence.objects.create(owner=small_org.eva, title="Pairing on the pipeline")
    given = eva.post(f"{url}/answer", {"comments": {statements[0]: "Steady and clear."},
                                       "evidence": {statements[0]: [item.pk]}})
    assert given.status_code == 200 and given.json()["state"] == "submitted"
    assert eva.post(f"{url}/answer", {"comments": {statements[0]: "again"}}).status_code == 409
    assert eva.post(f"{url}/decline").status_code == 409
    mia_request = FeedbackRequest.objects.get(colleague=small_org.mia).pk
    declined = mia.post(f"/api/v1/feedback-requests/{mia_request}/decline")
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    # The person and the reviewer read it; the people team and strangers do not.
    feedback_url = f"/api/v1/checkins/{ians_checkin.pk}/feedback"
    for reader in (small_org.ian, small_org.leo):
        items = api_as(reader, "read").get(feedback_url).json()["items"]
        by_state = {i["state"]: i for i in items}
        assert by_state["submitted"]["answers"][statements[0]]["comment"] == \
            "Steady and clear."
        assert by_state["submitted"]["answers"][statements[0]]["evidence"][0]["title"] == \
            "Pairing on the pipeline"
        assert by_state["declined"]["answers"] is None
    only = api_as(small_org.ian).get(f"{feedback_url}?state=declined").json()["items"]
    assert [i["colleague"] for i in only] == ["Mia"]
    assert api_as(small_org.pia).get(feedback_url).status_code == 403
    assert api_as(small_org.sol).get(feedback_url).status_code == 404
    # The reviewer's reading is in the audit trail; Ian's own is not.
    reads = AuditEvent.objects.filter(target=f"check-in {ians_checkin.pk}",
                                      detail="peer feedback (API)")
    assert sorted(reads.values_list("actor_email", flat=True)) == ["leo@example.com"]
