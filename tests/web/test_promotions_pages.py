"""The promotion pages: each form answers bad input beside its field (never a traceback), a
stale decision says it was already decided, the calibration view groups and sorts, votes show
only to whom they may. The world is test_promotions_actions.py's, built once for the module."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from craftpath.web.accounts.models import User
from craftpath.web.actions import promotions as actions
from craftpath.web.promotions.models import Case, Committee, Decision, Round

from .conftest import FAMILY, built_once_per_module
from .test_promotions_actions import SOON, build_world, given_feedback


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, seed_load):
    yield from built_once_per_module(django_db_blocker, lambda: build_world(seed_load))


@pytest.fixture
def world(shared_world, db):
    return shared_world


def signed_in(client, world, name):
    client.force_login(User.objects.get(pk=world[name]))
    return client


def test_the_people_team_opens_a_round_and_bad_dates_are_named(world, client):
    client = signed_in(client, world, "pia")
    answer = client.post("/promotions/rounds/new/", {
        "name": "Autumn", "audience": "everyone", "nominate_due": "2030-02-01",
        "review_due": "2030-01-01", "decide_due": "not a date"})
    assert answer.status_code == 422
    assert 'href="#f-decide_due"' in answer.content.decode()
    assert Round.objects.count() == 1
    answer = client.post("/promotions/rounds/new/", {
        "name": "Autumn", "audience": "everyone", "nominate_due": "2030-01-01",
        "review_due": "2030-01-08", "decide_due": "2030-01-15", "self_nomination": "on"})
    opened = Round.objects.get(name="Autumn")
    assert answer["Location"] == f"/promotions/rounds/{opened.pk}/" and opened.self_nomination
    page = client.get(answer["Location"]).content.decode()
    assert "Autumn" in page and "Add a committee" in page


def test_a_committee_with_an_unknown_chair_is_named_on_the_round_page(world, client):
    answer = signed_in(client, world, "pia").post(
        f"/promotions/rounds/{world['round']}/committees/",
        {"name": "Seniors", "family": FAMILY, "chair_email": "nobody@example.com"})
    assert answer.status_code == 422 and "nobody@example.com" in answer.content.decode()
    assert Committee.objects.count() == 1


def test_a_manager_nominates_and_a_level_below_is_refused_beside_the_field(world, client):
    client = signed_in(client, world, "leo")
    url = f"/promotions/rounds/{world['round']}/nominate/"
    page = client.get(url).content.decode()
    assert "Eva" in page and "Sol" not in page
    answer = client.post(url, {"person": world["eva"], "target_level": "level-5",
                               "statement": "x"})
    assert answer.status_code == 422 and 'href="#f-target_level"' in answer.content.decode()
    assert "is not above" in answer.content.decode()
    assert not Case.objects.filter(person_id=world["eva"]).exists()
    answer = client.post(url, {"person": world["eva"], "target_level": "level-3",
                               "statement": "Eva ships."})
    case = Case.objects.get(person_id=world["eva"])
    assert answer["Location"] == f"/promotions/cases/{case.pk}/"
    for bad in ("", "x", "9" * 30):  # never a server error
        assert client.post(url, {"person": bad, "target_level": "level-3",
                                 "statement": "x"}).status_code in (404, 422)


def test_the_case_page_shows_votes_to_the_chair_and_never_to_the_person(world, client):
    actions.cast_vote(User.objects.get(pk=world["sol"]), world["case"], "promote", "Ready.")
    url = f"/promotions/cases/{world['case']}/"
    chair = signed_in(client, world, "oto").get(url).content.decode()
    assert "Ready." in chair and "Recused: Mia" in chair and "Decide" in chair
    person = signed_in(client, world, "ian").get(url).content.decode()
    assert "Ready." not in person and "Your statement" in person
    assert "Ian leads the edge deployment work." in person


def test_a_vote_without_a_choice_is_answered_beside_the_form(world, client):
    answer = signed_in(client, world, "eva").post(f"/promotions/cases/{world['case']}/vote/",
                                                  {"choice": "maybe"})
    assert answer.status_code == 422 and "is not a vote" in answer.content.decode()


def test_deciding_from_a_stale_page_says_it_was_already_decided(world, client):
    client = signed_in(client, world, "oto")
    url = f"/promotions/cases/{world['case']}/decide/"
    form = client.get(url).content.decode()
    assert 'name="revision" value="0"' in form
    today = timezone.localdate().isoformat()
    answer = client.post(url, {"outcome": "promote", "reasons": "", "effective_date": today,
                               "revision": "0"})
    assert answer.status_code == 422 and 'href="#f-reasons"' in answer.content.decode()
    answer = client.post(url, {"outcome": "promote", "reasons": "Ready.",
                               "effective_date": today, "revision": "0"})
    assert answer.status_code == 302
    answer = client.post(url, {"outcome": "decline", "reasons": "Other tab.",
                               "effective_date": today, "revision": "0"})
    assert answer.status_code == 403  # the case is decided: no decision form any more
    assert Decision.objects.get(case_id=world["case"]).outcome == "promote"


def test_the_calibration_view_groups_by_target_level_and_sorts(world, client):
    other = actions.nominate(User.objects.get(pk=world["leo"]), world["round"], world["eva"],
                             "level-1", "Eva for Head of.", today=SOON - timedelta(days=1))
    url = f"/promotions/committees/{world['committee']}/"
    page = signed_in(client, world, "sol").get(url + "?sort=readiness").content.decode()
    assert page.index("To Level 1") < page.index("To Level 3")  # most senior first
    assert f"/promotions/cases/{other.pk}/" in page and f"/promotions/cases/{world['case']}/" \
        in page
    assert f"/promotions/cases/{world['case']}/packet.pdf" in page
    assert signed_in(client, world, "mia").get(url).content.decode().count(
        "/promotions/cases/") == 0  # above both Ian and Eva: recused from each
    assert signed_in(client, world, "ian").get(url).status_code == 404


def test_the_calibration_view_escapes_what_people_typed(world, client):
    User.objects.filter(pk=world["ian"]).update(name="<script>x</script>")
    page = signed_in(client, world, "oto").get(
        f"/promotions/committees/{world['committee']}/").content.decode()
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_the_packet_is_one_click_from_the_case(world, client):
    answer = signed_in(client, world, "sol").get(f"/promotions/cases/{world['case']}/packet.md")
    assert answer.status_code == 200 and "# Promotion packet: Ian" in answer.content.decode()


def test_the_person_shares_peer_feedback_and_the_chair_reads_it(world, client):
    request = given_feedback(world, "eva")
    own = signed_in(client, world, "ian").get(f"/promotions/cases/{world['case']}/")
    assert f'name="feedback" value="{request.pk}"' in own.content.decode()
    chair_page = signed_in(Client(), world, "oto").get(f"/promotions/cases/{world['case']}/")
    assert "unblocked our release" not in chair_page.content.decode()
    shared = signed_in(client, world, "ian").post(f"/promotions/cases/{world['case']}/feedback/",
                                                  {"feedback": [request.pk]})
    assert shared.status_code == 302
    chair_page = signed_in(Client(), world, "oto").get(f"/promotions/cases/{world['case']}/")
    assert "eva: unblocked our release." in chair_page.content.decode()
    assert 'name="feedback"' not in chair_page.content.decode()
    wrong = signed_in(client, world, "ian").post(f"/promotions/cases/{world['case']}/feedback/",
                                                 {"feedback": ["nine"]})
    assert wrong.status_code == 422 and 'href="#f-feedback"' in wrong.content.decode()


def test_the_decisions_export_is_the_people_teams(world, client):
    actions.decide(User.objects.get(pk=world["oto"]), world["case"], "promote", "Ready.",
                   timezone.localdate(), 0)
    answer = signed_in(client, world, "pia").get("/promotions/decisions.csv")
    assert answer.status_code == 200 and "ian@example.com" in answer.content.decode()
    assert signed_in(client, world, "leo").get("/promotions/decisions.csv").status_code == 403
    workbook = signed_in(client, world, "pia").get("/promotions/decisions.xlsx")
    assert workbook.status_code == 200 and workbook.content.startswith(b"PK")
    assert "promotion-decisions.xlsx" in workbook["Content-Disposition"]
    assert signed_in(client, world, "leo").get("/promotions/decisions.xlsx").status_code == 403


def test_the_figures_page_groups_by_level_or_team_and_refuses_anything_else(world, client):
    actions.decide(User.objects.get(pk=world["oto"]), world["case"], "promote", "Ready.",
                   timezone.localdate(), 0)
    client = signed_in(client, world, "pia")
    page = client.get("/promotions/figures/").content.decode()
    assert "Everyone" in page and "withheld" in page  # one decided case: under the minimum
    assert client.get("/promotions/figures/?by=team").status_code == 200
    assert client.get("/promotions/figures/?by=planet").status_code == 400
    by_attribute = client.get("/promotions/figures/?by=attribute&attribute=location")
    assert by_attribute.status_code == 200
    assert by_attribute.content.decode().count("<h2>Time in level now</h2>") == 1
    assert client.get("/promotions/figures/?by=attribute&attribute=shoes").status_code == 400
    assert signed_in(client, world, "leo").get("/promotions/figures/").status_code == 403


def test_the_persons_page_shows_their_level_history_to_whoever_sees_their_progress(world,
                                                                                   client):
    from craftpath.web.actions import OPERATOR

    actions.decide(User.objects.get(pk=world["oto"]), world["case"], "promote", "Ready.",
                   timezone.localdate(), 0)
    actions.apply_due_decisions(OPERATOR)
    page = signed_in(client, world, "leo").get(f"/people/{world['ian']}/").content.decode()
    assert "Level history" in page and f'/promotions/cases/{world["case"]}/' in page
    history = page[page.index("Level history"):]
    assert "level-4 →" not in history and "→ level-3" not in history  # the framework's names
    people = signed_in(Client(), world, "pia").get("/people/").content.decode()
    assert timezone.localdate().strftime("%-d %b %Y") in people  # "in level since" today
    admin = signed_in(Client(), world, "ada").get(f"/people/{world['ian']}/")
    assert admin.status_code == 200 and "Level history" not in admin.content.decode()
