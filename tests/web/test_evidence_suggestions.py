"""The evidence assistant in the app: suggestions while typing evidence (level and next, with
reasons), one click to link, the model recorded on the link and shown to the person and their
reviewers, and a reviewer's question about statements an item is not linked to."""

from __future__ import annotations

from craftpath.web.checkins import loop
from craftpath.web.checkins.models import Entry, Evidence, SuggestedLink

from .checkin_helpers import HTMX, start_for, submitted

CLOUD = "Moved our training jobs to cloud GPUs and automated the retraining pipeline"
CLOUD_STATEMENT = "ml-ops.level-4.3"
CLOUD_WORDS = "“I have utilised cloud technology for improving some MLOps capabilities"
CLOUD_TEXT = "I have utilised cloud technology for improving some MLOps capabilities"
OTHER_CLOUD_TEXT = "I understand how cloud technologies may be used to scale ML workloads"
MODEL = "all-MiniLM-L6-v2-onnx-int8"


def suggest(client, **fields):
    return client.post("/checkins/evidence/suggest/", fields, **HTMX)


def add_item(client, link="", title="Cloud retraining", description=CLOUD):
    """Add an item from the log's form; `link` is the suggestion button clicked, if any."""
    return client.post("/checkins/evidence/", {
        "title": title, "date": "2025-05-01", "link": "", "description": description,
        "link_statement": link}, follow=True)


def test_typing_evidence_suggests_three_statements_with_reasons(client_as_engineer, small_org):
    response = suggest(client_as_engineer, title="Cloud retraining", description=CLOUD)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("<li>") == 3
    assert CLOUD_TEXT in text
    assert CLOUD_STATEMENT not in text  # its id is the code's name for it, not shown
    assert "Why: evidence “automated the retraining pipeline”" in text
    assert "ML Ops · Level 4 (Mid)" in text
    # Ian is at Level 4: only his level and the next (Level 3), only his track's areas.
    assert "Level 5" not in text and "Level 1" not in text and "Edge Computing" not in text
    # With no open check-in there is nothing to link to, so no button.
    assert 'name="link_statement"' not in text


def test_nothing_typed_or_no_level_gives_a_hint_not_an_error(client_as, small_org):
    assert "Type a title or description" in \
        suggest(client_as(small_org.ian)).content.decode()
    small_org.pia.level_slug = ""
    small_org.pia.save()
    text = suggest(client_as(small_org.pia), title="x", description=CLOUD).content.decode()
    assert "need your family and level" in text


def test_the_inline_form_posts_its_prefixed_fields(client_as_engineer, small_org):
    start_for(small_org.ian)
    text = suggest(client_as_engineer, suggest_prefix="new", suggest_action="inline",
                   **{"new-title": "Cloud retraining", "new-description": CLOUD}).content.decode()
    assert CLOUD_STATEMENT in text and "Add and also link here" in text


def test_one_click_adds_the_item_and_links_it_recording_the_model(client_as_engineer,
                                                                  small_org):
    checkin = start_for(small_org.ian)
    text = suggest(client_as_engineer, title="Cloud retraining",
                   description=CLOUD).content.decode()
    assert f'name="link_statement" value="{CLOUD_STATEMENT}"' in text
    response = add_item(client_as_engineer, link=CLOUD_STATEMENT)
    assert f"linked it to {CLOUD_WORDS}" in response.content.decode()  # words, not the id
    item = Evidence.objects.get(title="Cloud retraining")
    entry = Entry.objects.get(checkin=checkin, statement_id=CLOUD_STATEMENT)
    assert list(entry.evidence.all()) == [item]
    link = SuggestedLink.objects.get(entry=entry, evidence=item)
    assert link.model.startswith(MODEL + " ")
    # A suggestion never rates.
    assert (entry.self_value, entry.manager_value, entry.agreed_value) == ("", "", "")
    assert entry.self_revision == 1
    log = client_as_engineer.get("/checkins/evidence/").content.decode()
    assert f"Linked from the evidence assistant's suggestions ({link.model}) to: {CLOUD_WORDS}" \
        in log
    assert CLOUD_STATEMENT not in log.replace(f'value="{CLOUD_STATEMENT}"', "")


def test_a_statement_that_was_not_suggested_is_not_linked_as_suggested(client_as_engineer,
                                                                      small_org):
    checkin = start_for(small_org.ian)
    response = add_item(client_as_engineer, link="ai-strategy.level-3.1")
    assert "Saved, but not linked: That statement is no longer suggested" in \
        response.content.decode()
    assert Evidence.objects.filter(title="Cloud retraining").exists()
    assert not Entry.objects.get(checkin=checkin, statement_id="ai-strategy.level-3.1") \
        .evidence.exists()
    assert not SuggestedLink.objects.exists()


def test_a_statement_outside_the_checkin_cannot_be_linked(client_as_engineer, small_org):
    start_for(small_org.ian)
    response = add_item(client_as_engineer, link="edge-computing.level-4.4")
    assert "not open for linking" in response.content.decode()
    assert not SuggestedLink.objects.exists()


def test_without_an_open_checkin_the_item_is_saved_and_not_linked(client_as_engineer,
                                                                   small_org):
    response = add_item(client_as_engineer, link=CLOUD_STATEMENT)
    assert "Saved, but not linked: you have no open check-in" in response.content.decode()
    assert Evidence.objects.filter(title="Cloud retraining").exists()


def test_the_edit_page_shows_suggestions_without_javascript(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    item = Evidence.objects.create(owner=small_org.ian, title="Cloud retraining",
                                   description=CLOUD)
    text = client_as_engineer.get(f"/checkins/evidence/{item.pk}/").content.decode()
    assert f'name="link_statement" value="{CLOUD_STATEMENT}"' in text and "Save and link" in text
    response = client_as_engineer.post(f"/checkins/evidence/{item.pk}/", {
        "title": item.title, "date": "2025-05-01", "link": "", "description": CLOUD,
        "suggest_item": item.pk, "link_statement": CLOUD_STATEMENT}, follow=True)
    assert f"Saved and linked to {CLOUD_WORDS}" in response.content.decode()
    # Once linked, the statement is no longer suggested for this item.
    text = client_as_engineer.get(f"/checkins/evidence/{item.pk}/").content.decode()
    assert f'value="{CLOUD_STATEMENT}"' not in text
    assert checkin.entries.get(statement_id=CLOUD_STATEMENT).evidence.filter(pk=item.pk).exists()


def test_linking_from_the_inline_form_also_links_the_suggestion(client_as_engineer,
                                                                small_org):
    checkin = start_for(small_org.ian)
    here = "ai-governance.level-4.1"
    response = client_as_engineer.post(f"/checkins/{checkin.pk}/evidence/", {
        "statement": here, "new-title": "Cloud retraining", "new-date": "2025-05-01",
        "new-link": "", "new-description": CLOUD, "link_statement": CLOUD_STATEMENT}, **HTMX)
    text = response.content.decode()
    item = Evidence.objects.get(title="Cloud retraining")
    assert set(item.entries.values_list("statement_id", flat=True)) == {here, CLOUD_STATEMENT}
    assert SuggestedLink.objects.filter(evidence=item).count() == 1
    # The other statement's revision on the page moves on with it.
    assert 'id="rev-ml-ops-level-4-3"' in text


def test_the_person_and_reviewers_see_which_links_came_from_suggestions(client_as, small_org):
    checkin = start_for(small_org.ian)
    add_item(client_as(small_org.ian), link=CLOUD_STATEMENT)
    assert "“Cloud retraining” was linked here from a suggestion (" + MODEL in \
        client_as(small_org.ian).get(f"/checkins/{checkin.pk}/areas/ml-ops/").content.decode()
    mark = "from a suggestion (" + MODEL
    checkin = submitted(checkin, small_org.ian, small_org.leo)
    assert mark in client_as(small_org.leo).get(f"/checkins/{checkin.pk}/compare/") \
        .content.decode()
    loop.agree_matching(checkin)
    closed = loop.close(checkin, small_org.leo)
    # The closed record keeps it, whatever happens to the log later.
    assert closed.snapshot["evidence"][CLOUD_STATEMENT][0]["suggested_by"].startswith(MODEL)


def test_unticking_a_suggested_link_forgets_where_it_came_from(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    add_item(client_as_engineer, link=CLOUD_STATEMENT)
    client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": CLOUD_STATEMENT, "value": "", "revision": "1"}, **HTMX)
    client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": CLOUD_STATEMENT, "value": "", "revision": "2", "evidence": []}, **HTMX)
    assert not SuggestedLink.objects.exists()


def test_a_reviewer_asks_which_statements_an_item_supports_but_is_not_linked_to(client_as,
                                                                              small_org):
    checkin = start_for(small_org.ian)
    add_item(client_as(small_org.ian), link=CLOUD_STATEMENT)
    item = Evidence.objects.get(title="Cloud retraining")
    url = f"/checkins/{checkin.pk}/evidence/{item.pk}/suggestions/"
    # Blind review: before both have submitted, the manager does not see the person's evidence.
    assert client_as(small_org.leo).get(url).status_code == 404
    submitted(checkin, small_org.ian, small_org.leo)
    response = client_as(small_org.leo).get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("Why: ") == 3
    assert CLOUD_TEXT not in text  # already linked, so not offered
    assert OTHER_CLOUD_TEXT in text  # the other cloud statement of his level
    assert "ml-ops.level-4.2" not in text  # shown by its words, not its id
    assert client_as(small_org.oto).get(url).status_code == 404  # not his report
    # An item the check-in does not cite is not the reviewer's to read.
    private = Evidence.objects.create(owner=small_org.ian, title="Private", description=CLOUD)
    assert client_as(small_org.leo).get(
        f"/checkins/{checkin.pk}/evidence/{private.pk}/suggestions/").status_code == 404
    fragment = client_as(small_org.leo).get(url, **HTMX).content.decode()
    assert fragment.startswith('<div class="unlinked')


def test_the_forms_main_button_comes_before_any_suggestion(client_as_engineer, small_org):
    """Enter in a field submits with a form's first button: that must be the plain save, so a
    suggestion is never linked without being clicked."""
    start_for(small_org.ian)
    item = Evidence.objects.create(owner=small_org.ian, title="Cloud retraining",
                                   description=CLOUD)
    text = client_as_engineer.get(f"/checkins/evidence/{item.pk}/").content.decode()
    assert 'name="link_statement"' in text
    assert text.index('<button type="submit" class="button--primary">Save</button>') \
        < text.index('name="link_statement"')


def test_carrying_the_checkin_to_a_new_version_keeps_where_links_came_from(small_org,
                                                                         seed_framework,
                                                                         client_as):
    from craftpath.web.frameworks.publishing import publish_framework

    from .helpers import reworded

    checkin = start_for(small_org.ian)
    add_item(client_as(small_org.ian), link=CLOUD_STATEMENT)
    new = publish_framework(reworded(seed_framework, "I now write the tests first.")).version
    loop.carry_to(checkin, new)
    link = SuggestedLink.objects.get()
    assert (link.entry.checkin_id, link.entry.statement_id) == (checkin.pk, CLOUD_STATEMENT)
    assert link.model.startswith(MODEL)
