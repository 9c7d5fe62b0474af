"""The evidence log: kept by its owner, one item supporting several statements, added from
inside a check-in without losing one's place."""

from __future__ import annotations

from craftpath.web.checkins.models import Evidence

from .checkin_helpers import HTMX, first_ids, start_for


def test_the_log_lists_adds_and_edits_ones_own_items(client_as_engineer, small_org):
    response = client_as_engineer.post("/checkins/evidence/", {
        "title": "Talk on quantisation", "date": "2025-03-01", "link": "https://example.com/t",
        "description": "at the internal conference"})
    assert response.status_code == 302
    item = Evidence.objects.get(owner=small_org.ian)
    assert b"Talk on quantisation" in client_as_engineer.get("/checkins/evidence/").content
    client_as_engineer.post(f"/checkins/evidence/{item.pk}/", {
        "title": "Talk on INT8 quantisation", "date": "2025-03-01", "link": "",
        "description": ""})
    item.refresh_from_db()
    assert item.title == "Talk on INT8 quantisation"


def test_a_bad_item_is_refused_with_the_field_named(client_as_engineer, small_org):
    response = client_as_engineer.post("/checkins/evidence/", {"title": "", "date": "soon",
                                                               "link": "not a link"})
    assert response.status_code == 422
    assert not Evidence.objects.exists()


def test_someone_elses_item_does_not_exist_for_you(client_as, small_org):
    item = Evidence.objects.create(owner=small_org.eva, title="Eva's")
    assert client_as(small_org.ian).get(f"/checkins/evidence/{item.pk}/").status_code == 404
    # Not even her manager edits it: the log is hers.
    assert client_as(small_org.leo).get(f"/checkins/evidence/{item.pk}/").status_code == 404


def test_one_item_supports_several_statements(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    item = Evidence.objects.create(owner=small_org.ian, title="Feature store")
    for statement in first_ids(checkin, 2):
        client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
            "statement": statement, "value": "Meets", "evidence": [str(item.pk)],
            "revision": "0"}, **HTMX)
    assert item.entries.count() == 2


def test_adding_evidence_from_a_statement_attaches_it_there(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    statement, other = first_ids(checkin, 2)
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/evidence/", {
        "statement": statement, "new-title": "Latency dashboard", "new-date": "2025-05-01",
        "new-link": "", "new-description": ""}, **HTMX)
    text = response.content.decode()
    assert "Added “Latency dashboard”" in text
    item = Evidence.objects.get(title="Latency dashboard")
    assert list(item.entries.values_list("statement_id", flat=True)) == [statement]
    # Every statement on the page gets the new item to tick; the revision moves on.
    assert f'beforeend:#ev-{other.replace(".", "-")}' in text
    assert f'id="rev-{statement.replace(".", "-")}"' in text
    # Without JavaScript: back to the same statement.
    plain = client_as_engineer.post(f"/checkins/{checkin.pk}/evidence/", {
        "statement": statement, "new-title": "Second", "new-date": "2025-05-02"})
    assert plain.status_code == 302 and plain.url.endswith(f"#s-{statement.replace('.', '-')}")
