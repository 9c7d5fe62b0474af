"""Review cycles: the people team creates one (checked form), launches it (a check-in per
person, made like the loop makes one, and everyone told), follows progress per team and
stage, sees who is late, reminds, moves a deadline, hands reviews over and closes it. The
schedule reminds before and after deadlines, once each, on a clock the test moves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from craftpath.web.accounts.models import Team
from craftpath.web.checkins import loop
from craftpath.web.checkins.models import CheckIn
from craftpath.web.cycles import actions, launch, progress
from craftpath.web.cycles.models import Cycle
from craftpath.web.notifications import schedule
from craftpath.web.notifications.models import Kind, Notification

from .checkin_helpers import fill, start_for

TODAY = date(2030, 3, 2)


def a_cycle(version, **fields) -> Cycle:
    dates = {"self_due": TODAY + timedelta(days=7), "review_due": TODAY + timedelta(days=14),
             "agree_due": TODAY + timedelta(days=21), "close_due": TODAY + timedelta(days=28)}
    return Cycle.objects.create(version=version, **{"name": "Spring 2030", **dates, **fields})


def at(day: date, hour: int = 9):
    return timezone.make_aware(timezone.datetime(day.year, day.month, day.day, hour))


def test_the_people_team_creates_a_cycle_with_a_checked_form(small_org, client_as):
    client = client_as(small_org.pia)
    assert "No review cycles yet" in client.get("/cycles/").content.decode()
    from craftpath.web.frameworks.publishing import active_version

    version = active_version()
    bad = client.post("/cycles/new/", {
        "name": "Spring", "version": version.pk, "audience": "team",
        "audience_value": "Nowhere", "self_due": "2030-03-10", "review_due": "2030-03-01",
        "agree_due": "2030-03-20", "close_due": "2030-03-30"})
    text = bad.content.decode()
    assert bad.status_code == 422 and "No team called &#x27;Nowhere&#x27;" in text
    assert "cannot come before the self-assessment deadline" in text
    assert 'class="error-summary"' in text and not Cycle.objects.exists()
    made = client.post("/cycles/new/", {
        "name": "Spring", "version": version.pk, "audience": "everyone", "audience_value": "",
        "include_next_level": "on", "self_due": "2030-03-10", "review_due": "2030-03-17",
        "agree_due": "2030-03-24", "close_due": "2030-03-31"})
    cycle = Cycle.objects.get()
    assert made["Location"] == f"/cycles/{cycle.pk}/" and cycle.created_by == small_org.pia
    page = client.get(made["Location"]).content.decode()
    assert "Launch: open 8 check-ins" in page
    assert client_as(small_org.mia).get("/cycles/new/").status_code == 403


def form_of(cycle: Cycle, **changes) -> dict:
    fields = {"name": cycle.name, "version": cycle.version_id, "audience": cycle.audience,
              "audience_value": cycle.audience_value, "include_next_level": "on",
              **{field: getattr(cycle, field).isoformat()
                 for field in ("self_due", "review_due", "agree_due", "close_due")},
              "revision": cycle.revision}
    return {**fields, **changes}


def test_a_cycle_not_launched_yet_is_edited_with_a_checked_form(small_org, published_seed,
                                                                 client_as):
    cycle = a_cycle(published_seed)
    client = client_as(small_org.pia)
    assert f'href="/cycles/{cycle.pk}/edit/"' in client.get(f"/cycles/{cycle.pk}/").content.decode()
    bad = client.post(f"/cycles/{cycle.pk}/edit/", form_of(cycle, audience="team",
                                                           audience_value="Nowhere"))
    assert bad.status_code == 422 and "No team called" in bad.content.decode()
    saved = client.post(f"/cycles/{cycle.pk}/edit/", form_of(
        cycle, name="Spring 2030, Leo's", audience="manager", audience_value="leo@example.com"),
        follow=True)
    assert "Cycle saved" in saved.content.decode()
    assert "Launch: open 2 check-ins" in saved.content.decode()  # Eva and Ian
    cycle.refresh_from_db()
    assert (cycle.name, cycle.audience_value, cycle.revision) == \
        ("Spring 2030, Leo's", "leo@example.com", 1)
    stale = client.post(f"/cycles/{cycle.pk}/edit/", form_of(cycle, name="Old tab", revision=0),
                        follow=True)
    assert "changed since you opened this page" in stale.content.decode()
    cycle.refresh_from_db()
    assert cycle.name == "Spring 2030, Leo's"
    launch.launch(cycle)
    late = client.post(f"/cycles/{cycle.pk}/edit/", form_of(cycle, name="After launch"),
                       follow=True)
    assert "no longer edited" in late.content.decode()
    cycle.refresh_from_db()
    assert cycle.name == "Spring 2030, Leo's"
    assert f'href="/cycles/{cycle.pk}/edit/"' not in client.get(
        f"/cycles/{cycle.pk}/").content.decode()


def test_a_cycle_not_launched_yet_is_discarded_and_a_launched_one_is_not(small_org,
                                                                         published_seed,
                                                                         client_as):
    draft, running = a_cycle(published_seed), a_cycle(published_seed, name="Running")
    launch.launch(running)
    client = client_as(small_org.pia)
    stale = client.post(f"/cycles/{draft.pk}/discard/", {"revision": 5}, follow=True)
    assert "changed since you opened this page" in stale.content.decode()
    gone = client.post(f"/cycles/{draft.pk}/discard/", {"revision": 0}, follow=True)
    assert gone.redirect_chain[-1][0] == "/cycles/"
    assert "Discarded the cycle “Spring 2030”" in gone.content.decode()
    assert not Cycle.objects.filter(pk=draft.pk).exists()
    kept = client.post(f"/cycles/{running.pk}/discard/", {"revision": running.revision},
                       follow=True)
    assert "no longer edited or discarded" in kept.content.decode()
    assert Cycle.objects.filter(pk=running.pk).exists()
    assert client_as(small_org.leo).post(f"/cycles/{running.pk}/discard/",
                                         {"revision": 0}).status_code == 403


def test_launching_opens_a_check_in_per_person_like_the_loop_and_tells_them(
        small_org, published_seed, client_as):
    start_for(small_org.sol)  # already has an open check-in: left out
    cycle = a_cycle(published_seed)
    reply = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/launch/", follow=True)
    text = reply.content.decode()
    assert "Launched: 7 check-ins opened" in text and "1 left out" in text
    cycle.refresh_from_db()
    assert cycle.skipped == [{"name": "Sol", "email": "sol@example.com",
                              "reason": "already has an open check-in"}]
    launched = CheckIn.objects.get(person=small_org.eva, closed_at=None)
    assert launched.reviewer == small_org.leo  # their manager reviews
    # The same scope and rows as the loop's own start gives (launch writes entries with plain
    # INSERTs, so every column is compared: a new Entry field must be written there too).
    from craftpath.web.checkins.models import Entry

    columns = [f.attname for f in Entry._meta.concrete_fields
               if f.attname not in ("id", "checkin_id", "updated_at")]
    launched_rows = list(launched.entries.values_list(*columns))
    launched.delete()
    by_loop = loop.start(small_org.eva, include_next=True)
    assert list(by_loop.entries.values_list(*columns)) == launched_rows
    assert {f.attname for f in Entry._meta.concrete_fields} == {
        "id", "checkin_id", "updated_at", *columns}
    told = Notification.objects.filter(kind=Kind.CYCLE_LAUNCHED)
    assert told.count() == 7 and not told.filter(recipient=small_org.sol).exists()
    again = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/launch/", follow=True)
    assert "launched already" in again.content.decode()


def test_people_without_a_level_are_left_out_with_the_reason(small_org, published_seed):
    small_org.pia.level_slug = ""
    small_org.pia.save()
    cycle = launch.launch(a_cycle(published_seed))
    reasons = {s["email"]: s["reason"] for s in cycle.skipped}
    assert reasons == {"pia@example.com": "no family or level in the directory"}


@pytest.mark.parametrize(("audience", "value", "expected"), [
    ("team", "edge", {"eva", "ian"}),
    ("manager", "leo@example.com", {"eva", "ian"}),
    ("manager", "MIA@example.com", {"leo", "eva", "ian"}),
    ("level", "Level 3", {"leo", "oto"}),
    ("family", "ml-and-edge-ml-engineer-craft", {"mia", "leo", "eva", "ian", "oto", "sol",
                                                 "pia", "ada"}),
])
def test_the_audience_chooses_who_is_in(small_org, published_seed, audience, value, expected):
    edge = Team.objects.create(name="Edge")
    small_org.eva.teams.add(edge)
    small_org.ian.teams.add(edge)
    cycle = launch.launch(a_cycle(published_seed, audience=audience, audience_value=value))
    names = {p.person.email.split("@")[0] for p in cycle.participants.select_related("person")}
    assert names == expected
    if audience == "team":
        assert set(cycle.participants.values_list("team", flat=True)) == {"Edge"}


def test_progress_per_team_and_stage_and_who_is_late(small_org, published_seed, client_as):
    cycle = launch.launch(a_cycle(published_seed, audience="manager",
                                  audience_value="mia@example.com"))
    eva = CheckIn.objects.get(person=small_org.eva, closed_at=None)
    ian = CheckIn.objects.get(person=small_org.ian, closed_at=None)
    fill(ian, "self")
    loop.submit(ian, "self", small_org.ian)
    first = eva.entries.first()
    loop.save_voice(eva, "self", first.statement_id, value="Meets", reason="", comment="",
                    revision=0)
    before = progress.progress_of(cycle, today=TODAY)
    assert before.totals == {"not-started": 1, "in-progress": 1, "submitted": 1}
    assert before.late_count == 0
    after = progress.progress_of(cycle, today=cycle.self_due + timedelta(days=1))
    assert after.late_count == 2  # Leo and Eva missed the self-assessment; Ian did not
    assert {(p.person.name, stage) for p, stage in after.late} == {
        ("Leo", "Self-assessment"), ("Eva", "Self-assessment")}
    later = progress.progress_of(cycle, today=cycle.review_due + timedelta(days=1))
    assert ("Ian", "Manager review") in {(p.person.name, s) for p, s in later.late}
    page = client_as(small_org.pia).get(f"/cycles/{cycle.pk}/").content.decode()
    assert "Not started" in page and "In progress" in page and "Submitted" in page
    assert client_as(small_org.pia).get("/cycles/").status_code == 200


def test_remind_tells_whoever_still_has_to_act(small_org, published_seed, client_as):
    cycle = launch.launch(a_cycle(published_seed, audience="manager",
                                  audience_value="leo@example.com"))
    ian = CheckIn.objects.get(person=small_org.ian, closed_at=None)
    fill(ian, "self")
    loop.submit(ian, "self", small_org.ian)
    told = actions.remind(cycle, now=at(TODAY))
    reminded = set(Notification.objects.filter(kind=Kind.DEADLINE_APPROACHING)
                   .values_list("recipient__name", flat=True))
    assert told == 1 and reminded == {"Eva"}  # the self-assessment is the current stage
    late = at(cycle.self_due + timedelta(days=1))
    actions.remind(cycle, now=late)
    missed = set(Notification.objects.filter(kind=Kind.DEADLINE_MISSED)
                 .values_list("recipient__name", flat=True))
    # Eva missed her self-assessment; the reviews are Leo's, due later.
    assert missed == {"Eva"}
    assert set(Notification.objects.filter(kind=Kind.DEADLINE_APPROACHING, created_at=late)
               .values_list("recipient__name", flat=True)) == {"Leo"}
    reply = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/remind/", follow=True)
    assert "Reminded" in reply.content.decode()


def test_the_schedule_reminds_once_before_and_once_after_each_deadline(small_org,
                                                                        published_seed):
    cycle = launch.launch(a_cycle(published_seed, audience="manager",
                                  audience_value="leo@example.com"))
    assert schedule.tick(at(TODAY)).reminders == 0  # a week to go: nothing yet
    two_days_before = at(cycle.self_due - timedelta(days=2))
    assert schedule.tick(two_days_before).reminders == 2  # Eva and Ian
    assert schedule.tick(two_days_before + timedelta(hours=5)).reminders == 0  # once only
    missed = at(cycle.self_due + timedelta(days=1))
    assert schedule.tick(missed).reminders == 2
    assert schedule.tick(missed + timedelta(hours=1)).reminders == 0
    assert Notification.objects.filter(kind=Kind.DEADLINE_MISSED).count() == 2
    # Moving the deadline arms its reminders again.
    actions.move_deadline(cycle, "self", cycle.self_due + timedelta(days=3), cycle.revision)
    cycle.refresh_from_db()
    assert schedule.tick(at(cycle.self_due - timedelta(days=1))).reminders == 2
    actions.close_cycle(cycle, now=missed)
    assert schedule.tick(at(cycle.close_due + timedelta(days=1))).reminders == 0


def test_moving_a_deadline_is_checked_and_refuses_a_stale_page(small_org, published_seed,
                                                               client_as):
    cycle = launch.launch(a_cycle(published_seed))
    client = client_as(small_org.pia)
    url = f"/cycles/{cycle.pk}/deadlines/"
    new = (cycle.self_due + timedelta(days=2)).isoformat()
    assert "Deadline moved" in client.post(url, {"stage": "self", "date": new, "revision": 0},
                                           follow=True).content.decode()
    stale = client.post(url, {"stage": "self", "date": new, "revision": 0}, follow=True)
    assert "changed since you opened this page" in stale.content.decode()
    late = (cycle.close_due + timedelta(days=1)).isoformat()
    wrong = client.post(url, {"stage": "review", "date": late, "revision": 1}, follow=True)
    assert "cannot come before the manager review deadline" in wrong.content.decode()
    assert "not a date" in client.post(url, {"stage": "self", "date": "soon", "revision": 1},
                                       follow=True).content.decode()
    cycle.refresh_from_db()
    assert cycle.self_due.isoformat() == new and cycle.revision == 1


def test_reviews_are_handed_to_someone_else_who_may_then_review(small_org, published_seed,
                                                                client_as):
    cycle = launch.launch(a_cycle(published_seed, audience="manager",
                                  audience_value="leo@example.com"))
    eva = CheckIn.objects.get(person=small_org.eva, closed_at=None)
    assert client_as(small_org.oto).get(f"/checkins/{eva.pk}/").status_code == 404
    reply = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/reviewers/", {
        "from": small_org.leo.pk, "to": "oto@example.com"}, follow=True)
    assert "2 reviews handed over" in reply.content.decode()
    eva.refresh_from_db()
    assert eva.reviewer == small_org.oto
    fill(eva, "self")
    loop.submit(eva, "self", small_org.eva)
    oto = client_as(small_org.oto)
    assert oto.get(f"/checkins/{eva.pk}/").status_code == 200
    assert "Review Eva" in oto.get("/home/").content.decode()
    unknown = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/reviewers/", {
        "from": small_org.leo.pk, "to": "gone@example.com"}, follow=True)
    assert "Nobody active in the directory" in unknown.content.decode()


def test_closing_a_cycle_stops_it_and_leaves_check_ins_open(small_org, published_seed,
                                                            client_as):
    cycle = launch.launch(a_cycle(published_seed))
    assert "Your review cycle: Spring 2030" in client_as(small_org.eva).get("/home/") \
        .content.decode()
    reply = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/close/", follow=True)
    assert "Cycle closed" in reply.content.decode()
    assert CheckIn.objects.filter(closed_at=None).count() == 8
    home = client_as(small_org.eva).get("/home/").content.decode()
    assert "Your self-assessment" in home and "Your review cycle" not in home
    again = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/close/", follow=True)
    assert "closed already" in again.content.decode()
    with pytest.raises(launch.CycleError):
        actions.remind(Cycle.objects.get(pk=cycle.pk))


def test_check_ins_outside_cycles_stay_possible(small_org, published_seed, client_as):
    launch.launch(a_cycle(published_seed, audience="manager", audience_value="oto@example.com"))
    reply = client_as(small_org.eva).post("/checkins/start/", {"include_next": "1"})
    assert reply.status_code == 302 and "/areas/" in reply["Location"]
    assert CheckIn.objects.filter(person=small_org.eva, closed_at=None).count() == 1
