"""The loop end to end through the pages: start, rate with autosave, submit, blind review,
side by side, agree, close."""

from __future__ import annotations

import pytest

from craftpath.web.checkins import loop
from craftpath.web.checkins.models import CheckIn, Entry

from .checkin_helpers import HTMX, fill, first_ids, start_for, submitted


def test_an_engineer_starts_a_check_in_at_their_level_and_the_next(client_as_engineer,
                                                                     small_org):
    response = client_as_engineer.post("/checkins/start/", {"include_next": "1"})
    checkin = CheckIn.objects.get(person=small_org.ian)
    assert response.status_code == 302 and f"/checkins/{checkin.pk}/areas/" in response.url
    assert (checkin.level_slug, checkin.next_level_slug) == ("level-4", "level-3")
    ids = set(checkin.entries.values_list("statement_id", flat=True))
    assert "ml-ops.level-4.1" in ids and "ml-ops.level-3.1" in ids
    assert not any("edge-computing" in i for i in ids)  # Ian's tracks: only "all"
    page = client_as_engineer.get(response.url)
    assert page.status_code == 200
    assert b"0 of " in page.content and b"statements rated" in page.content


def test_autosave_stores_one_statement_and_moves_the_revision_on(client_as_engineer,
                                                                small_org):
    checkin = start_for(small_org.ian)
    statement = first_ids(checkin, 1)[0]
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": statement, "value": "Meets", "comment": "shipped the pipeline",
        "revision": "0"}, **HTMX)
    assert response.status_code == 200
    assert b"Saved" in response.content and b'value="1"' in response.content
    entry = checkin.entries.get(statement_id=statement)
    assert (entry.self_value, entry.self_comment, entry.self_revision) == (
        "Meets", "shipped the pipeline", 1)
    assert b"1 of " in response.content  # the progress line comes along, out of band


def test_not_applicable_needs_a_reason(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    statement = first_ids(checkin, 1)[0]
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": statement, "value": "Not applicable", "revision": "0"}, **HTMX)
    assert b"Not applicable needs a reason" in response.content
    assert checkin.entries.get(statement_id=statement).self_value == ""


def test_submitting_needs_every_statement_rated(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/submit/", follow=True)
    assert b"still need a rating" in response.content
    fill(checkin, "self")
    client_as_engineer.post(f"/checkins/{checkin.pk}/submit/")
    checkin.refresh_from_db()
    assert checkin.self_submitted_at is not None


def test_the_manager_rates_blind_until_both_have_submitted(client_as, small_org):
    checkin = start_for(small_org.ian)
    fill(checkin, "self", "Exceeds")
    entry = checkin.entries.first()
    entry.self_comment = "a self comment only Ian sees for now"
    entry.save()
    area = checkin.entries.first().statement_id.split(".")[0]
    leo = client_as(small_org.leo)
    page = leo.get(f"/checkins/{checkin.pk}/areas/{area}/")
    assert page.status_code == 200
    assert b"Your rating as manager" in page.content
    assert b"Exceeds\" checked" not in page.content
    assert b"a self comment only Ian sees" not in page.content
    assert b"opens when both" in leo.get(f"/checkins/{checkin.pk}/compare/").content
    # The self-assessment is submitted: still hidden from the manager until theirs is in.
    loop.submit(checkin, "self", small_org.ian)
    assert b"a self comment only Ian sees" not in leo.get(
        f"/checkins/{checkin.pk}/areas/{area}/").content
    assert b"a self comment only Ian sees" not in leo.get(
        f"/checkins/{checkin.pk}/export.csv").content
    fill(checkin, "manager", "Meets")
    leo.post(f"/checkins/{checkin.pk}/submit/")
    compare = leo.get(f"/checkins/{checkin.pk}/compare/")
    assert b"a self comment only Ian sees" in compare.content


def test_the_engineer_does_not_see_the_managers_ratings_before_both_submit(client_as,
                                                                            small_org):
    checkin = start_for(small_org.ian)
    fill(checkin, "manager", "Working towards")
    entry = checkin.entries.first()
    entry.manager_comment = "manager's private draft"
    entry.save()
    ian = client_as(small_org.ian)
    area = entry.statement_id.split(".")[0]
    assert b"manager's private draft" not in ian.get(f"/checkins/{checkin.pk}/areas/{area}/"
                                                      ).content


def test_side_by_side_lists_disagreements_first_then_agree_and_close(client_as, small_org):
    from .checkin_helpers import close_from_page, submitted

    checkin = start_for(small_org.ian)
    ids = list(checkin.entries.values_list("statement_id", flat=True))
    last = ids[-1]
    submitted(checkin, small_org.ian, small_org.leo, "Meets", "Meets",
              manager_values={last: "Not yet"})
    leo = client_as(small_org.leo)
    page = leo.get(f"/checkins/{checkin.pk}/compare/").content.decode()
    assert "1 of" in page and "rated differently" in page
    first_row = page.index('class="differ"')
    assert page.index(f'id="s-{last.replace(".", "-")}"') < first_row + 100
    assert first_row < page.index('class="alike"')
    leo.post(f"/checkins/{checkin.pk}/outcomes/matching/")
    response = leo.post(f"/checkins/{checkin.pk}/close/", follow=True)
    assert b"no agreed outcome yet" in response.content
    response = leo.post(f"/checkins/{checkin.pk}/outcomes/", {
        "statement": last, "value": "Working towards", "revision": "0"}, **HTMX)
    assert b"Saved" in response.content
    leo.post(f"/checkins/{checkin.pk}/summary/", {"summary": "Good quarter.", "revision": "0"},
             **HTMX)
    response = close_from_page(leo, checkin, follow=True)
    assert b"The agreed record" in response.content and b"Good quarter." in response.content
    checkin.refresh_from_db()
    assert checkin.is_closed and checkin.snapshot["version"] == checkin.version.label


def test_the_engineer_cannot_close_and_the_people_team_only_reads(client_as, small_org):
    from .checkin_helpers import submitted

    checkin = submitted(start_for(small_org.ian), small_org.ian, small_org.leo)
    assert client_as(small_org.ian).post(f"/checkins/{checkin.pk}/close/").status_code == 403
    pia = client_as(small_org.pia)
    assert pia.get(f"/checkins/{checkin.pk}/compare/").status_code == 200
    assert pia.post(f"/checkins/{checkin.pk}/outcomes/", {
        "statement": first_ids(checkin, 1)[0], "value": "Meets",
        "revision": "0"}).status_code == 403


def test_submit_and_close_check_for_unrated_statements_under_the_checkins_lock(
        small_org, monkeypatch):
    """A rating cleared (or a move adding statements) just before the lock is taken is seen:
    the check runs on what the lock protects, not on what was read before it."""
    checkin = start_for(small_org.ian)
    fill(checkin, "self")
    first = checkin.entries.first()
    real = CheckIn.objects.select_for_update

    def cleared_meanwhile(side):
        def locking(*args, **kwargs):
            Entry.objects.filter(pk=first.pk).update(**{f"{side}_value": ""})
            return real(*args, **kwargs)
        return locking

    monkeypatch.setattr(CheckIn.objects, "select_for_update", cleared_meanwhile("self"))
    with pytest.raises(loop.LoopError, match="^1 statement still needs a rating"):
        loop.submit(checkin, "self", small_org.ian)
    monkeypatch.undo()
    assert CheckIn.objects.get(pk=checkin.pk).self_submitted_at is None

    checkin = submitted(checkin, small_org.ian, small_org.leo)
    loop.agree_matching(checkin)
    monkeypatch.setattr(CheckIn.objects, "select_for_update", cleared_meanwhile("agreed"))
    with pytest.raises(loop.LoopError, match="^1 statement has no agreed outcome"):
        loop.close(checkin, small_org.leo)
    monkeypatch.undo()
    assert not CheckIn.objects.get(pk=checkin.pk).is_closed
