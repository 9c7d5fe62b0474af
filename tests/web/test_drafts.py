"""Drafts in the browser: editors open one from the active version, edit it (htmx or plain
forms), see lint beside the items, and a stale edit is refused with both versions shown."""

import pytest

from craftpath.web.accounts.models import Role, User
from craftpath.web.frameworks import drafts
from craftpath.web.frameworks.models import Draft, FrameworkVersion

from .conftest import FAMILY

HTMX = {"HTTP_HX_REQUEST": "true"}
AREA_URL = f"/drafts/{{pk}}/{FAMILY}/areas/ml-ops/"


@pytest.fixture
def editor(small_org):
    person = User.objects.create_user("eda@example.com", name="Eda")
    person.grant(Role.EDITOR)
    return person


@pytest.fixture
def second_editor(small_org):
    person = User.objects.create_user("ed2@example.com", name="Ed Two")
    person.grant(Role.EDITOR)
    return person


@pytest.fixture
def draft(editor):
    return drafts.open_draft(editor)


def statement_text(draft, sid):
    draft.refresh_from_db()
    family = drafts.framework_of_draft(draft).find_family(FAMILY)
    return next(s.text for s in family.statements if s.id == sid)


def form(draft, op, target="", **fields):
    """What an editor's form posts, drawn from the draft as it is now."""
    framework = drafts.framework_of_draft(draft)
    return {"op": op, "family": FAMILY, "revision": draft.revision,
            "fingerprint": drafts.fingerprint(framework, target) if target else "",
            "page": f"area:{FAMILY}:ml-ops", **fields}


def test_editors_and_admins_open_drafts_and_nobody_else_does(client_as, small_org, editor):
    assert client_as(small_org.ian).get("/drafts/").status_code == 403
    assert client_as(small_org.pia).post("/drafts/new/").status_code == 403
    response = client_as(editor).post("/drafts/new/")
    draft = Draft.objects.get()
    assert response.status_code == 302 and response.url == f"/drafts/{draft.pk}/"
    assert draft.base == FrameworkVersion.objects.get(is_active=True)
    assert drafts.framework_of_draft(draft).name == "Vaarst Career Framework"
    page = client_as(small_org.ada).get(f"/drafts/{draft.pk}/")  # admins are editors too
    assert page.status_code == 200 and "Draft of Vaarst Career Framework" in page.content.decode()


def test_rewording_without_javascript_saves_and_goes_back(client_as, editor, draft):
    post = form(draft, "statement.reword", f"statement:{FAMILY}:ml-ops.level-5.1",
                statement="ml-ops.level-5.1", text="I use my team's ML tools well.")
    response = client_as(editor).post(f"/drafts/{draft.pk}/edit/", post)
    assert response.status_code == 302 and response.url == AREA_URL.format(pk=draft.pk)
    assert statement_text(draft, "ml-ops.level-5.1") == "I use my team's ML tools well."
    assert draft.revision == 1 and draft.updated_by == editor


def test_with_htmx_the_editor_part_comes_back_with_the_change(client_as, editor, draft):
    post = form(draft, "statement.add", area="ml-ops", level="level-4",
                text="I keep a runbook for my models.")
    response = client_as(editor).post(f"/drafts/{draft.pk}/edit/", post, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith('<div id="editor"')
    assert "Statement added." in html and "I keep a runbook for my models." in html
    assert "<html" not in html  # a fragment, not a page
    assert 'name="revision" value="1"' in html  # the next edit names the new revision


def test_a_stale_edit_of_the_same_statement_is_refused_with_both_versions(
        client_as, client, editor, second_editor, draft):
    target = f"statement:{FAMILY}:ml-ops.level-5.1"
    seen_by_second = form(draft, "statement.reword", target, statement="ml-ops.level-5.1",
                          text="The second editor's wording.")
    first = form(draft, "statement.reword", target, statement="ml-ops.level-5.1",
                 text="The first editor's wording.")
    assert client_as(editor).post(f"/drafts/{draft.pk}/edit/", first).status_code == 302
    client.force_login(second_editor)
    response = client.post(f"/drafts/{draft.pk}/edit/", seen_by_second)
    html = response.content.decode()
    assert response.status_code == 409
    assert "someone else changed this first" in html
    assert "The first editor&#x27;s wording." in html  # stored now
    assert "The second editor&#x27;s wording." in html  # theirs, kept for them
    assert statement_text(draft, "ml-ops.level-5.1") == "The first editor's wording."
    with_htmx = client.post(f"/drafts/{draft.pk}/edit/", seen_by_second, **HTMX)
    assert with_htmx.status_code == 200 and "The second editor&#x27;s wording." in \
        with_htmx.content.decode()
    assert statement_text(draft, "ml-ops.level-5.1") == "The first editor's wording."


def test_a_stale_page_may_still_edit_another_statement(client_as, editor, second_editor,
                                                        draft):
    seen_by_second = form(draft, "statement.reword", f"statement:{FAMILY}:ml-ops.level-5.2",
                          statement="ml-ops.level-5.2", text="Second's change elsewhere.")
    client_as(editor).post(f"/drafts/{draft.pk}/edit/", form(
        draft, "statement.reword", f"statement:{FAMILY}:ml-ops.level-5.1",
        statement="ml-ops.level-5.1", text="First's change."))
    response = client_as(second_editor).post(f"/drafts/{draft.pk}/edit/", seen_by_second)
    assert response.status_code == 302
    assert statement_text(draft, "ml-ops.level-5.1") == "First's change."
    assert statement_text(draft, "ml-ops.level-5.2") == "Second's change elsewhere."
    assert draft.revision == 2


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client_as, editor, draft):
    post = form(draft, "statement.reword", f"statement:{FAMILY}:ml-ops.level-5.1",
                statement="ml-ops.level-5.1", text="   ")
    response = client_as(editor).post(f"/drafts/{draft.pk}/edit/", post)
    assert response.status_code == 400 and "the field &#x27;text&#x27; is needed" in \
        response.content.decode()
    bad_number = form(draft, "level.rename", f"level:{FAMILY}:level-3", level="level-3",
                      code="Level 3", number="three", page=f"family:{FAMILY}")
    response = client_as(editor).post(f"/drafts/{draft.pk}/edit/", bad_number)
    assert response.status_code == 400 and "is not a whole number" in response.content.decode()
    unknown = client_as(editor).post(f"/drafts/{draft.pk}/edit/", form(draft, "drop.tables"))
    assert unknown.status_code == 400
    draft.refresh_from_db()
    assert draft.revision == 0


def test_lint_findings_show_beside_their_items_and_update_as_you_edit(client_as, editor,
                                                                       draft):
    editor_client = client_as(editor)
    area = editor_client.get(f"/drafts/{draft.pk}/{FAMILY}/areas/architecture-design/")
    html = area.content.decode()
    level_5 = html[html.index('id="level-level-5"'):html.index('id="level-level-4"')]
    assert "CP101" in level_5 and "says TODO" in level_5  # the gap, beside its cell
    overview = editor_client.get(f"/drafts/{draft.pk}/").content.decode()
    term = overview[overview.index('id="i-term-mlops-goals"'):]
    assert "CP106" in term[:term.index("</form>")]  # undefined term, beside the term
    post = form(draft, "term.set", "term:mlops-goals", term="mlops-goals",
                name="MLOps goals", definition="What running models in production is for.",
                page="overview")
    after = editor_client.post(f"/drafts/{draft.pk}/edit/", post, **HTMX).content.decode()
    term = after[after.index('id="i-term-mlops-goals"'):]
    assert "CP106" not in term[:term.index("</form>")]


def test_errors_show_beside_the_statement_and_block_publishing(client_as, editor, draft):
    document = draft.document
    cells = document["families"][0]["tracks"][0]["areas"][0]["expectations"]
    cells["level-5"][1]["id"] = cells["level-5"][0]["id"]  # two statements, one id
    Draft.objects.filter(pk=draft.pk).update(document=document, revision=7)
    draft.refresh_from_db()
    html = client_as(editor).get(AREA_URL.format(pk=draft.pk)).content.decode()
    assert "CP111" in html and "1 error" in html
    refused = client_as(editor).post(f"/drafts/{draft.pk}/publish/",
                                     {"note": "try", "revision": 7})
    assert refused.status_code == 409 and "fix them before publishing" in \
        refused.content.decode()
    assert FrameworkVersion.objects.count() == 1


def test_structure_edits_through_the_pages(client_as, editor, draft):
    client = client_as(editor)
    page = f"family:{FAMILY}"

    def post(op, target="", **fields):
        response = client.post(f"/drafts/{draft.pk}/edit/",
                                form(draft, op, target, page=page, **fields))
        assert response.status_code == 302, response.content.decode()[:2000]
        draft.refresh_from_db()

    post("level.missing", f"level:{FAMILY}:level-2", level="level-2", missing="0")
    post("level.add", code="Level 0", name="Fellow", number="0")
    post("level.move", f"levels:{FAMILY}", level="level-0", position="0")
    post("track.add", name="Research")
    post("area.add", track="research", name="Papers")
    post("statement.add", area="papers", level="level-2", text="I publish what we learn.")
    post("statement.split", f"statement:{FAMILY}:ml-ops.level-5.1", statement="ml-ops.level-5.1",
         parts="I work with my team's ML tools.\nI work with my team's software packages.")
    post("statement.move", f"statement:{FAMILY}:ml-ops.level-5.2", statement="ml-ops.level-5.2",
         to="papers|level-0")
    family = drafts.framework_of_draft(draft).find_family(FAMILY)
    assert [lv.slug for lv in family.levels][:1] == ["level-0"]
    assert not family.find_level("level-2").missing
    assert [s.id for s in family.expectation("papers", "level-2").statements] == \
        ["papers.level-2.1"]
    assert [s.id for s in family.expectation("papers", "level-0").statements] == \
        ["ml-ops.level-5.2"]
    assert [s.id for s in family.expectation("ml-ops", "level-5").statements] == \
        ["ml-ops.level-5.3", "ml-ops.level-5.4"]
    html = client.get(f"/drafts/{draft.pk}/{FAMILY}/").content.decode()
    assert "Level 0 (Fellow)" in html and "Papers" in html


def test_merging_ticked_statements(client_as, editor, draft):
    framework = drafts.framework_of_draft(draft)
    ids = ["ml-ops.level-5.1", "ml-ops.level-5.2"]
    post = {"op": "statement.merge", "family": FAMILY, "revision": draft.revision,
            "page": f"area:{FAMILY}:ml-ops", "ids": ids, "text": "One merged statement.",
            **{f"fp:statement:{FAMILY}:{sid}": drafts.fingerprint(
                framework, f"statement:{FAMILY}:{sid}") for sid in ids}}
    assert client_as(editor).post(f"/drafts/{draft.pk}/edit/", post).status_code == 302
    draft.refresh_from_db()
    cell = drafts.framework_of_draft(draft).find_family(FAMILY).expectation("ml-ops", "level-5")
    assert [(s.id, s.text) for s in cell.statements] == \
        [("ml-ops.level-5.3", "One merged statement.")]


def test_the_editor_pages_render_for_every_area(client_as, editor, draft):
    client = client_as(editor)
    family = drafts.framework_of_draft(draft).find_family(FAMILY)
    for area in family.areas:
        response = client.get(f"/drafts/{draft.pk}/{FAMILY}/areas/{area.slug}/")
        assert response.status_code == 200 and area.name in response.content.decode()
    assert client.get(f"/drafts/{draft.pk}/{FAMILY}/areas/nope/").status_code == 404
    assert client.get(f"/drafts/{draft.pk}/nope/").status_code == 404
    assert client.get("/drafts/99999/").status_code == 404


def test_discarding_a_draft(client_as, editor, draft):
    response = client_as(editor).post(f"/drafts/{draft.pk}/discard/")
    assert response.status_code == 302 and not Draft.objects.exists()
    assert FrameworkVersion.objects.count() == 1


def test_what_the_app_keeps_after_edits_is_what_a_fresh_read_gives(client_as, editor, draft):
    from craftpath.web.frameworks.drafts import _findings, _parsed, _read

    client = client_as(editor)
    for op, target, fields in (
            ("statement.add", "", {"area": "ml-ops", "level": "level-4",
                                   "text": "I define our Blast radius* for each model."}),
            ("statement.reword", f"statement:{FAMILY}:ml-ops.level-5.1",
             {"statement": "ml-ops.level-5.1", "text": "I use good tools, etc."}),
            ("level.missing", f"level:{FAMILY}:level-2", {"level": "level-2", "missing": "0"}),
            ("area.add", "", {"track": "all", "name": "Writing"})):
        response = client.post(f"/drafts/{draft.pk}/edit/", form(draft, op, target, **fields))
        assert response.status_code == 302
        draft.refresh_from_db()
    kept = drafts.framework_of_draft(draft)
    _parsed.items.clear()
    fresh, notes = _read(draft)
    assert fresh == kept and fresh is not kept
    assert fresh.find_term("blast-radius") is not None  # collected, as the reader does
    ours = drafts.findings_of(draft)
    again = _findings(fresh, notes)
    assert ours.by_item == again.by_item and ours.general == again.general
    assert "CP110" in {d.code for d in ours.of(f"statement:{FAMILY}:ml-ops.level-5.1")}
    assert "CP106" in {d.code for d in ours.of("term:blast-radius")}


def test_an_edit_to_a_discarded_draft_says_so(client_as, editor, second_editor, draft):
    post = form(draft, "statement.reword", f"statement:{FAMILY}:ml-ops.level-5.1",
                statement="ml-ops.level-5.1", text="Too late.")
    client_as(editor).post(f"/drafts/{draft.pk}/discard/")
    client = client_as(second_editor)
    with_htmx = client.post(f"/drafts/{draft.pk}/edit/", post, **HTMX)
    assert with_htmx.status_code == 204 and with_htmx["HX-Redirect"] == "/drafts/"
    plain = client.post(f"/drafts/{draft.pk}/edit/", post, follow=True)
    assert "published or discarded by someone else" in plain.content.decode()


def test_when_the_page_itself_goes_the_editor_is_sent_up_to_the_draft(client_as, editor,
                                                                      draft):
    client = client_as(editor)
    client.post(f"/drafts/{draft.pk}/edit/", form(draft, "area.add", track="all",
                                                   name="Writing"))
    draft.refresh_from_db()
    gone = form(draft, "area.remove", f"area:{FAMILY}:writing", area="writing",
                page=f"area:{FAMILY}:writing")
    response = client.post(f"/drafts/{draft.pk}/edit/", gone, **HTMX)
    assert response.status_code == 204 and response["HX-Redirect"] == f"/drafts/{draft.pk}/"
    assert "Area removed." in client.get(f"/drafts/{draft.pk}/").content.decode()


def reword(sid, text):
    from craftpath.core import edit

    return lambda framework: edit.reword_statement(framework, FAMILY, sid, text)


def test_a_save_landing_between_read_and_write_is_not_lost(editor, second_editor, draft):
    """The write is a compare-and-set on the revision: when another save lands after this one
    read the draft, this one reads again, checks its item again, and goes on top."""
    first, second = f"statement:{FAMILY}:ml-ops.level-5.1", f"statement:{FAMILY}:ml-ops.level-5.2"
    seen = drafts.fingerprint(drafts.framework_of_draft(draft), second)
    landed = []

    def change_with_a_race(framework):
        if not landed:  # someone else's save lands while this one is being made
            other = Draft.objects.get(pk=draft.pk)
            landed.append(drafts.apply(other, 0, {first: drafts.fingerprint(framework, first)},
                                       reword("ml-ops.level-5.1", "Theirs."), second_editor))
        return reword("ml-ops.level-5.2", "Mine.")(framework)

    drafts.apply(draft, 0, {second: seen}, change_with_a_race, editor)
    assert draft.revision == 2
    assert statement_text(draft, "ml-ops.level-5.1") == "Theirs."
    assert statement_text(draft, "ml-ops.level-5.2") == "Mine."


def test_a_racing_save_of_the_same_item_makes_this_one_stale(editor, second_editor, draft):
    target = f"statement:{FAMILY}:ml-ops.level-5.1"
    seen = drafts.fingerprint(drafts.framework_of_draft(draft), target)

    def change_with_a_race(framework):
        if draft.revision == 0:
            other = Draft.objects.get(pk=draft.pk)
            drafts.apply(other, 0, {target: seen}, reword("ml-ops.level-5.1", "Theirs."),
                         second_editor)
        return reword("ml-ops.level-5.1", "Mine.")(framework)

    with pytest.raises(drafts.StaleEdit) as stale:
        drafts.apply(draft, 0, {target: seen}, change_with_a_race, editor)
    assert "Theirs." in stale.value.stored
    assert statement_text(draft, "ml-ops.level-5.1") == "Theirs."
    assert draft.revision == 1
