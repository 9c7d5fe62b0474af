"""Data rights through the actions layer, checked against every table that points at people:
the export holds every row craftpath keeps about a person, and after anonymising nothing
that points at them is left (found by walking the models, so a new table is covered the day
it is added)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from craftpath.web import access
from craftpath.web.accounts.models import Invitation, Note, RecoveryCode, TwoFactorDevice, User
from craftpath.web.actions import OPERATOR, Invalid, NotFound, Refused
from craftpath.web.actions import personal_data as rights
from craftpath.web.actions import rights as rights_actions
from craftpath.web.api.models import AccessToken, ScimExternalId, WebhookEndpoint
from craftpath.web.audit import trail
from craftpath.web.audit.models import Event
from craftpath.web.checkins.models import CheckIn, Evidence, FeedbackRequest, FocusStatement, Goal
from craftpath.web.insights.models import PersonAttribute, QuarterTally, Standing
from craftpath.web.notifications.models import EmailOptOut, Notification

from .checkin_helpers import closed, fill, start_for

NAME, EMAIL = "Zephyrine Quaxley", "eva@example.com"
ATTRIBUTE, EXTERNAL_ID = "Quaxlandish", "ext-zq-4471"


def relations_to_people():
    """(model, field) for every relation any model has to the user model, the reverse side
    of many-to-many fields included (the teams a person is in)."""
    person_model = get_user_model()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.related_model is person_model and (
                    field.concrete or field.many_to_many):
                yield model, field


def rows_naming(model, field, person) -> models.QuerySet:
    return model.objects.filter(**{field.name: person.pk})


@pytest.fixture
def eva_everywhere(small_org, client_as):
    """Eva, renamed to a name found nowhere else, with a row in as many tables that point at
    people as a test can fill: check-ins (closed and open), evidence, growth plan, notes,
    feedback given and received, attributes, a second factor, an invitation, a token, a
    directory id, a webhook, inbox entries (hers, and Leo's about her), an opt-out, the admin
    site's history of her account, and trail entries by and about her."""
    org = small_org
    eva, leo, ian = org.eva, org.leo, org.ian
    eva.name = NAME
    eva.save(update_fields=["name"])
    mine = closed(start_for(eva), eva, leo)
    open_one = start_for(eva)
    fill(open_one, "manager", "Exceeds")
    ians = start_for(ian)
    User.objects.create_user("rex@example.com", name="Rex", manager=eva)  # her report
    Evidence.objects.create(owner=eva, title="Shipped the thing", link="https://e.x")
    Goal.objects.create(person=eva, title="Ship the monitoring")
    FocusStatement.objects.create(person=eva, family_slug=mine.family_slug,
                                  statement_id=mine.entries.first().statement_id)
    Note.objects.create(author=eva, about=eva, text="my own thoughts")
    Note.objects.create(author=eva, about=ian, text="shared about Ian", private=False)
    Note.objects.create(author=leo, about=eva, text="shared by Leo", private=False)
    Note.objects.create(author=leo, about=eva, text="Leo's private note", private=True)
    statements = list(ians.entries.values_list("statement_id", flat=True)[:1])
    FeedbackRequest.objects.create(checkin=ians, colleague=eva, requested_by=ian,
                                   statement_ids=statements, message="Your view?",
                                   answers={statements[0]: "solid work"}, state="answered")
    FeedbackRequest.objects.create(checkin=open_one, colleague=ian, requested_by=eva,
                                   statement_ids=statements, message="Yours?")
    PersonAttribute.objects.create(person=eva, kind="location", value=ATTRIBUTE)
    TwoFactorDevice.objects.create(person=eva, secret="S" * 32)
    RecoveryCode.objects.create(person=eva, digest="d" * 64)
    Invitation.objects.create(person=eva, token_hash="h" * 64, sent_by=org.ada,
                              expires_at=mine.closed_at)
    AccessToken.objects.create(owner=eva, name="laptop", scope="read", prefix="abcd",
                               digest="x" * 64)
    ScimExternalId.objects.create(person=eva, value=EXTERNAL_ID)
    WebhookEndpoint.objects.create(owner=eva, url="https://hooks.example.com/eva",
                                   secret="s" * 32)
    Notification.objects.create(recipient=eva, kind="checkin", title="Your check-in closed")
    Notification.objects.create(recipient=leo, kind="checkin",
                                title=f"{NAME} submitted her self-assessment",
                                link=f"/checkins/{open_one.pk}/")
    EmailOptOut.objects.create(person=eva, kind="checkin")
    LogEntry.objects.create(user=org.ada, content_type=ContentType.objects.get_for_model(User),
                            object_id=str(eva.pk), object_repr=f"{NAME} <{EMAIL}>",
                            action_flag=CHANGE, change_message="[]")
    promotion_rows(eva, ian, leo, org.pia, mine.version)
    client_as(leo).get(f"/people/{eva.pk}/")
    client_as(eva).get(f"/checkins/{mine.pk}/")
    return org


def promotion_rows(eva, ian, leo, pia, version):
    """Eva's decided promotion case and level change; she opened a round, chairs and sits on
    its committee, nominated Ian, voted on and decided his case."""
    from datetime import date

    from craftpath.web.promotions.models import (
        Case,
        Committee,
        Decision,
        LevelHistory,
        Round,
        Vote,
    )

    day = date(2030, 1, 1)
    made = Round.objects.create(name="Spring", version=version, nominate_due=day,
                                review_due=day, decide_due=day, opened_by=eva)
    committee = Committee.objects.create(round=made, name="Eng", family_slug="x", chair=eva)
    committee.members.add(eva, pia)
    hers = Case.objects.create(round=made, person=eva, nominator=leo, version=version,
                               family_slug="x", from_level_slug="level-4",
                               target_level_slug="level-3", statement="Eva ships.")
    Decision.objects.create(case=hers, outcome="promote", reasons="Ready.", effective_date=day,
                            decided_by=pia)
    LevelHistory.objects.create(person=eva, family_slug="x", from_level_slug="level-4",
                                to_level_slug="level-3", effective_date=day, case=hers)
    his = Case.objects.create(round=made, person=ian, nominator=eva, version=version,
                              family_slug="x", from_level_slug="level-4",
                              target_level_slug="level-3", statement="Ian ships.")
    Vote.objects.create(case=his, member=eva, choice="promote")
    Decision.objects.create(case=his, outcome="not_yet", reasons="Soon.", effective_date=day,
                            decided_by=eva)


# --- the export -------------------------------------------------------------------------------

def _export(person) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(rights_actions.export_own_data(person)))
    return json.loads(archive.read("data.json"))


def _at(data: dict, path: str):
    for part in path.split("."):
        data = data[part]
    return data


def test_the_export_holds_every_row_that_points_at_the_person(eva_everywhere):
    eva = eva_everywhere.eva
    data = _export(eva)
    named = {(r["table"], r["id"], r["as"]) for r in data["records_naming_me"]}
    checked = 0
    for model, field in relations_to_people():
        label, column = model._meta.label, field.name
        rows = rows_naming(model, field, eva)
        if (label, column) in rights.NAMING_ME:
            for pk in rows.values_list("pk", flat=True):
                assert (label, pk, column) in named, (label, column, pk)
                checked += 1
            continue
        section = rights.OWN_ROWS.get((label, column)) or rights.SHAPED.get((label, column))
        assert section, (f"{label}.{column} points at people but the export has no section "
                         "for it: add it to OWN_ROWS, SHAPED or NAMING_ME in "
                         "actions/personal_data.py")
        exported = {item["id"] for item in _at(data, section)}
        for row in rows:
            if model is Note and not access.can_view_note(eva, row):
                assert row.pk not in exported  # another's private note stays theirs
                continue
            assert row.pk in exported, (label, column, row.pk)
            checked += 1
    assert checked >= 30  # the fixture fills most tables: the walk compared real rows


def test_the_export_holds_feedback_and_attributes(eva_everywhere):
    data = _export(eva_everywhere.eva)
    assert [f["answers"] for f in data["feedback_given"]] == [
        {next(iter(data["feedback_given"][0]["answers"])): "solid work"}]
    assert [f["message"] for f in data["feedback_received"]] == ["Yours?"]
    assert [(a["kind"], a["value"]) for a in data["attributes"]] == [("location", ATTRIBUTE)]
    text = json.dumps(data)
    assert "Leo's private note" not in text
    for secret in ("S" * 32, "d" * 64, "h" * 64, "x" * 64, "s" * 32):
        assert secret not in text  # secrets are never in the copy


def test_the_export_is_the_persons_own_and_recorded(eva_everywhere):
    org = eva_everywhere
    with pytest.raises(Refused):
        rights_actions.export_own_data(OPERATOR)
    before = Event.objects.count()
    rights_actions.export_own_data(org.ian)
    assert Event.objects.count() == before + 1
    assert Event.objects.filter(action="data-downloaded", actor_pk=org.ian.pk,
                                subject_pk=org.ian.pk).exists()


# --- anonymising ------------------------------------------------------------------------------

# Rows kept after anonymising because they are someone else's record, naming the tombstone in
# a role ("a former colleague"): the shared notes and feedback they wrote for others, the
# check-ins they reviewed, what they drafted or changed.
KEPT_AS_TOMBSTONE = {
    ("accounts.Note", "author"), ("checkins.CheckIn", "reviewer"),
    ("checkins.CheckIn", "closed_by"), ("checkins.FeedbackRequest", "colleague"),
    ("checkins.FeedbackRequest", "requested_by"), ("frameworks.Draft", "created_by"),
    ("frameworks.Draft", "updated_by"), ("accounts.Invitation", "sent_by"),
    ("cycles.Cycle", "created_by"), ("insights.InsightSettings", "changed_by"),
    ("insights.Standing", "reviewer"), ("insights.StandingRating", "reviewer"),
    ("insights.QuarterResult", "reviewer"), ("admin.LogEntry", "user"),
    # Their part in others' promotions (opened a round, nominated, voted, decided) stays the
    # record of what was decided, under the tombstone's name; chairs and seats are given up.
    ("promotions.Round", "opened_by"), ("promotions.Case", "nominator"),
    ("promotions.Vote", "member"), ("promotions.Decision", "decided_by"),
}
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _identifying_text_left(needles: list[str]) -> list[str]:
    """Every text value of every row of every table that holds one of `needles`."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [f for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model.objects.values_list("pk", *[f.attname for f in fields]).iterator():
            for field, value in zip(fields, row[1:], strict=True):
                text = json.dumps(value) if isinstance(value, dict | list) else str(value)
                found += [f"{model._meta.label}.{field.name} #{row[0]}: {needle}"
                          for needle in needles if needle.casefold() in text.casefold()]
    return found


def test_anonymising_leaves_nothing_that_points_at_the_person(eva_everywhere):
    org = eva_everywhere
    eva_pk = org.eva.pk
    assert _identifying_text_left([NAME, EMAIL, ATTRIBUTE, EXTERNAL_ID])  # the check finds
    rights_actions.anonymise_person(org.pia, eva_pk, EMAIL)
    tombstone = User.objects.get(pk=eva_pk)
    for model, field in relations_to_people():
        label = model._meta.label
        left = rows_naming(model, field, tombstone)
        if (label, field.name) in KEPT_AS_TOMBSTONE:
            continue
        assert not left.exists(), f"{label}.{field.name} still points at the anonymised person"
    # Nowhere in the database: not her name, email, attribute or directory id, not in the
    # inbox of others, not in the admin site's history, not in the audit trail.
    assert _identifying_text_left([NAME, EMAIL, ATTRIBUTE, EXTERNAL_ID]) == []
    for event in Event.objects.filter(subject_pk=eva_pk):
        assert event.subject_name in ("", ) or event.subject_name.startswith("#c:")
    for event in Event.objects.filter(actor_pk=eva_pk):
        assert event.actor_name.startswith("#c:") and event.actor_email.startswith("#c:")
    assert trail.verify().intact


def test_anonymising_takes_the_person_out_of_every_figure(eva_everywhere):
    org = eva_everywhere
    assert Standing.objects.filter(person=org.eva).exists()
    people_counted = sum(QuarterTally.objects.filter(kind="all", organisation_id=0)
                         .values_list("people", flat=True))
    rights_actions.anonymise_person(org.pia, org.eva.pk, EMAIL)
    assert not Standing.objects.filter(person_id=org.eva.pk).exists()
    assert sum(QuarterTally.objects.filter(kind="all", organisation_id=0)
               .values_list("people", flat=True)) == people_counted - 1


def test_erasing_keeps_the_chain_intact_and_leaves_no_name(eva_everywhere):
    org = eva_everywhere
    rights_actions.erase_person(org.pia, org.eva.pk, EMAIL)
    assert not User.objects.filter(pk=org.eva.pk).exists()
    assert _identifying_text_left([NAME, EMAIL, ATTRIBUTE, EXTERNAL_ID]) == []
    assert trail.verify().intact


@pytest.mark.parametrize("typed", [EMAIL, "EVA@example.com", NAME, "zephyrine  quaxley"])
def test_the_people_team_finds_an_erasure_by_the_name_or_email(client_as, eva_everywhere,
                                                                typed):
    org = eva_everywhere
    rights_actions.erase_person(org.pia, org.eva.pk, EMAIL)
    page = client_as(org.pia).get("/audit/", {"subject": typed, "action": "erased"})
    assert page.status_code == 200
    assert f"person {org.eva.pk}" in page.content.decode()
    other = client_as(org.pia).get("/audit/", {"subject": "ian@example.com",
                                               "action": "erased"})
    assert f"person {org.eva.pk}" not in other.content.decode()


def test_refusals_change_nothing(eva_everywhere):
    org = eva_everywhere
    eva_pk = org.eva.pk
    before = (Event.objects.count(), CheckIn.objects.filter(person_id=eva_pk).count())
    for viewer in (org.ada, org.leo, org.eva, org.ian):
        for action in (rights_actions.erase_person, rights_actions.anonymise_person):
            with pytest.raises((Refused, NotFound)):
                action(viewer, eva_pk, EMAIL)
    with pytest.raises(Refused):
        rights_actions.anonymise_person(org.pia, org.pia.pk, "pia@example.com")
    with pytest.raises(NotFound):
        rights_actions.erase_person(org.pia, 10**9, EMAIL)
    with pytest.raises(Invalid) as wrong:
        rights_actions.anonymise_person(org.pia, eva_pk, "someone@else.example")
    assert wrong.value.field == "confirm"
    assert (Event.objects.count(), CheckIn.objects.filter(person_id=eva_pk).count()) == before
    assert User.objects.get(pk=eva_pk).name == NAME


def test_the_command_line_may_anonymise(eva_everywhere):
    done = rights_actions.anonymise_person(OPERATOR, eva_everywhere.eva.pk, EMAIL)
    assert done.checkins == 2
    entry = Event.objects.get(action="anonymised")
    assert (entry.actor_pk, entry.actor_name) == (None, trail.COMMAND_LINE)


# --- the trail after anonymising: still tamper-evident ----------------------------------------

def test_a_sealed_name_edited_or_its_salt_deleted_is_caught(small_org, client_as):
    from django.db import connection


    client_as(small_org.leo).get(f"/people/{small_org.eva.pk}/")
    assert trail.verify().intact
    seq = Event.objects.filter(actor_pk=small_org.leo.pk).latest("seq").seq
    with connection.cursor() as cursor:  # the guard lets a commitment in; verify checks it
        cursor.execute("UPDATE audit_event SET actor_name = '#c:forged' WHERE seq = %s", [seq])
    assert any(f"entry {seq} was changed" in p for p in trail.verify().problems)


def test_deleting_a_persons_salt_is_caught(small_org, client_as):
    from craftpath.web.audit.models import NameSalt

    client_as(small_org.leo).get(f"/people/{small_org.eva.pk}/")
    NameSalt.objects.filter(person_pk=small_org.leo.pk).delete()
    assert not trail.verify().intact


@pytest.mark.parametrize("change", ["actor_name = 'someone else'", "detail = 'edited'",
                                    "subject_pk = 1", "target = '#c:x'"])
def test_the_database_still_refuses_any_other_change(small_org, change):
    from django.db import DatabaseError, connection, transaction

    seq = Event.objects.latest("seq").seq
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_event SET {change} WHERE seq = %s", [seq])


def test_after_anonymising_the_trail_reads_a_former_colleague(client_as, eva_everywhere):
    org = eva_everywhere
    rights_actions.anonymise_person(org.pia, org.eva.pk, EMAIL)
    page = client_as(org.pia).get("/audit/", {"subject": str(org.eva.pk)}).content.decode()
    assert "a former colleague" in page and NAME not in page and EMAIL not in page
    assert trail.verify().intact
