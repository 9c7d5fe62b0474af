"""Peer feedback: the person or their manager asks up to five colleagues about chosen
statements; a colleague sees only those statements and the person's name (never a rating),
answers with comments and their own evidence, or declines; what they wrote shows in the side
by side and the closed record, for the person and their reviewers only."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from craftpath.web.accounts.models import User
from craftpath.web.checkins import feedback, loop
from craftpath.web.checkins.models import CheckIn, Evidence, FeedbackRequest
from craftpath.web.notifications.models import Kind, Notification

from .checkin_helpers import closed, first_ids, start_for, submitted


@pytest.fixture
def eva_checkin(small_org):
    return start_for(small_org.eva)


def ask(client, checkin, email, statements, message=""):
    return client.post(f"/checkins/{checkin.pk}/feedback/", {
        "colleague": email, "statement": statements, "message": message}, follow=True)


def test_the_person_asks_a_colleague_who_sees_only_the_chosen_statements(
        small_org, eva_checkin, client_as):
    wanted = first_ids(eva_checkin, 2)
    loop.save_voice(eva_checkin, "self", wanted[0], value="Exceeds", reason="",
                    comment="my secret self-comment", revision=0)
    reply = ask(client_as(small_org.eva), eva_checkin, "SOL@example.com", wanted,
                "You saw the model launch.")
    assert "Asked." in reply.content.decode()
    request = FeedbackRequest.objects.get()
    assert request.colleague == small_org.sol and request.statement_ids == wanted
    assert Notification.objects.get(kind=Kind.FEEDBACK_REQUESTED).recipient == small_org.sol
    sol = client_as(small_org.sol)
    page = sol.get(f"/checkins/feedback/{request.pk}/").content.decode()
    assert "Feedback for Eva" in page and "You saw the model launch." in page
    from craftpath.web.checkins import scope as scopes

    scope = scopes.of_checkin(eva_checkin)
    for item in scope.items:
        assert (escape(item.statement.text) in page) == (item.statement.id in wanted)
    assert "Exceeds" not in page and "my secret self-comment" not in page
    assert sol.get(f"/checkins/{eva_checkin.pk}/").status_code == 404  # nothing else
    assert "Feedback for Eva" in sol.get("/home/").content.decode()
    assert client_as(small_org.ian).get(f"/checkins/feedback/{request.pk}/").status_code == 404


def test_the_colleague_answers_with_evidence_and_it_reaches_person_and_reviewers(
        small_org, eva_checkin, client_as):
    wanted = first_ids(eva_checkin, 2)
    request = feedback.ask(eva_checkin, small_org.leo, "sol@example.com", wanted)
    own = Evidence.objects.create(owner=small_org.sol, title="Pairing notes",
                                  link="https://x.example/p")
    not_theirs = Evidence.objects.create(owner=small_org.ian, title="Ian's")
    sol = client_as(small_org.sol)
    empty = sol.post(f"/checkins/feedback/{request.pk}/", {})
    assert empty.status_code == 422 and "at least one statement" in empty.content.decode()
    done = sol.post(f"/checkins/feedback/{request.pk}/", {
        f"comment-{wanted[0]}": "Led the rollout calmly.",
        f"evidence-{wanted[0]}": [own.pk, not_theirs.pk]})
    assert done["Location"] == "/home/"
    request.refresh_from_db()
    assert request.state == "submitted"
    assert [e["title"] for e in request.answers[wanted[0]]["evidence"]] == ["Pairing notes"]
    told = set(Notification.objects.filter(kind=Kind.FEEDBACK_GIVEN)
               .values_list("recipient__name", flat=True))
    assert told == {"Eva", "Leo"}
    again = sol.post(f"/checkins/feedback/{request.pk}/", {f"comment-{wanted[0]}": "More"})
    assert "answered, declined or closed already" in again.content.decode()
    # The side by side (both submitted) and the closed record show it, to person and reviewer.
    eva = User.objects.get(pk=small_org.eva.pk)
    checkin = submitted(eva_checkin, eva, small_org.leo)
    for viewer in (small_org.eva, small_org.leo, small_org.mia):
        page = client_as(viewer).get(f"/checkins/{checkin.pk}/compare/").content.decode()
        assert "Led the rollout calmly." in page and "Pairing notes" in page
    people_team = client_as(small_org.pia).get(f"/checkins/{checkin.pk}/compare/")
    assert "Led the rollout calmly." not in people_team.content.decode()
    loop.agree_matching(checkin)
    loop.close(checkin, small_org.leo)
    record = client_as(small_org.eva).get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Led the rollout calmly." in record


def test_at_most_five_colleagues_and_declined_ones_free_a_place(small_org, eva_checkin,
                                                               client_as):
    ids = first_ids(eva_checkin, 1)
    extra = [User.objects.create_user(f"c{i}@example.com", name=f"C{i}") for i in range(6)]
    client = client_as(small_org.eva)
    for person in extra[:5]:
        ask(client, eva_checkin, person.email, ids)
    refused = ask(client, eva_checkin, extra[5].email, ids)
    assert "At most 5 colleagues" in refused.content.decode()
    declined = FeedbackRequest.objects.get(colleague=extra[0])
    reply = client_as(extra[0]).post(f"/checkins/feedback/{declined.pk}/decline/")
    assert reply["Location"] == "/home/"
    client = client_as(small_org.eva)
    assert "Asked." in ask(client, eva_checkin, extra[5].email, ids).content.decode()
    assert FeedbackRequest.objects.exclude(state="declined").count() == 5


@pytest.mark.parametrize(("email", "statements", "says"), [
    ("eva@example.com", None, "Ask a colleague"),
    # (An address nobody has is answered as an ask is: test_actions_feedback.py.)
    ("sol@example.com", [], "Choose at least one statement"),
    ("sol@example.com", ["not-a-statement"], "Choose at least one statement"),
])
def test_bad_requests_say_why_and_change_nothing(small_org, eva_checkin, client_as, email,
                                                 statements, says):
    chosen = first_ids(eva_checkin, 1) if statements is None else statements
    reply = ask(client_as(small_org.eva), eva_checkin, email, chosen)
    assert says in reply.content.decode()
    assert not FeedbackRequest.objects.exists()


def test_asking_twice_and_asking_on_a_closed_check_in_are_refused(small_org, client_as):
    checkin = start_for(small_org.eva)
    ids = first_ids(checkin, 1)
    feedback.ask(checkin, small_org.eva, "sol@example.com", ids)
    with pytest.raises(feedback.FeedbackError, match="asked about this check-in already"):
        feedback.ask(checkin, small_org.eva, "sol@example.com", ids)
    done = closed(checkin, small_org.eva, small_org.leo)
    with pytest.raises(feedback.FeedbackError, match="closed"):
        feedback.ask(done, small_org.eva, "ian@example.com", ids)
    stale = CheckIn.objects.get(pk=done.pk)
    stale.closed_at = None  # as loaded just before the close committed
    with pytest.raises(feedback.FeedbackError, match="closed"):
        feedback.ask(stale, small_org.eva, "ian@example.com", ids)
    late = client_as(small_org.eva).post(f"/checkins/{done.pk}/feedback/", {
        "colleague": "ian@example.com", "statement": ids}, follow=True)
    assert "This check-in is closed" in late.content.decode()  # a page drawn before the close
    assert FeedbackRequest.objects.count() == 1
    page = client_as(small_org.sol).get(
        f"/checkins/feedback/{FeedbackRequest.objects.get().pk}/").content.decode()
    assert "nothing more to do" in page
    # The people team may open the check-in but not its feedback.
    assert client_as(small_org.pia).get(f"/checkins/{done.pk}/feedback/").status_code == 403


def test_a_reviewer_reading_or_asking_is_in_the_audit_trail_as_through_the_api(
        small_org, eva_checkin, client_as):
    from craftpath.web.audit.models import Event

    client_as(small_org.eva).get(f"/checkins/{eva_checkin.pk}/feedback/")  # her own: not news
    leo = client_as(small_org.leo)
    leo.get(f"/checkins/{eva_checkin.pk}/feedback/")
    ask(leo, eva_checkin, "sol@example.com", first_ids(eva_checkin, 1))
    kept = list(Event.objects.filter(target=f"check-in {eva_checkin.pk}").order_by("seq")
                .values_list("actor_pk", "action", "detail"))
    assert kept == [(small_org.leo.pk, "viewed", "peer feedback"),
                    (small_org.leo.pk, "changed", "asked for peer feedback"),
                    (small_org.leo.pk, "viewed", "peer feedback")]  # the page after asking
