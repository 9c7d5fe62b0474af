"""The check-in loop, cycles and feedback through the actions layer (actions/checkins.py,
cycles.py, feedback.py, reads.py): the second security review's findings 2, 3, 4 and the
peer-feedback part of 13, each through every door that exposes it, and the blind review
checked against third parties (people team, skip-level manager, admin, a colleague)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from craftpath.web.audit.models import Event
from craftpath.web.checkins import loop
from craftpath.web.checkins.models import CheckIn, FeedbackRequest
from craftpath.web.cycles import launch
from craftpath.web.cycles.models import Cycle
from craftpath.web.notifications.models import Notification

from .checkin_helpers import HTMX, first_ids, start_for, submitted


def a_cycle(version, **fields) -> Cycle:
    return Cycle.objects.create(
        name="Spring 2030", version=version, self_due=date(2030, 3, 9),
        review_due=date(2030, 3, 16), agree_due=date(2030, 3, 23), close_due=date(2030, 3, 30),
        **fields)


def reviewers(*people) -> list:
    return [CheckIn.objects.get(person=p, closed_at=None).reviewer_id for p in people]


def handovers() -> list[Event]:
    return list(Event.objects.filter(detail__startswith="review handed to"))


# --- finding 2: reviews are handed only to someone who could review the person ---------------

@pytest.fixture
def leos_cycle(small_org, published_seed):
    """A running cycle for everyone under Leo (Eva and Ian), Leo reviewing both."""
    return launch.launch(a_cycle(published_seed, audience="manager",
                                 audience_value="leo@example.com"))


def test_2_the_people_team_cannot_hand_reviews_to_itself_through_the_api(
        small_org, leos_cycle, api_as):
    answer = api_as(small_org.pia).post(f"/api/v1/cycles/{leos_cycle.pk}/reviewers",
                                        {"from_id": small_org.leo.pk,
                                         "to_email": "pia@example.com"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "to_email"
    assert "you oversee the review" in answer.json()["detail"]
    assert reviewers(small_org.eva, small_org.ian) == [small_org.leo.pk] * 2
    assert handovers() == []
    checkin = CheckIn.objects.get(person=small_org.eva, closed_at=None)
    assert api_as(small_org.pia).put(
        f"/api/v1/checkins/{checkin.pk}/ratings/{first_ids(checkin, 1)[0]}",
        {"value": "Meets"}, if_match='"0"').status_code == 403


def test_2_the_people_team_cannot_hand_reviews_to_itself_on_the_page(
        small_org, leos_cycle, client_as):
    reply = client_as(small_org.pia).post(f"/cycles/{leos_cycle.pk}/reviewers/", {
        "from": small_org.leo.pk, "to": "pia@example.com"}, follow=True)
    assert "you oversee the review, so you may not write it" in reply.content.decode()
    assert reviewers(small_org.eva, small_org.ian) == [small_org.leo.pk] * 2
    assert handovers() == []


def test_2_nor_to_someone_who_reports_to_the_person(small_org, published_seed, api_as,
                                                   client_as):
    launch.launch(a_cycle(published_seed))  # everyone: Mia reviews Leo, Leo reviews Eva
    cycle = Cycle.objects.get()
    for door in ("api", "page"):
        if door == "api":
            answer = api_as(small_org.pia).post(f"/api/v1/cycles/{cycle.pk}/reviewers", {
                "from_id": small_org.mia.pk, "to_email": "eva@example.com"})
            assert answer.status_code == 422, answer.json()
            said = answer.json()["detail"]
        else:
            said = client_as(small_org.pia).post(f"/cycles/{cycle.pk}/reviewers/", {
                "from": small_org.mia.pk, "to": "eva@example.com"}, follow=True) \
                .content.decode()
        assert "Eva may not review Leo: they report to the person" in said
        assert reviewers(small_org.leo) == [small_org.mia.pk]
        assert handovers() == []


def test_2_a_manager_above_or_someone_apart_may_be_handed_the_review(small_org, leos_cycle,
                                                                     api_as):
    people_team = api_as(small_org.pia)
    url = f"/api/v1/cycles/{leos_cycle.pk}/reviewers"
    up = people_team.post(url, {"from_id": small_org.leo.pk, "to_email": "mia@example.com"})
    assert up.json() == {"moved": 2}  # the skip-level manager
    apart = people_team.post(url, {"from_id": small_org.mia.pk, "to_email": "oto@example.com"})
    assert apart.json() == {"moved": 2}  # a manager elsewhere the people team names
    assert reviewers(small_org.eva, small_org.ian) == [small_org.oto.pk] * 2


def test_2_the_handover_is_shown_to_the_person_on_their_check_in_and_trail(
        small_org, leos_cycle, client_as):
    client_as(small_org.pia).post(f"/cycles/{leos_cycle.pk}/reviewers/", {
        "from": small_org.leo.pk, "to": "oto@example.com"})
    checkin = CheckIn.objects.get(person=small_org.eva, closed_at=None)
    said = "Pia changed review handed to Oto (oto@example.com) in the cycle Spring 2030"
    eva = client_as(small_org.eva)
    assert said in eva.get(f"/checkins/{checkin.pk}/").content.decode()
    assert "review handed to Oto (oto@example.com)" in eva.get("/audit/me/").content.decode()


# --- finding 3: every API read of someone else's data is in the trail ------------------------

def test_3_every_api_read_of_someone_elses_data_is_recorded_and_shown_to_them(
        small_org, api_as, client_as):
    ian, leo = small_org.ian, small_org.leo
    checkin = start_for(ian)
    statement = first_ids(checkin, 1)[0]
    reads = {
        f"/api/v1/people/{ian.pk}": ("profile", "API"),
        f"/api/v1/checkins?person={ian.pk}": (f"check-in {checkin.pk}",
                                               "check-in list (API)"),
        f"/api/v1/checkins/{checkin.pk}": (f"check-in {checkin.pk}", "check-in (API)"),
        f"/api/v1/checkins/{checkin.pk}/ratings/{statement}": (
            f"check-in {checkin.pk}", f"rating (API) {statement}"),
        f"/api/v1/checkins/{checkin.pk}/outcomes/{statement}": (
            f"check-in {checkin.pk}", f"outcome (API) {statement}"),
        f"/api/v1/growth-plans/{ian.pk}": ("growth plan", "growth plan (API)"),
    }
    manager = api_as(leo, "read")
    for url, (target, detail) in reads.items():
        before = Event.objects.count()
        assert manager.get(url).status_code == 200, url
        made = list(Event.objects.filter(seq__gt=before))
        assert [(e.actor_pk, e.action, e.subject_pk, e.target, e.detail) for e in made] == [
            (leo.pk, "viewed", ian.pk, target, detail)], url
    # His own reads are not news.
    own, before = api_as(ian, "read"), Event.objects.count()
    for url in reads:
        assert own.get(url).status_code == 200, url
    assert own.get("/api/v1/people/me").status_code == 200
    assert Event.objects.filter(seq__gt=before).count() == 0
    page = client_as(ian).get("/audit/me/").content.decode()
    for detail in ("check-in list (API)", "growth plan (API)", f"rating (API) {statement}"):
        assert detail in page


def test_3_a_list_records_each_other_person_on_the_page(small_org, api_as):
    for person in (small_org.ian, small_org.eva, small_org.sol, small_org.leo):
        start_for(person)
    api_as(small_org.leo, "read").get("/api/v1/checkins")
    seen = sorted(Event.objects.filter(action="viewed").values_list("subject_pk", flat=True))
    assert seen == sorted([small_org.eva.pk, small_org.ian.pk])  # not his own, not Sol's


# --- finding 4: a move keeps what was submitted blind --------------------------------------

def with_a_new_statement(framework, level="level-4"):
    """The seed framework with one statement added to the first cell at `level`."""
    family = framework.families[0]
    cells = list(family.expectations)
    at = next(i for i, cell in enumerate(cells) if cell.level == level and cell.statements)
    first = cells[at].statements[0]
    added = replace(first, id=f"{first.id}-added", text="I explain new work to the team.")
    cells[at] = replace(cells[at], statements=(*cells[at].statements, added))
    return replace(framework, families=(replace(family, expectations=tuple(cells)),)), added.id


@pytest.fixture
def both_submitted_then_new_version(small_org, seed_framework):
    """Ian's check-in with both sides submitted (Ian: Exceeds, Leo: Meets), and a new version
    published that adds one statement at his level."""
    from craftpath.web.frameworks.publishing import publish_framework

    checkin = submitted(start_for(small_org.ian, include_next=False), small_org.ian,
                        small_org.leo, self_value="Exceeds", manager_value="Meets")
    framework, added = with_a_new_statement(seed_framework)
    publish_framework(framework)
    return checkin, added


def test_4_the_persons_own_move_keeps_both_submissions_and_is_audited(
        small_org, both_submitted_then_new_version, client_as, api_as):
    checkin, added = both_submitted_then_new_version
    ian = client_as(small_org.ian)
    assert ian.post(f"/checkins/{checkin.pk}/carry/").status_code == 302
    moved = CheckIn.objects.get(pk=checkin.pk)
    assert moved.version.label != checkin.version.label
    assert moved.self_submitted_at == checkin.self_submitted_at
    assert moved.manager_submitted_at == checkin.manager_submitted_at
    new = moved.entries.get(statement_id=added)
    assert (new.self_value, new.manager_value, new.added_by_move) == ("", "", True)
    entry = Event.objects.get(target=f"check-in {checkin.pk}",
                              detail__startswith="moved to a new version")
    assert (entry.actor_pk, entry.subject_pk) == (small_org.ian.pk, small_org.ian.pk)
    # What he submitted blind cannot be rewritten now that he has seen Leo's, by either door.
    kept = first_ids(moved, 1)[0]
    revision = moved.entries.get(statement_id=kept).self_revision
    page = ian.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": kept, "value": "Meets", "revision": str(revision)}, **HTMX)
    assert "submitted" in page.content.decode()
    api = api_as(small_org.ian).put(f"/api/v1/checkins/{checkin.pk}/ratings/{kept}",
                                    {"value": "Meets"}, if_match=f'"{revision}"')
    assert api.status_code == 409 and "submitted" in api.json()["detail"]
    assert moved.entries.get(statement_id=kept).self_value == "Exceeds"


def test_4_a_statement_the_move_added_is_rated_and_marked_as_after_seeing(
        small_org, both_submitted_then_new_version, client_as, api_as):
    checkin, added = both_submitted_then_new_version
    ian = client_as(small_org.ian)
    ian.post(f"/checkins/{checkin.pk}/carry/")
    url, api = f"/api/v1/checkins/{checkin.pk}/ratings/{added}", api_as(small_org.ian)
    answer = api.put(url, {"value": "Exceeds"}, if_match=api.get(url)["ETag"])
    assert answer.status_code == 200, answer.json()
    assert answer.json()["self"]["after_seeing"] is True
    page = ian.get(f"/checkins/{checkin.pk}/compare/").content.decode()
    assert page.count("changed after seeing the other side") == 1
    leo = client_as(small_org.leo).get(f"/checkins/{checkin.pk}/compare/").content.decode()
    assert leo.count("changed after seeing the other side") == 1
    # The reviewer rates it too, also marked; both marks stay on the closed record.
    entry = CheckIn.objects.get(pk=checkin.pk).entries.get(statement_id=added)
    assert client_as(small_org.leo).post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": added, "value": "Meets", "revision": str(entry.manager_revision)},
        **HTMX).status_code == 200
    moved = CheckIn.objects.get(pk=checkin.pk)
    for entry in moved.entries.all():
        loop.save_voice(moved, "agreed", entry.statement_id, value="Meets", reason="",
                        comment="", revision=entry.agreed_revision)
    loop.close(moved, small_org.leo)
    record = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/").content.decode()
    assert record.count("changed after seeing the other side") == 2


def test_4_a_move_before_the_other_side_submits_keeps_the_new_statement_blind(
        small_org, seed_framework, api_as, client_as):
    from craftpath.web.frameworks.publishing import publish_framework

    from .checkin_helpers import fill

    checkin = start_for(small_org.ian, include_next=False)
    fill(checkin, "self", "Exceeds")
    loop.submit(checkin, "self", small_org.ian)
    framework, added = with_a_new_statement(seed_framework)
    publish_framework(framework)
    client_as(small_org.leo).post(f"/checkins/{checkin.pk}/carry/")  # the reviewer, this time
    moved = CheckIn.objects.get(pk=checkin.pk)
    assert moved.self_submitted_at is not None and moved.manager_submitted_at is None
    url = f"/api/v1/checkins/{checkin.pk}/ratings/{added}"
    ian = api_as(small_org.ian)
    answer = ian.put(url, {"value": "Meets"}, if_match=ian.get(url)["ETag"])
    assert answer.status_code == 200 and answer.json()["self"]["after_seeing"] is False
    assert answer.json()["manager"] is None  # still blind


# --- finding 13 (peer feedback): asking tells nobody who is in the directory -----------------

def test_13_asking_a_nonexistent_address_answers_as_a_real_ask_and_keeps_nothing(
        small_org, api_as, client_as):
    checkin = start_for(small_org.ian, include_next=False)
    statements = first_ids(checkin, 1)
    api = api_as(small_org.ian)
    url = f"/api/v1/checkins/{checkin.pk}/feedback"
    real = api.post(url, {"colleague": "eva@example.com", "statement_ids": statements})
    nobody = api.post(url, {"colleague": "nobody@example.com", "statement_ids": statements})
    inactive = small_org.sol
    inactive.is_active = False
    inactive.save()
    gone = api.post(url, {"colleague": "sol@example.com", "statement_ids": statements})
    for answer, email in ((real, "eva"), (nobody, "nobody"), (gone, "sol")):
        assert answer.status_code == 201
        assert answer.json() == {**real.json(), "colleague": f"{email}@example.com"}
    page = client_as(small_org.ian)
    said = [page.post(f"/checkins/{checkin.pk}/feedback/", {
        "colleague": email, "statement": statements}, follow=True).content.decode()
        for email in ("mia@example.com", "nobody2@example.com")]
    for text in said:
        assert "Asked. They will see the statements you chose" in text
        assert "Nobody active" not in text
    assert sorted(FeedbackRequest.objects.values_list("colleague__email", flat=True)) == [
        "eva@example.com", "mia@example.com"]
    assert sorted(Notification.objects.values_list("recipient__email", flat=True)) == [
        "eva@example.com", "mia@example.com"]


# --- the blind review, against third parties -------------------------------------------------

SELF_SECRET, REVIEW_SECRET = "ian-self-secret-words", "leo-review-secret-words"


@pytest.fixture
def half_blind(small_org):
    """Ian's check-in: he rated and submitted with a telling comment; Leo rated with one but
    has not submitted. Neither voice is for anyone else yet."""
    checkin = start_for(small_org.ian, include_next=False)
    statement = first_ids(checkin, 1)[0]
    from .checkin_helpers import fill

    fill(checkin, "self", "Exceeds")
    loop.save_voice(checkin, "self", statement, value="Exceeds", reason="", comment=SELF_SECRET,
                    revision=checkin.entries.get(statement_id=statement).self_revision)
    loop.submit(checkin, "self", small_org.ian)
    loop.save_voice(checkin, "manager", statement, value="Meets", reason="",
                    comment=REVIEW_SECRET, revision=0)
    return checkin, statement


def _everything_seen(client, api, checkin, statement) -> str:
    """Every page and API answer about the check-in this viewer gets, as one text."""
    from craftpath.web.checkins import scope as scopes

    area = scopes.of_checkin(checkin).item(statement).area.slug
    texts = []
    for url in (f"/checkins/{checkin.pk}/", f"/checkins/{checkin.pk}/areas/{area}/",
                f"/checkins/{checkin.pk}/compare/", f"/checkins/{checkin.pk}/export.csv"):
        texts.append(client.get(url).content.decode())
    for url in (f"/api/v1/checkins/{checkin.pk}", f"/api/v1/checkins/{checkin.pk}/ratings",
                f"/api/v1/checkins/{checkin.pk}/ratings/{statement}",
                f"/api/v1/checkins/{checkin.pk}/outcomes/{statement}"):
        texts.append(api.get(url).content.decode())
    return "\n".join(texts)


@pytest.mark.parametrize("who", ["pia", "mia", "ada", "sol", "oto"])
def test_third_parties_see_no_voice_before_both_submit(small_org, half_blind, client_as,
                                                       api_as, who):
    checkin, statement = half_blind
    viewer = getattr(small_org, who)
    seen = _everything_seen(client_as(viewer), api_as(viewer, "read"), checkin, statement)
    assert SELF_SECRET not in seen, who
    # Mia, Leo's manager, reviews Ian too (the manager's voice is hers as well); nobody else
    # sees the review.
    assert (REVIEW_SECRET in seen) == (who == "mia"), who


def test_the_two_sides_still_see_their_own_and_all_once_both_submit(small_org, half_blind,
                                                                    client_as, api_as):
    checkin, statement = half_blind
    ian = _everything_seen(client_as(small_org.ian), api_as(small_org.ian, "read"), checkin,
                           statement)
    assert SELF_SECRET in ian and REVIEW_SECRET not in ian
    for entry in checkin.entries.exclude(statement_id=statement):  # Leo finishes his review
        loop.save_voice(checkin, "manager", entry.statement_id, value="Meets", reason="",
                        comment="", revision=entry.manager_revision)
    loop.submit(checkin, "manager", small_org.leo)
    for who in ("pia", "mia"):  # the people team and the skip-level manager, afterwards
        seen = _everything_seen(client_as(getattr(small_org, who)),
                                api_as(getattr(small_org, who), "read"), checkin, statement)
        assert SELF_SECRET in seen and REVIEW_SECRET in seen, who
    for who in ("ada", "sol"):
        seen = _everything_seen(client_as(getattr(small_org, who)),
                                api_as(getattr(small_org, who), "read"), checkin, statement)
        assert SELF_SECRET not in seen and REVIEW_SECRET not in seen, who


# --- the growth plan: a manager's changes are in the person's trail -------------------------

def test_a_managers_changes_to_the_growth_plan_are_recorded_by_either_door(small_org, client_as,
                                                                          api_as):
    from craftpath.web.checkins import plan

    ian, leo = small_org.ian, small_org.leo
    statement = next(s.id for _, _, s in plan.choosable(ian))
    client_as(ian).post(f"/checkins/people/{ian.pk}/goals/", {"goal-title": "His own"})
    assert not Event.objects.filter(target="growth plan").exists()  # his own: not news
    client_as(leo).post(f"/checkins/people/{ian.pk}/focus/", {
        "focus-statement": statement, "focus-note": ""})
    api = api_as(leo)
    goal = api.post(f"/api/v1/growth-plans/{ian.pk}/goals", {"title": "Lead a design review"})
    assert goal.status_code == 201
    assert api.delete(f"/api/v1/growth-plans/{ian.pk}/goals/{goal.json()['id']}") \
        .status_code == 204
    twice = api.post(f"/api/v1/growth-plans/{ian.pk}/focus", {"statement_id": statement})
    assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "statement_id"
    kept = [(e.actor_pk, e.subject_pk, e.detail) for e in
            Event.objects.filter(target="growth plan", action="changed").order_by("seq")]
    assert kept == [(leo.pk, ian.pk, f"focus statement added ({statement})"),
                    (leo.pk, ian.pk, "goal added"), (leo.pk, ian.pk, "goal deleted")]
    # The people team reads the plan but does not change it; nothing is recorded for that.
    people_team = api_as(small_org.pia)
    assert people_team.post(f"/api/v1/growth-plans/{ian.pk}/goals", {"title": "x"}) \
        .status_code == 403
    assert client_as(small_org.pia).post(f"/checkins/people/{ian.pk}/goals/", {
        "goal-title": "x"}).status_code == 403
    assert Event.objects.filter(target="growth plan", action="changed").count() == 3
    from craftpath.web.checkins.models import Goal

    assert list(Goal.objects.filter(person=ian).values_list("title", flat=True)) == ["His own"]


# --- exports: every one is recorded, the person's own included ------------------------------

def test_every_check_in_export_is_recorded_whoever_makes_it(small_org, client_as):
    from .checkin_helpers import closed

    checkin = closed(start_for(small_org.ian, include_next=False), small_org.ian,
                     small_org.leo)
    made = [(small_org.ian, f"/checkins/{checkin.pk}/export.csv", "spreadsheet export (csv)"),
            (small_org.pia, f"/checkins/{checkin.pk}/export.xlsx",
             "spreadsheet export (xlsx)"),
            (small_org.ian, f"/checkins/{checkin.pk}/packet.md", "promotion packet (md)"),
            (small_org.mia, f"/checkins/{checkin.pk}/packet.md", "promotion packet (md)")]
    for who, url, _ in made:
        assert client_as(who).get(url).status_code == 200, url
    kept = [(e.actor_pk, e.subject_pk, e.target, e.detail)
            for e in Event.objects.filter(action="exported").order_by("seq")]
    assert kept == [(who.pk, small_org.ian.pk, f"check-in {checkin.pk}", detail)
                    for who, _, detail in made]
    assert client_as(small_org.sol).get(f"/checkins/{checkin.pk}/packet.md").status_code == 404
    assert Event.objects.filter(action="exported").count() == len(made)
