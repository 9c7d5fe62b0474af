"""The home page after signing in: what needs the person now, most urgent first; the people
team sees the running cycles; empty states say what to do next. And the loop's events that
tell people something (submitted, side by side, closed)."""

from __future__ import annotations

from datetime import date, timedelta

from craftpath.web.checkins import feedback, loop
from craftpath.web.checkins.models import CheckIn
from craftpath.web.cycles import launch
from craftpath.web.cycles.models import Cycle
from craftpath.web.notifications.models import Kind, Notification

from .checkin_helpers import close_from_page, fill, first_ids, start_for


def spring(version, **fields):
    today = date.today()
    return launch.launch(Cycle.objects.create(
        name="Spring", version=version, self_due=today + timedelta(days=7),
        review_due=today + timedelta(days=14), agree_due=today + timedelta(days=21),
        close_due=today + timedelta(days=28), **fields))


def test_signing_in_lands_on_home(small_org, client):
    small_org.eva.set_password("a long and unusual passphrase 42")
    small_org.eva.save()
    reply = client.post("/accounts/login/", {"username": "eva@example.com",
                                             "password": "a long and unusual passphrase 42"})
    assert reply["Location"] == "/home/"


def test_an_empty_home_says_what_to_do_next(small_org, client_as):
    page = client_as(small_org.eva).get("/home/").content.decode()
    assert "Nothing needs you right now" in page and "Start a check-in" in page
    people_team = client_as(small_org.pia).get("/home/").content.decode()
    assert "No review cycle is running" in people_team and "/cycles/new/" in people_team


def test_the_most_urgent_comes_first(small_org, published_seed, client_as):
    cycle = spring(published_seed, audience="manager", audience_value="mia@example.com")
    # Leo has his own self-assessment (due in 7 days), and is asked for feedback on Ian's.
    ian = CheckIn.objects.get(person=small_org.ian, closed_at=None)
    feedback.ask(ian, small_org.ian, "leo@example.com", first_ids(ian, 1))
    eva = CheckIn.objects.get(person=small_org.eva, closed_at=None)
    fill(eva, "self")
    loop.submit(eva, "self", small_org.eva)  # Leo reviews it (due in 14 days)
    Cycle.objects.filter(pk=cycle.pk).update(self_due=date.today() - timedelta(days=1))
    page = client_as(small_org.leo).get("/home/").content.decode()
    page = page[page.index("What needs you now"):]
    own = page.index("Your self-assessment")
    review = page.index("Review Eva")
    asked = page.index("Feedback for Ian")
    assert own < review < asked  # late first, then by deadline (ties: reviews first)
    assert 'badge--late">late' in page[own:review] and "late" not in page[review:asked]
    assert "Your review cycle: Spring" in page
    people_team = client_as(small_org.pia).get("/home/").content.decode()
    assert "Running review cycles" in people_team and "Spring" in people_team


def test_waiting_on_the_manager_is_said_without_a_deadline(small_org, published_seed,
                                                          client_as):
    checkin = start_for(small_org.eva)
    fill(checkin, "self")
    loop.submit(checkin, "self", small_org.eva)
    page = client_as(small_org.eva).get("/home/").content.decode()
    assert "Your check-in is with your reviewer" in page
    assert "Review Eva" in client_as(small_org.leo).get("/home/").content.decode()


def test_the_loop_tells_reviewer_and_person_at_each_step(small_org, published_seed,
                                                        client_as):
    checkin = start_for(small_org.eva)
    fill(checkin, "self")
    client_as(small_org.eva).post(f"/checkins/{checkin.pk}/submit/")
    assert Notification.objects.get(kind=Kind.SELF_SUBMITTED).recipient == small_org.leo
    fill(checkin, "manager")
    client_as(small_org.leo).post(f"/checkins/{checkin.pk}/submit/")
    assert Notification.objects.get(kind=Kind.REVIEW_SUBMITTED).recipient == small_org.eva
    assert set(Notification.objects.filter(kind=Kind.SIDE_BY_SIDE)
               .values_list("recipient__name", flat=True)) == {"Eva", "Leo"}
    loop.agree_matching(checkin)
    close_from_page(client_as(small_org.leo), checkin)
    assert Notification.objects.get(kind=Kind.CHECKIN_CLOSED).recipient == small_org.eva
