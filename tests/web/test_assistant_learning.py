"""The evidence assistant learning from the links people make, in the app: links queue the
background task, which learns them; suggestions for someone else then lean to the statement and
say why, without ever showing the evidence; erasing or anonymising the person who made the links
removes what was learned from them; the people team's switch turns learning off and forgets."""

from __future__ import annotations

import pytest

from craftpath.web.actions import rights
from craftpath.web.audit.models import Event
from craftpath.web.checkins import learning, loop
from craftpath.web.checkins.models import AssistantSettings, Evidence, LearnedLink
from craftpath.web.checkins.suggestions import _model

from .checkin_helpers import HTMX, start_for

TARGET = "ai-governance.level-4.1"
# Suggestions name a statement by its words, not its id (ids are not shown to people): the
# statement's text up to its end (the seed's Level 3 goes on after "mitigate them").
TARGET_TEXT = "I understand risks from ML such as model bias and model drift, and am able to " \
    "mitigate them.<br>"
TYPED = {"title": "Zorblat quindle calibration", "description": "Ran it for the fleet"}
SECRET = "Nightjar"  # in the linked evidence only: never shown to anyone else
LEARNED = "people linked similar evidence here"


def suggest(client):
    return client.post("/checkins/evidence/suggest/", TYPED, **HTMX).content.decode()


def link_jargon(person, count=6):
    """`person` links items written in a made-up jargon to TARGET in their open check-in."""
    checkin = start_for(person)
    for number in range(count):
        item = Evidence.objects.create(
            owner=person, title=f"Zorblat quindle calibration {number}",
            description=f"Quarterly zorblat quindle run for Project {SECRET}")
        loop.attach_new_evidence(checkin, TARGET, item)
    return checkin


def learn():
    return learning.sync(_model()[0])


def first_suggestion(text: str) -> str:
    return text.split('<li>', 1)[1] if "<li>" in text else ""


@pytest.fixture
def learned_from_eva(small_org):
    link_jargon(small_org.eva)
    assert learn() == {"added": 6, "removed": 0}
    return small_org


def test_a_link_queues_the_learning_after_the_commit(small_org,
                                                     django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        link_jargon(small_org.eva, count=1)
    queued = DBTaskResult.objects.filter(task_path__endswith="learn_links")
    assert queued.count() == 1
    assert LearnedLink.objects.count() == 0  # nothing learned inside the request


def test_links_teach_suggestions_for_others_without_showing_their_evidence(client_as,
                                                                         small_org):
    before = suggest(client_as(small_org.ian))
    assert TARGET_TEXT not in first_suggestion(before) and LEARNED not in before
    link_jargon(small_org.eva)
    assert learn() == {"added": 6, "removed": 0}
    assert learn() == {"added": 0, "removed": 0}  # nothing new: nothing done
    after = suggest(client_as(small_org.ian))
    assert TARGET_TEXT in first_suggestion(after)
    assert f"Why: {LEARNED}; " in after
    assert SECRET not in after and "Zorblat quindle calibration 0" not in after


@pytest.mark.parametrize("remove", [rights.erase_person, rights.anonymise_person])
def test_erasing_or_anonymising_a_person_removes_what_was_learned_from_them(
        remove, client_as, learned_from_eva):
    org = learned_from_eva
    ian = client_as(org.ian)
    assert TARGET_TEXT in first_suggestion(suggest(ian))
    remove(org.pia, org.eva.pk, org.eva.email)
    assert LearnedLink.objects.count() == 0
    after = suggest(ian)
    assert LEARNED not in after and TARGET_TEXT not in first_suggestion(after)
    # and the next run of the task finds nothing of theirs to learn again
    assert learn() == {"added": 0, "removed": 0}
    assert LEARNED not in suggest(ian)


def test_unlinking_evidence_forgets_the_link(client_as, learned_from_eva):
    org = learned_from_eva
    checkin = org.eva.checkins.get()
    entry = checkin.entries.get(statement_id=TARGET)
    loop.save_voice(checkin, "self", TARGET, value="", reason="", comment="",
                    revision=entry.self_revision, evidence_ids=[])
    assert learn() == {"added": 0, "removed": 6}
    assert LEARNED not in suggest(client_as(org.ian))


def test_the_people_team_switches_learning_off_and_what_was_learned_is_forgotten(
        client_as, learned_from_eva):
    org = learned_from_eva
    refused = client_as(org.ian).post("/insights/settings/assistant/", {"revision": 0})
    assert refused.status_code == 403
    assert LearnedLink.objects.count() == 6 and learning.current().learning
    people = client_as(org.pia)
    assert "learns from the links people make" in \
        people.get("/insights/settings/").content.decode()
    response = people.post("/insights/settings/assistant/", {"revision": 0}, follow=True)
    assert "no longer learns from links" in response.content.decode()
    assert not AssistantSettings.objects.get().learning
    assert LearnedLink.objects.count() == 0
    assert Event.objects.filter(target="assistant settings").exists()
    assert learn() == {"added": 0, "removed": 0}  # off: the task learns nothing
    assert LEARNED not in suggest(client_as(org.ian))
    people = client_as(org.pia)  # one test client: signed in as Pia again
    stale = people.post("/insights/settings/assistant/", {"revision": 0, "learning": "on"},
                        follow=True)
    assert "changed by someone else" in stale.content.decode()
    assert not learning.current().learning
    people.post("/insights/settings/assistant/", {"revision": 1, "learning": "on"})
    assert learning.current().learning
    assert learn() == {"added": 6, "removed": 0}
    assert TARGET_TEXT in first_suggestion(suggest(client_as(org.ian)))
