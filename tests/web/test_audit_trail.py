"""The audit trail: every read of someone else's data, every export, every role or manager
change and every refused request is recorded; entries outlive the accounts that made them;
the chain of hashes finds an edited or deleted entry; the retention purge keeps it
verifiable; concurrent writers never fork it; a person sees who looked at their data and the
people team searches the trail."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from craftpath.web.accounts.models import Note, Role
from craftpath.web.audit import trail
from craftpath.web.audit.models import AppendOnlyError, ChainHead, Event

from .checkin_helpers import start_for

SETUP = ("role-granted", "manager-changed")  # made by the fixtures' people


def entries(**filters) -> list[tuple]:
    """Entries other than the fixtures' own setting up of roles and managers."""
    since = filters.pop("after", 0)
    return [(e.actor_pk, e.action, e.subject_pk, e.target)
            for e in Event.objects.filter(seq__gt=since, **filters).order_by("seq")
            if since or e.action not in SETUP]


# --- what is recorded -------------------------------------------------------------------------

def test_reading_someone_elses_profile_progress_and_note_is_recorded(client_as, small_org):
    eva, mia = small_org.eva, small_org.mia
    note = Note.objects.create(author=eva, about=eva, text="shared", private=False)
    manager = client_as(mia)
    for url in (f"/people/{eva.pk}/", f"/checkins/people/{eva.pk}/",
                f"/people/{eva.pk}/notes/{note.pk}/"):
        assert manager.get(url).status_code == 200
    assert entries(subject_pk=eva.pk) == [
        (mia.pk, "viewed", eva.pk, "profile and notes"),
        (mia.pk, "viewed", eva.pk, "progress"),
        (mia.pk, "viewed", eva.pk, f"note {note.pk}")]


def test_reading_ones_own_data_is_not_recorded(client_as, small_org):
    eva = small_org.eva
    own = client_as(eva)
    own.get(f"/people/{eva.pk}/")
    own.get(f"/checkins/people/{eva.pk}/")
    assert entries(subject_pk=eva.pk) == []


def test_the_team_page_is_recorded_for_each_report(client_as, small_org):
    client_as(small_org.leo).get("/checkins/team/")
    seen = {e.subject_pk for e in Event.objects.filter(target="team page")}
    assert seen == {small_org.eva.pk, small_org.ian.pk}


def test_every_export_is_recorded_the_persons_own_included(client_as, small_org):
    pia, ian = small_org.pia, small_org.ian
    assert client_as(pia).get("/people/directory.csv").status_code == 200
    checkin = start_for(ian)
    assert client_as(ian).get(f"/checkins/{checkin.pk}/export.csv").status_code == 200
    exported = [(e.actor_pk, e.subject_pk, e.target) for e in Event.objects.filter(
        action="exported").order_by("seq")]
    assert exported == [(pia.pk, None, "directory.csv"),
                        (ian.pk, ian.pk, f"check-in {checkin.pk}")]


def test_refused_requests_for_someones_data_are_recorded(client_as, small_org):
    ian, sol, ada = small_org.ian, small_org.sol, small_org.ada
    assert client_as(ian).get(f"/people/{sol.pk}/").status_code == 404
    assert client_as(ada).get(f"/checkins/people/{sol.pk}/").status_code == 404  # admin: no
    checkin = start_for(sol)
    assert client_as(ian).get(f"/checkins/{checkin.pk}/").status_code == 404
    assert client_as(ian).get("/people/directory.csv").status_code == 403
    refused = [(e.actor_pk, e.subject_pk, e.target, e.detail)
               for e in Event.objects.filter(action="refused").order_by("seq")]
    assert refused == [
        (ian.pk, sol.pk, f"GET /people/{sol.pk}/", "answered 404"),
        (ada.pk, sol.pk, f"GET /checkins/people/{sol.pk}/", "answered 404"),
        (ian.pk, sol.pk, f"GET /checkins/{checkin.pk}/", "answered 404"),
        (ian.pk, None, "GET /people/directory.csv", "answered 403")]


def test_a_role_granted_in_the_admin_site_is_recorded_with_who_granted_it(client_as,
                                                                         small_org):
    ada, sol = small_org.ada, small_org.sol
    form = {"email": sol.email, "name": sol.name, "is_active": "on",
            "manager": str(small_org.oto.pk), "family_slug": sol.family_slug,
            "track_slugs": "all", "level_slug": sol.level_slug, "level_since": "",
            "roles-TOTAL_FORMS": "2", "roles-INITIAL_FORMS": "1", "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000", "roles-0-id": str(sol.roles.get().pk),
            "roles-0-person": str(sol.pk), "roles-0-name": "engineer",
            "roles-1-person": str(sol.pk), "roles-1-name": "editor"}
    response = client_as(ada).post(f"/admin/accounts/user/{sol.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    granted = Event.objects.filter(action="role-granted", subject_pk=sol.pk).latest("seq")
    assert (granted.actor_pk, granted.actor_name, granted.detail) == (ada.pk, "Ada",
                                                                      "Framework editor")


def test_an_admin_reading_a_person_record_is_recorded(client_as, small_org):
    page = client_as(small_org.ada).get(f"/admin/accounts/user/{small_org.sol.pk}/change/")
    assert page.status_code == 200
    assert entries(subject_pk=small_org.sol.pk) == [
        (small_org.ada.pk, "viewed", small_org.sol.pk, "admin: person record")]


def test_manager_changes_from_a_directory_import_are_recorded(small_org):
    from craftpath.web.accounts import directory

    sol, mia = small_org.sol, small_org.mia
    csv = ("email,name,manager_email,team,family,tracks,level,level_since\n"
           f"{sol.email},Sol,{mia.email},,{sol.family_slug},all,level-4,\n").encode()
    directory.import_csv(csv, dry_run=False)
    changed = Event.objects.filter(action="manager-changed", subject_pk=sol.pk).latest("seq")
    assert (changed.actor_pk, changed.actor_name) == (None, trail.COMMAND_LINE)
    assert changed.detail == f"manager: #{small_org.oto.pk} → #{mia.pk}"


def test_a_manager_change_on_a_partly_loaded_row_is_recorded_once(small_org):
    from craftpath.web.accounts.models import User

    before = ChainHead.objects.get().seq
    renamed = User.objects.only("id", "name").get(pk=small_org.sol.pk)
    renamed.name = "Solveig"
    renamed.save(update_fields=["name"])
    moved = User.objects.only("id", "name").get(pk=small_org.sol.pk)
    moved.manager = small_org.mia
    moved.save()
    changes = Event.objects.filter(seq__gt=before, action="manager-changed")
    assert [e.detail for e in changes] == [f"manager: #{small_org.oto.pk} → #{small_org.mia.pk}"]


def test_role_changes_in_code_name_whoever_the_request_acts_as(small_org):
    before = ChainHead.objects.get().seq
    with trail.acting_as(small_org.ada):
        small_org.ian.grant(Role.MANAGER)
        small_org.ian.revoke(Role.MANAGER)
    assert entries(subject_pk=small_org.ian.pk, after=before) == [
        (small_org.ada.pk, "role-granted", small_org.ian.pk, "roles"),
        (small_org.ada.pk, "role-revoked", small_org.ian.pk, "roles")]


def test_an_entry_keeps_who_acted_after_their_account_is_deleted(client_as, small_org):
    sol, oto = small_org.sol, small_org.oto
    client_as(oto).get(f"/people/{sol.pk}/")
    oto_pk = oto.pk
    sol.manager = None
    sol.save()
    oto.delete()
    viewed = Event.objects.get(action="viewed", subject_pk=sol.pk)
    assert (viewed.actor_pk, viewed.actor_name, viewed.actor_email) == (
        oto_pk, "Oto", "oto@example.com")
    page = client_as(sol).get("/audit/me/").content.decode()
    assert "Oto" in page and "oto@example.com" in page


# --- append-only and tamper-evident -----------------------------------------------------------

def _make_entries(count: int, who=None) -> list[Event]:
    return [trail.record(who, "viewed", None, target=f"page {i}")[0] for i in range(count)]


def _stored_row(seq: int) -> tuple:
    """An entry's columns as the database holds them (the timestamp as stored, too)."""
    columns = ", ".join(trail.INSERTED)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM audit_event WHERE seq = %s", [seq])
        return cursor.fetchone()


@pytest.mark.parametrize("returning", [True, False], ids=["insert-returning", "select-ids"])
def test_entries_are_stored_as_the_orm_stores_them(small_org, monkeypatch, returning):
    # The trail writes with plain INSERTs; an entry the ORM saves must read back the same.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert",
                        returning)
    leo = small_org.leo
    made = trail.record(leo, "viewed", target="team page", detail="a “detail”\x00",
                        subjects=[small_org.eva, small_org.ian, 12345])
    assert trail.verify().intact
    stored = {e.seq: e for e in Event.objects.filter(seq__in=[e.seq for e in made])}
    for event in made:
        assert not event._state.adding and event.pk == stored[event.seq].pk
        assert event.chained_fields() == stored[event.seq].chained_fields()
        copy = Event(**{name: getattr(event, name) for name in trail.INSERTED})
        copy.seq = event.seq + 1000
        copy.save()
        assert _stored_row(copy.seq)[1:] == _stored_row(event.seq)[1:]
    assert [(e.subject_pk, e.subject_name) for e in made] == [
        (small_org.eva.pk, "Eva"), (small_org.ian.pk, "Ian"), (12345, "")]


def test_many_entries_at_once_are_written_in_batches_and_chained(db):
    made = trail.record(None, "viewed", target="team page", subjects=range(1, 301))
    found = trail.verify()
    assert found.intact and found.checked == 300 and found.head_seq == 300
    assert [e.subject_pk for e in Event.objects.order_by("seq")] == list(range(1, 301))
    assert len({e.pk for e in made}) == 300


def test_the_application_never_changes_or_deletes_an_entry(db):
    event = _make_entries(1)[0]
    event.detail = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.update(detail="edited")
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


def test_the_database_refuses_an_update_of_an_entry(transactional_db):
    from django.db import DatabaseError, transaction

    _make_entries(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET detail = 'edited'")
    assert Event.objects.get().detail == ""


def _drop_guard() -> None:
    """What someone with the database owner's rights could do before editing the table."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER audit_event_append_only" + (
            " ON audit_event" if connection.vendor == "postgresql" else ""))


def _as_owner(*statements) -> None:
    """What the database owner could do: open the purge's permit (so the triggers let rows be
    deleted and the anchor move) and run SQL. The test's transaction undoes it all."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
        for statement in statements:  # SQL, or (SQL, parameters)
            sql, params = statement if isinstance(statement, tuple) else (statement, None)
            cursor.execute(sql, params)
        cursor.execute("DELETE FROM audit_purge_permit")


def _refused(sql: str, params=()) -> str:
    """Run SQL the database must refuse; the refusal's wording."""
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError) as refusal, transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute(sql, params)
    return str(refusal.value)


def _table_rows() -> tuple:
    return (list(Event.objects.order_by("seq").values_list(*trail.INSERTED)),
            list(ChainHead.objects.values_list("seq", "hash", "anchor_seq", "anchor_hash")))


def test_verify_finds_an_intact_chain(db):
    _make_entries(5)
    found = trail.verify()
    assert found.intact and found.checked == 5
    assert found.head_hash == Event.objects.get(seq=5).hash


def test_verify_finds_an_edited_entry(db):
    _make_entries(5)
    _drop_guard()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor_name = 'someone else' WHERE seq = 3")
    found = trail.verify()
    assert found.problems == ["entry 3 was changed after it was written (its hash does not "
                              "match)"]


def test_verify_finds_a_deleted_entry_in_the_middle(db):
    _make_entries(5)
    _as_owner("DELETE FROM audit_event WHERE seq = 2")
    assert trail.verify().problems == ["entries 2–2 are missing (deleted)"]


def test_verify_finds_entries_deleted_at_the_end(db):
    _make_entries(5)
    _as_owner("DELETE FROM audit_event WHERE seq >= 4")
    problems = trail.verify().problems
    assert problems == ["the chain ends at entry 3 but its head says 5: the last entries were "
                        "deleted"]


def test_verify_finds_an_entry_rewritten_with_a_fresh_hash(db):
    """Recomputing the edited entry's own hash does not help: the next one still points at
    the old hash."""
    from craftpath.web.audit import chain

    _make_entries(4)
    _drop_guard()
    edited = Event.objects.get(seq=2)
    edited.actor_name = "someone else"
    new_hash = chain.link(edited.prev_hash, edited.chained_fields())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_event SET actor_name = %s, hash = %s WHERE seq = 2",
                       ["someone else", new_hash])
    assert trail.verify().problems == ["entry 3 does not follow the entry before it (one was "
                                       "deleted or edited)"]


# Every column of an entry but its id: each must be covered by the chain, so a column added
# to the model and not to chain.FIELDS fails here.
ENTRY_COLUMNS = [f.name for f in Event._meta.concrete_fields if not f.primary_key]


def _other_value(event: Event, name: str):
    """A value for `name` unlike the entry's own, of the column's type."""
    from craftpath.web.audit import chain

    value = getattr(event, name)
    if name in ("prev_hash", "hash"):
        return ("f" if value[0] != "f" else "e") + value[1:]
    if name == "at":
        return value + timedelta(microseconds=1)
    if name == "seq":
        return value + 1000
    if name == "action":
        return "exported"
    if isinstance(Event._meta.get_field(name), type(Event._meta.get_field("actor_pk"))):
        return 1 if value is None else value + 1
    assert name in chain.FIELDS or isinstance(value, str), name
    return (value or "") + "x"


def test_every_column_of_an_entry_is_chained():
    from craftpath.web.audit import chain

    assert set(ENTRY_COLUMNS) == {*chain.FIELDS, "prev_hash", "hash"}
    assert trail.INSERTED == (*chain.FIELDS, "prev_hash", "hash")


# Each column changed with the entry's hash kept, or recomputed to match (but for the hash
# itself, where recomputing would undo the change).
CHANGES = [pytest.param(name, rehash, id=f"{name}-{'rehashed' if rehash else 'hash-kept'}")
           for name in ENTRY_COLUMNS for rehash in (False, True)
           if not (rehash and name == "hash")]


@pytest.mark.parametrize("position", [1, 3, 5], ids=["first", "middle", "last"])
@pytest.mark.parametrize(("name", "rehash"), CHANGES)
def test_verify_finds_any_column_of_any_entry_changed(db, name, position, rehash):
    """Each column of an entry, its link to the one before (prev_hash) and its own hash,
    changed one at a time, with the entry's hash left as it was or recomputed to match."""
    from django.db.models import QuerySet

    from craftpath.web.audit import chain

    made = trail.record(None, "viewed", target="team page", detail="d",
                        subjects=[small for small in (7, None, 9, 11, 13)])
    assert trail.verify().intact
    event = made[position - 1]
    changed = {name: _other_value(event, name)}
    if rehash:
        setattr(event, name, changed[name])
        changed["hash"] = chain.link(event.prev_hash, event.chained_fields())
    _drop_guard()
    # The manager refuses updates; the plain queryset's update adapts each type as the ORM
    # writes it (the timestamp too).
    assert QuerySet.update(Event.objects.filter(pk=event.pk), **changed) == 1
    found = trail.verify()
    assert not found.intact, (name, position, rehash)


def test_the_database_refuses_to_delete_entries(transactional_db):
    _make_entries(3)
    before = _table_rows()
    wording = "audit entries are deleted only by the retention purge"
    assert wording in _refused("DELETE FROM audit_event WHERE seq = 1")
    assert wording in _refused("DELETE FROM audit_event")
    if connection.vendor == "postgresql":
        assert wording in _refused("TRUNCATE audit_event")
    assert _table_rows() == before


def test_the_database_refuses_to_move_the_anchor_or_step_the_head_back(transactional_db):
    made = _make_entries(3)
    before = _table_rows()
    wording = "the anchor of the audit trail is moved only by the retention purge"
    assert wording in _refused("UPDATE audit_chainhead SET anchor_seq = 3, anchor_hash = %s",
                               [made[1].hash])
    assert wording in _refused("UPDATE audit_chainhead SET anchor_hash = %s", [made[0].hash])
    assert wording in _refused("UPDATE audit_chainhead SET seq = 1, hash = %s", [made[0].hash])
    assert wording in _refused("DELETE FROM audit_chainhead")
    assert _table_rows() == before
    _make_entries(1)  # the head still moves on
    assert trail.verify().intact and trail.verify().head_seq == 4


def test_the_purge_permit_is_opened_only_inside_a_transaction(transactional_db, monkeypatch,
                                                              settings):
    with pytest.raises(RuntimeError), trail.purge_permit():
        pass
    _purge_two_of_four(monkeypatch, settings)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_purge_permit")
        assert cursor.fetchone()[0] == 0  # closed again when the purge's transaction ends


@pytest.mark.parametrize("cut", [2, 4], ids=["some", "all-but-one"])
def test_verify_finds_the_start_cut_off_with_the_anchor_moved(db, cut, capsys):
    """Finding 9: moving the anchor and deleting the first entries in SQL used to verify."""
    made = _make_entries(5)
    _as_owner(("UPDATE audit_chainhead SET anchor_seq = %s, anchor_hash = %s",
               [cut + 1, made[cut - 1].hash]),
              ("DELETE FROM audit_event WHERE seq <= %s", [cut]))
    found = trail.verify()
    assert found.problems == [f"the trail starts at entry {cut + 1} but no purge is recorded: "
                              "the anchor was moved and the entries before it deleted"]
    with pytest.raises(CommandError, match="the audit trail is broken"):
        call_command("audit_verify")
    assert "no purge is recorded" in capsys.readouterr().err


def test_verify_finds_every_entry_cut_with_the_anchor_moved_past_the_head(db):
    made = _make_entries(3)
    _as_owner(("UPDATE audit_chainhead SET anchor_seq = 4, anchor_hash = %s", [made[2].hash]),
              "DELETE FROM audit_event")
    assert "no purge is recorded" in trail.verify().problems[0]


def _purge_two_of_four(monkeypatch, settings) -> None:
    settings.CRAFTPATH_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    monkeypatch.setattr(trail.timezone, "now", lambda: now - timedelta(days=40))
    _make_entries(2)
    monkeypatch.setattr(trail.timezone, "now", lambda: now)
    _make_entries(2)
    assert trail.purge(now) == 2


@pytest.mark.parametrize("cut", [3, 4, 5], ids=["before-purge", "up-to-purge", "the-purge"])
def test_verify_finds_the_start_cut_off_after_a_purge(db, monkeypatch, settings, cut):
    """After a purge (anchor 3, its entry 5), the anchor may only be where the purge put it."""
    _purge_two_of_four(monkeypatch, settings)
    _make_entries(1)
    assert trail.verify().intact
    cut_hash = Event.objects.get(seq=cut).hash
    _as_owner(("UPDATE audit_chainhead SET anchor_seq = %s, anchor_hash = %s",
               [cut + 1, cut_hash]),
              ("DELETE FROM audit_event WHERE seq <= %s", [cut]))
    recorded = "the last purge recorded entry 3" if cut < 5 else "no purge is recorded"
    assert trail.verify().problems == [f"the trail starts at entry {cut + 1} but {recorded}: "
                                       "the anchor was moved and the entries before it deleted"]


def test_the_purge_records_how_many_entries_went_and_the_anchor_it_set(db, monkeypatch,
                                                                       settings):
    from craftpath.web.audit import chain

    settings.CRAFTPATH_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    monkeypatch.setattr(trail.timezone, "now", lambda: now - timedelta(days=40))
    last_old = _make_entries(3)[-1]
    monkeypatch.setattr(trail.timezone, "now", lambda: now)
    _make_entries(1)
    trail.purge(now)
    entry = Event.objects.get(action="purged")
    assert entry.detail.startswith(f"3 entries up to 3 (hash {last_old.hash}), older than ")
    assert chain.anchor_set_by(entry.detail) == (4, last_old.hash)
    head = ChainHead.objects.get()
    assert (head.anchor_seq, head.anchor_hash) == (4, last_old.hash)
    assert trail.verify().intact


def test_a_purge_entry_of_the_older_wording_still_names_its_anchor():
    from craftpath.web.audit import chain

    assert chain.anchor_set_by("4 entries up to 4, older than 2026-01-01 (730 days' "
                               "retention)") == (5, None)
    assert chain.anchor_set_by("viewed 3 entries up to 4") is None


def test_the_verify_command_exits_1_on_a_broken_chain(db, capsys):
    _make_entries(3)
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "audit trail intact: 3 entries (entries 1–3)" in out
    assert f"head 3:{Event.objects.get(seq=3).hash}" in out
    _as_owner("DELETE FROM audit_event WHERE seq = 2")
    with pytest.raises(CommandError, match="the audit trail is broken"):
        call_command("audit_verify")


# --- a head noted elsewhere -------------------------------------------------------------------

def _rewrite_whole_chain(detail: str = "rewritten") -> None:
    """What the database owner could do: rewrite every entry and relink them all, so the chain
    itself verifies; only a head noted elsewhere shows it."""
    from django.db.models import QuerySet

    from craftpath.web.audit import chain

    _drop_guard()
    previous = chain.GENESIS
    for event in Event.objects.order_by("seq"):
        event.detail, event.prev_hash = detail, previous
        event.hash = chain.link(previous, event.chained_fields())
        QuerySet.update(Event.objects.filter(pk=event.pk), detail=detail, prev_hash=previous,
                        hash=event.hash)
        previous = event.hash
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_chainhead SET hash = %s", [previous])


def test_verify_says_whether_the_trail_still_reaches_a_noted_head(db, capsys):
    made = _make_entries(3)
    noted = f"3:{made[2].hash}"
    _make_entries(2)  # the trail goes on after the head was noted
    call_command("audit_verify", expect_head=noted)
    assert f"it still reaches the noted head {noted}" in capsys.readouterr().out
    assert trail.verify(expect_head=(0, "0" * 64)).intact  # the genesis, before any entry
    _rewrite_whole_chain()
    assert trail.verify().intact  # a rewrite of the whole chain verifies on its own
    found = trail.verify(expect_head=trail.parse_head(noted))
    assert found.problems == ["the trail does not reach the noted head: entry 3 has another "
                              "hash (the trail was rewritten up to there)"]
    with pytest.raises(CommandError, match="the audit trail is broken"):
        call_command("audit_verify", expect_head=noted)
    assert "does not reach the noted head" in capsys.readouterr().err


def test_a_noted_head_past_the_trails_end_or_purged_is_not_reached(db, monkeypatch,
                                                                   settings):
    _purge_two_of_four(monkeypatch, settings)  # entries 3-4 kept, 5 the purge
    anchor = ChainHead.objects.get()
    assert trail.verify(expect_head=(2, anchor.anchor_hash)).reaches == (2, anchor.anchor_hash)
    assert trail.verify(expect_head=(1, "a" * 64)).problems == [
        "the noted head, entry 1, was purged (the trail starts at entry 3): it cannot be "
        "checked; note a newer head"]
    assert trail.verify(expect_head=(9, "a" * 64)).problems == [
        "the trail does not reach the noted head: it ends at entry 5, before entry 9 "
        "(entries deleted, or the trail rewritten)"]


@pytest.mark.parametrize("noted", ["", "12", "x:" + "a" * 64, "3:abc", "3:" + "g" * 64])
def test_a_malformed_noted_head_is_one_clear_line(db, noted):
    with pytest.raises(CommandError, match="--expect-head: .* give it as SEQ:HASH") as error:
        call_command("audit_verify", "--expect-head", noted)
    assert error.value.returncode == 2


def test_flush_empties_the_whole_database_the_trail_with_it(transactional_db):
    _make_entries(2)
    call_command("flush", interactive=False, verbosity=0)
    assert not Event.objects.exists() and not ChainHead.objects.exists()
    _make_entries(1)
    assert trail.verify().intact


# --- retention --------------------------------------------------------------------------------

def test_the_purge_deletes_old_entries_and_the_chain_still_verifies(db, monkeypatch, settings):
    settings.CRAFTPATH_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    monkeypatch.setattr(trail.timezone, "now", lambda: now - timedelta(days=40))
    _make_entries(4)
    monkeypatch.setattr(trail.timezone, "now", lambda: now)
    _make_entries(2)
    assert trail.purge(now) == 4
    kept = list(Event.objects.order_by("seq").values_list("seq", "action"))
    assert kept == [(5, "viewed"), (6, "viewed"), (7, "purged")]
    assert ChainHead.objects.get().anchor_seq == 5
    found = trail.verify()
    assert found.intact and found.checked == 3
    assert trail.purge(now) == 0  # nothing older left


def test_after_a_purge_deleting_the_first_kept_entry_is_still_found(db, monkeypatch,
                                                                    settings):
    settings.CRAFTPATH_AUDIT_RETENTION_DAYS = 30
    now = timezone.now()
    monkeypatch.setattr(trail.timezone, "now", lambda: now - timedelta(days=40))
    _make_entries(2)
    monkeypatch.setattr(trail.timezone, "now", lambda: now)
    _make_entries(2)
    trail.purge(now)
    _as_owner("DELETE FROM audit_event WHERE seq = 3")
    assert not trail.verify().intact


# --- concurrent writers -----------------------------------------------------------------------

WRITERS, EACH = 4, 40


@pytest.mark.subprocess
def test_concurrent_writers_keep_one_unbroken_chain(transactional_db, tmp_path):
    """On PostgreSQL: threads, each with its own connection, writing at once (the head row's
    lock orders them). On SQLite: processes on one database file (its write lock does)."""
    if connection.vendor == "postgresql":
        _threads_write()
        found = trail.verify()
        assert found.intact, found.problems
        assert found.checked == WRITERS * EACH
        assert Event.objects.values("seq").distinct().count() == WRITERS * EACH
    else:
        _processes_write(tmp_path)


def _threads_write() -> None:
    failures = []
    start = threading.Barrier(WRITERS)

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                trail.record(None, "viewed", None, target=f"writer {n}", detail=str(i))
        except Exception as error:  # reported below, with the thread's own error
            failures.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures


WRITER_SCRIPT = """
import sys
from craftpath.web.serve import setup_django
setup_django(sys.argv[1])
from craftpath.web.audit import trail
for i in range(int(sys.argv[2])):
    trail.record(None, "viewed", None, target="writer", detail=str(i))
"""


def _processes_write(folder) -> None:
    env = {**os.environ, "CRAFTPATH_DATA_DIR": str(folder)}
    env.pop("DATABASE_URL", None)
    cli = [sys.executable, "-m", "craftpath.cli"]
    subprocess.run([*cli, "manage", "migrate", "-v", "0"], env=env, check=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, str(folder), str(EACH)],
                                env=env, stderr=subprocess.PIPE, text=True)
               for _ in range(WRITERS)]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    checked = subprocess.run([*cli, "manage", "audit_verify"], env=env, capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stderr
    assert f"audit trail intact: {WRITERS * EACH} entries" in checked.stdout


# --- the pages --------------------------------------------------------------------------------

def test_a_person_sees_who_looked_at_their_data(client_as, small_org):
    client_as(small_org.mia).get(f"/checkins/people/{small_org.eva.pk}/")
    client_as(small_org.ian).get(f"/people/{small_org.sol.pk}/")  # someone else's business
    page = client_as(small_org.eva).get("/audit/me/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mia" in text and "progress" in text
    assert "Ian" not in text


def test_the_people_team_searches_the_trail(client_as, small_org):
    client_as(small_org.mia).get(f"/people/{small_org.eva.pk}/")
    client_as(small_org.ian).get(f"/people/{small_org.sol.pk}/")
    people = client_as(small_org.pia)
    today = timezone.now().date().isoformat()
    found = people.get("/audit/", {"actor": "mia", "action": "viewed", "since": today,
                                   "until": today})
    assert found.status_code == 200
    rows = found.context["page"].object_list
    assert [(e.actor_pk, e.subject_pk) for e in rows] == [(small_org.mia.pk, small_org.eva.pk)]
    by_subject = people.get("/audit/", {"subject": str(small_org.sol.pk)})
    assert [e.action for e in by_subject.context["page"].object_list
            if e.action not in SETUP] == ["refused"]
    assert Event.objects.filter(action="searched", actor_pk=small_org.pia.pk).count() == 2


def test_a_bad_search_is_a_400_naming_the_field(client_as, small_org):
    response = client_as(small_org.pia).get("/audit/", {"since": "2026-02-30"})
    assert response.status_code == 400
    assert 'href="#id_since"' in response.content.decode()


def test_only_the_people_team_searches_the_trail(client_as, small_org):
    for person in (small_org.ian, small_org.mia, small_org.ada):
        assert client_as(person).get("/audit/").status_code == 403


# --- the old check-in audit log ----------------------------------------------------------------

def test_the_old_check_in_audit_log_moves_into_the_chain(transactional_db, published_seed):
    """Rows of the check-in audit table that the trail replaced are appended to the chain, in
    the order they were written, with the names of who acted and whose check-in it was."""
    from django.db.migrations.executor import MigrationExecutor

    before = [("checkins", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        person_model, checkin_model = old.get_model("accounts", "User"), old.get_model(
            "checkins", "CheckIn")
        eva = person_model.objects.create(email="eva@example.com", name="Eva", password="!")
        leo = person_model.objects.create(email="leo@example.com", name="Leo", password="!")
        checkin = checkin_model.objects.create(person=eva, version_id=published_seed.pk,
                                               family_slug="f", level_slug="l")
        entry = old.get_model("checkins", "AuditEntry")
        entry.objects.create(actor=leo, person=eva, checkin=checkin, action="viewed",
                             what="check-in overview")
        entry.objects.create(actor=None, person=eva, checkin=checkin, action="changed",
                             what="manager rating")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        moved = [(e.actor_name, e.action, e.subject_name, e.target, e.detail)
                 for e in Event.objects.order_by("seq")]
        assert moved == [("Leo", "viewed", "Eva", f"check-in {checkin.pk}", "check-in overview"),
                         ("someone since removed", "changed", "Eva", f"check-in {checkin.pk}",
                          "manager rating")]
        assert trail.verify().intact
    finally:  # whatever happened, the schema goes back to the latest for the next tests
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
