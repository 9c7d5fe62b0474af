"""Closing freezes the record: later edits of the evidence log and newer framework versions
never change what a closed check-in shows. Open check-ins can be carried to a new version."""

from __future__ import annotations

import pytest

from craftpath.web.checkins import loop
from craftpath.web.checkins.models import CheckIn, ClosedCheckInError, Evidence

from .checkin_helpers import closed, first_ids, start_for
from .helpers import reworded


def test_the_closed_record_keeps_evidence_as_it_was(client_as, small_org):
    checkin = start_for(small_org.ian)
    statement = first_ids(checkin, 1)[0]
    item = Evidence.objects.create(owner=small_org.ian, title="Model registry rollout",
                                   link="https://example.com/pr/1")
    loop.attach_new_evidence(checkin, statement, item)
    checkin = closed(checkin, small_org.ian, small_org.leo)
    item.title = "Renamed later"
    item.save()
    page = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Model registry rollout" in page and "Renamed later" not in page
    item.delete()
    assert "Model registry rollout" in client_as(small_org.ian).get(
        f"/checkins/{checkin.pk}/").content.decode()


def test_a_new_framework_version_does_not_touch_a_closed_check_in(client_as, small_org,
                                                                 seed_framework):
    from craftpath.web.frameworks.publishing import publish_framework

    checkin = closed(start_for(small_org.ian), small_org.ian, small_org.leo)
    first_statement = checkin.entries.first().statement_id
    old_text = next(s.text for s in seed_framework.families[0].statements
                    if s.id == first_statement)
    publish_framework(reworded(seed_framework, "I now write the tests first."))
    page = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/").content.decode()
    assert old_text.split(",")[0] in page and "I now write the tests first." not in page
    with pytest.raises(ClosedCheckInError):
        loop.carry_to(checkin, CheckIn.objects.get(pk=checkin.pk).version)


def test_nothing_changes_in_a_closed_check_in(small_org):
    checkin = closed(start_for(small_org.ian), small_org.ian, small_org.leo)
    entry = checkin.entries.first()
    with pytest.raises(loop.LoopError, match="closed"):
        loop.save_voice(checkin, "agreed", entry.statement_id, value="Exceeds", reason="",
                        comment="", revision=entry.agreed_revision)


def test_an_open_check_in_is_carried_to_a_new_version_with_its_ratings(client_as, small_org,
                                                                      seed_framework):
    from craftpath.web.frameworks.publishing import publish_framework

    checkin = start_for(small_org.ian)
    from .checkin_helpers import fill

    fill(checkin, "self", "Exceeds")
    new = publish_framework(reworded(seed_framework, "I now write the tests first.")).version
    page = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/")
    assert f"version ({new.label})".encode() in page.content
    client_as(small_org.ian).post(f"/checkins/{checkin.pk}/carry/")
    checkin.refresh_from_db()
    assert checkin.version_id == new.pk
    assert set(checkin.entries.values_list("self_value", flat=True)) == {"Exceeds"}


def test_a_second_move_from_a_stale_copy_is_refused_and_keeps_the_ratings(small_org,
                                                                         seed_framework):
    from craftpath.web.frameworks.publishing import publish_framework

    from .checkin_helpers import fill

    checkin = start_for(small_org.ian)
    fill(checkin, "self", "Exceeds")
    stale = CheckIn.objects.get(pk=checkin.pk)  # a second tab, or a double click
    new = publish_framework(reworded(seed_framework, "I now write the tests first.")).version
    loop.carry_to(checkin, new)
    carried = sorted(checkin.entries.values_list("statement_id", "self_value"))
    with pytest.raises(loop.LoopError, match="moved to another version meanwhile"):
        loop.carry_to(stale, new)
    assert sorted(checkin.entries.values_list("statement_id", "self_value")) == carried
    assert {value for _, value in carried} == {"Exceeds"}
    loaded_open = CheckIn.objects.get(pk=checkin.pk)
    CheckIn.objects.filter(pk=checkin.pk).update(closed_at=checkin.started_at)  # closed since
    newer = publish_framework(reworded(seed_framework, "I now pair on the tests.")).version
    with pytest.raises(ClosedCheckInError):
        loop.carry_to(loaded_open, newer)
    assert CheckIn.objects.get(pk=checkin.pk).version_id == new.pk
