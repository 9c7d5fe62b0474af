"""Two tabs or two people saving the same thing: the second, stale save is refused with a
clear message and its input kept; nothing is silently overwritten."""

from __future__ import annotations

from .checkin_helpers import HTMX, first_ids, start_for, submitted


def test_a_stale_autosave_is_refused_and_shows_what_is_stored(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    statement = first_ids(checkin, 1)[0]
    url = f"/checkins/{checkin.pk}/ratings/"
    first_tab = client_as_engineer.post(url, {"statement": statement, "value": "Meets",
                                              "comment": "from tab one", "revision": "0"}, **HTMX)
    assert b"Saved" in first_tab.content
    second_tab = client_as_engineer.post(url, {"statement": statement, "value": "Exceeds",
                                               "comment": "from tab two", "revision": "0"},
                                         **HTMX)
    text = second_tab.content.decode()
    assert "was not saved" in text and "from tab one" in text
    assert 'name="take_revision" value="1"' in text  # the way to keep one's own, knowingly
    entry = checkin.entries.get(statement_id=statement)
    assert (entry.self_value, entry.self_comment) == ("Meets", "from tab one")
    # Choosing "save mine over it" saves tab two's input against the revision it was shown.
    client_as_engineer.post(url, {"statement": statement, "value": "Exceeds",
                                  "comment": "from tab two", "revision": "0",
                                  "take_revision": "1"}, **HTMX)
    entry.refresh_from_db()
    assert (entry.self_value, entry.self_comment) == ("Exceeds", "from tab two")


def test_without_javascript_a_conflict_redraws_the_page_with_the_input_kept(
        client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    statement = first_ids(checkin, 1)[0]
    url = f"/checkins/{checkin.pk}/ratings/"
    client_as_engineer.post(url, {"statement": statement, "value": "Meets", "revision": "0"})
    response = client_as_engineer.post(url, {"statement": statement, "value": "Exceeds",
                                             "comment": "my words, kept", "revision": "0"})
    assert response.status_code == 409
    assert b"my words, kept" in response.content and b"was not saved" in response.content


def test_two_people_agreeing_the_same_outcome_do_not_overwrite(client_as, small_org):
    checkin = submitted(start_for(small_org.ian), small_org.ian, small_org.leo)
    statement = first_ids(checkin, 1)[0]
    url = f"/checkins/{checkin.pk}/outcomes/"
    client_as(small_org.leo).post(url, {"statement": statement, "value": "Meets",
                                        "revision": "0"}, **HTMX)
    late = client_as(small_org.ian).post(url, {"statement": statement, "value": "Exceeds",
                                               "revision": "0"}, **HTMX)
    assert b"was not saved" in late.content
    assert checkin.entries.get(statement_id=statement).agreed_value == "Meets"


def test_the_summary_has_its_own_revision(client_as, small_org):
    checkin = submitted(start_for(small_org.ian), small_org.ian, small_org.leo)
    url = f"/checkins/{checkin.pk}/summary/"
    client_as(small_org.leo).post(url, {"summary": "Leo's words", "revision": "0"}, **HTMX)
    late = client_as(small_org.ian).post(url, {"summary": "Ian's words", "revision": "0"},
                                         **HTMX)
    assert b"was not saved" in late.content and b"Leo&#x27;s words" in late.content
    checkin.refresh_from_db()
    assert checkin.summary == "Leo's words"


def test_a_submitted_side_no_longer_changes(client_as_engineer, small_org):
    from .checkin_helpers import fill

    checkin = start_for(small_org.ian)
    fill(checkin, "self")
    client_as_engineer.post(f"/checkins/{checkin.pk}/submit/")
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": first_ids(checkin, 1)[0], "value": "Exceeds", "revision": "1"}, **HTMX)
    assert b"submitted; it no longer changes" in response.content
