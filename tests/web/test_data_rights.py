"""Data rights: a person downloads everything craftpath holds about them (JSON and CSV in a
zip); the people team erases or anonymises a person, on the record, keeping their check-ins
only as anonymous counts; deleting an account never silently takes data with it."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.db.models import ProtectedError

from craftpath.web.accounts.models import ErasedRatings, Note, Role, User
from craftpath.web.actions import Refused
from craftpath.web.actions import personal_data as rights
from craftpath.web.actions import rights as rights_actions
from craftpath.web.audit.models import Event
from craftpath.web.checkins.models import CheckIn, Entry, Evidence, Goal

from .checkin_helpers import closed, fill, start_for


@pytest.fixture
def eva_with_data(small_org):
    """Eva: a closed check-in (all Meets, agreed), an open one whose manager review Leo has
    filled but not submitted, evidence, a goal, her own note, Leo's shared and private notes
    about her; Leo has looked at her profile."""
    eva, leo = small_org.eva, small_org.leo
    closed(start_for(eva), eva, leo)
    open_one = start_for(eva)
    fill(open_one, "manager", "Exceeds")
    Evidence.objects.create(owner=eva, title="=HYPERLINK(\"http://x\")", link="https://e.x")
    Goal.objects.create(person=eva, title="Ship the monitoring")
    Note.objects.create(author=eva, about=eva, text="my own thoughts")
    Note.objects.create(author=leo, about=eva, text="shared by Leo", private=False)
    Note.objects.create(author=leo, about=eva, text="Leo's private note", private=True)
    return small_org


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)
                                      if response.streaming else response.content))


def test_a_person_downloads_everything_held_about_them(client_as, eva_with_data):
    eva, leo = eva_with_data.eva, eva_with_data.leo
    client_as(leo).get(f"/people/{eva.pk}/")
    response = client_as(eva).get("/rights/my-data.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = _zip(response)
    assert sorted(archive.namelist()) == sorted([
        "README.txt", "data.json", "profile.csv", "checkins.csv", "evidence.csv",
        "notes.csv", "focus.csv", "goals.csv", "who_looked_at_my_data.csv",
        "what_i_did.csv", *[f"{section}.csv" for section in rights.TABLES_AS_CSV]])
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == "eva@example.com"
    assert data["profile"]["manager"] == {"name": "Leo", "email": "leo@example.com"}
    assert len(data["checkins"]) == 2
    assert {n["text"] for n in data["notes"]} == {"my own thoughts", "shared by Leo"}
    assert [g["title"] for g in data["growth_plan"]["goals"]] == ["Ship the monitoring"]
    assert ("Leo", "viewed", "profile and notes") in [
        (e["who"], e["action"], e["what"]) for e in data["who_looked_at_my_data"]]


def test_the_download_leaves_out_what_the_person_may_not_see(client_as, eva_with_data):
    data = json.loads(_zip(client_as(eva_with_data.eva).get("/rights/my-data.zip"))
                      .read("data.json"))
    closed_one, open_one = data["checkins"]
    assert set(closed_one["statements"][0]) == {"statement", "self", "manager", "agreed"}
    # Leo's review of the open one is not submitted: blind until both have.
    assert set(open_one["statements"][0]) == {"statement", "self"}
    assert "Leo's private note" not in json.dumps(data)


def test_the_csv_files_hold_the_same_and_defuse_formulas(client_as, eva_with_data):
    archive = _zip(client_as(eva_with_data.eva).get("/rights/my-data.zip"))
    checkins = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert len(checkins) == Entry.objects.filter(checkin__person=eva_with_data.eva).count()
    assert {row["agreed_value"] for row in checkins if row["closed"]} == {"Meets"}
    evidence = list(csv.DictReader(io.StringIO(archive.read("evidence.csv").decode())))
    assert evidence[0]["title"] == "'=HYPERLINK(\"http://x\")"


def test_the_download_is_recorded(client_as, small_org):
    client_as(small_org.ian).get("/rights/my-data.zip")
    assert Event.objects.filter(action="data-downloaded", actor_pk=small_org.ian.pk,
                                subject_pk=small_org.ian.pk).count() == 1


# --- deleting never cascades silently -----------------------------------------------------------

def test_deleting_an_account_with_data_is_refused(eva_with_data):
    with pytest.raises(ProtectedError):
        eva_with_data.eva.delete()
    assert CheckIn.objects.filter(person=eva_with_data.eva).count() == 2


def test_deleting_a_manager_with_reports_is_refused(small_org):
    with pytest.raises(ProtectedError):
        small_org.oto.delete()
    assert User.objects.get(pk=small_org.sol.pk).manager_id == small_org.oto.pk


def test_the_admin_site_lists_what_blocks_a_deletion(client_as, eva_with_data):
    page = client_as(eva_with_data.ada).get(f"/admin/accounts/user/{eva_with_data.eva.pk}"
                                            "/delete/")
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in \
        page.content.decode()


# --- erasure and anonymisation ---------------------------------------------------------------

def _erase(client, person, mode):
    return client.post(f"/rights/people/{person.pk}/erase/",
                       {"mode": mode, "confirm": person.email})


def test_the_people_team_anonymises_a_person(client_as, eva_with_data):
    org = eva_with_data
    eva_pk = org.eva.pk
    agreed = Entry.objects.filter(checkin__person=org.eva).exclude(checkin__closed_at=None) \
        .count()
    response = _erase(client_as(org.pia), org.eva, "anonymise")
    assert response.status_code == 302
    left = User.objects.get(pk=eva_pk)
    assert left.name == f"Former colleague {eva_pk}" and not left.is_active
    assert left.email.endswith("@anonymised.invalid") and not left.has_usable_password()
    assert not left.role_names() and left.manager_id is None
    assert not CheckIn.objects.filter(person_id=eva_pk).exists()
    assert not Evidence.objects.filter(owner_id=eva_pk).exists()
    assert not Note.objects.filter(about_id=eva_pk).exists()
    assert sum(ErasedRatings.objects.values_list("count", flat=True)) == agreed
    assert set(ErasedRatings.objects.values_list("value", flat=True)) == {"Meets"}
    record = Event.objects.get(action="anonymised")
    assert (record.actor_pk, record.subject_pk, record.subject_name) == (org.pia.pk, eva_pk, "")


def test_erasing_deletes_the_account_and_moves_reports(client_as, eva_with_data):
    org = eva_with_data
    Note.objects.create(author=org.leo, about=org.ian, text="about Ian", private=False)
    response = _erase(client_as(org.pia), org.leo, "erase")
    assert response.status_code == 302
    assert not User.objects.filter(email="leo@example.com").exists()
    assert not Note.objects.filter(text__in=["about Ian", "shared by Leo"]).exists()
    # Leo's reports now report to Leo's manager; each move is on the record (and Leo's own
    # link to his manager, cut before his account went).
    assert set(User.objects.filter(manager=org.mia).values_list("name", flat=True)) == \
        {"Eva", "Ian"}
    moved = Event.objects.filter(action="manager-changed", actor_pk=org.pia.pk)
    assert {e.subject_pk for e in moved} == {org.eva.pk, org.ian.pk, org.leo.pk}
    # Eva's check-ins are untouched; the one Leo closed no longer names him.
    assert CheckIn.objects.filter(person=org.eva).count() == 2
    assert Event.objects.filter(action="erased", subject_pk=org.leo.pk).count() == 1


def test_erasing_is_for_the_people_team_and_never_oneself(client_as, small_org):
    for person in (small_org.ada, small_org.mia):
        assert _erase(client_as(person), small_org.eva, "erase").status_code in (403, 404)
    assert _erase(client_as(small_org.pia), small_org.pia, "erase").status_code == 403
    assert User.objects.filter(pk=small_org.eva.pk).exists()


def test_a_wrong_confirmation_changes_nothing(client_as, eva_with_data):
    org = eva_with_data
    response = client_as(org.pia).post(f"/rights/people/{org.eva.pk}/erase/",
                                       {"mode": "erase", "confirm": "someone@else.example"})
    assert response.status_code == 422
    assert "Type eva@example.com to confirm." in response.content.decode()
    assert CheckIn.objects.filter(person=org.eva).count() == 2


def test_an_erased_person_is_signed_out(client_as, client, small_org):
    ian = client_as(small_org.ian)
    assert ian.get("/people/").status_code == 200
    rights_actions.anonymise_person(small_org.pia, small_org.ian.pk, "ian@example.com")
    assert ian.get("/people/").status_code == 302


def test_erasing_requires_the_people_team_in_the_library_too(small_org):
    small_org.ada.grant(Role.ADMIN)
    with pytest.raises(Refused):
        rights_actions.erase_person(small_org.ada, small_org.eva.pk, "eva@example.com")
    with pytest.raises(Refused):
        rights_actions.anonymise_person(small_org.ada, small_org.eva.pk, "eva@example.com")
    assert User.objects.get(pk=small_org.eva.pk).name == "Eva"
