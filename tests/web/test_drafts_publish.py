"""Reviewing and publishing a draft: the changes with the statement mapping, the preview,
the change note, the versions page, the email to people with an open check-in, and carrying
their check-ins to the new version in bulk."""

import pytest
from django.core import mail

from craftpath.core import edit
from craftpath.web.accounts.models import Role, User
from craftpath.web.checkins import new_version
from craftpath.web.checkins.models import CheckIn
from craftpath.web.frameworks import drafts, releasing
from craftpath.web.frameworks.models import Draft, FrameworkVersion
from craftpath.web.notifications.models import EmailState, Kind, Notification

from . import mail_helpers
from .checkin_helpers import start_for
from .conftest import FAMILY
from .mail_helpers import run_queue

smtp_server = mail_helpers.smtp_server  # the fixture


@pytest.fixture
def editor(small_org):
    person = User.objects.create_user("eda@example.com", name="Eda Editor")
    person.grant(Role.EDITOR)
    return person


def changed_draft(editor):
    """A draft with one of each kind of change to statements."""
    draft = drafts.open_draft(editor)

    def change(framework):
        framework = edit.reword_statement(framework, FAMILY, "ml-ops.level-5.1",
                                          "I work well with the ML tools my team uses.")
        framework = edit.move_statement(framework, FAMILY, "ml-ops.level-5.2", "ai-strategy",
                                        "level-4")
        framework, _ = edit.split_statement(
            framework, FAMILY, "ai-strategy.level-5.1",
            ["I understand the reasoning behind my team’s strategic decisions.",
             "I am able to verify and debug implementations of the design."])
        framework = edit.delete_statement(framework, FAMILY, "ai-governance.level-5.1")
        framework, _ = edit.add_statement(framework, FAMILY, "ml-ops", "level-3",
                                          "I review my team's model releases.")
        return framework
    drafts.apply(draft, draft.revision, {}, change, editor)
    return draft


def test_review_shows_the_mapping_per_area_with_word_highlights(client_as, editor):
    draft = changed_draft(editor)
    html = client_as(editor).get(f"/drafts/{draft.pk}/review/").content.decode()
    assert "Changes against version v1" in html
    for kind in ("reworded", "moved", "split", "removed", "added"):
        assert f">{kind}</span>" in html, kind
    assert "<ins>well with the ML tools my team uses.</ins>" in html or "<ins>" in html
    assert "<del>" in html
    ml_ops = html[html.index("<h3>ML Ops"):html.index("<h3>", html.index("<h3>ML Ops") + 4)]
    assert "ml-ops.level-5.1" in ml_ops and "ml-ops.level-3." in ml_ops
    assert "ML Ops · Level 5 → AI Strategy · Level 4" in html  # the move, from and to


def test_preview_draws_the_published_pages_from_the_draft(client_as, editor):
    draft = changed_draft(editor)
    client = client_as(editor)
    level = client.get(f"/drafts/{draft.pk}/preview/{FAMILY}/level-3.html").content.decode()
    assert "I review my team&#x27;s model releases." in level
    assert f'href="/drafts/{draft.pk}/preview/' in level  # links stay in the preview
    assert "draft " in level and "(preview)" in level
    public = client.get(f"/{FAMILY}/level-3.html").content.decode()
    assert "I review my team&#x27;s model releases." not in public
    assert client.get(f"/drafts/{draft.pk}/preview/").status_code == 200
    assert client.get(f"/drafts/{draft.pk}/preview/{FAMILY}/nope.html").status_code == 404
    assert client.get(f"/drafts/{draft.pk}/preview/a/b/c/d").status_code == 404


def test_publishing_needs_a_note_then_stores_the_version_and_tells_open_checkins(
        client_as, editor, small_org):
    checkin = start_for(small_org.ian)
    draft = changed_draft(editor)
    client = client_as(editor)
    refused = client.post(f"/drafts/{draft.pk}/publish/", {"note": "  ", "revision": 1})
    assert refused.status_code == 409 and "Write a change note" in refused.content.decode()
    assert FrameworkVersion.objects.count() == 1
    response = client.post(f"/drafts/{draft.pk}/publish/", {
        "note": "Clearer ML Ops wording; AI strategy split.", "revision": 1}, follow=True)
    assert "1 person with an open check-in on an older version will be told" in \
        response.content.decode()
    [told] = Notification.objects.filter(kind=Kind.VERSION_PUBLISHED)
    assert (told.recipient, told.link, told.email_state) == \
        (small_org.ian, f"/checkins/{checkin.pk}/", EmailState.PENDING)
    assert mail.outbox == []  # the worker sends it
    assert response.redirect_chain == [("/versions/", 302)]
    version = FrameworkVersion.objects.get(is_active=True)
    assert (version.label, version.note, version.author_name, version.origin) == \
        ("v2", "Clearer ML Ops wording; AI strategy split.", "Eda Editor", "browser")
    assert not Draft.objects.exists()
    versions = client.get("/versions/").content.decode()
    assert "Clearer ML Ops wording; AI strategy split." in versions and "Eda Editor" in versions


def test_telling_open_checkins_puts_the_change_note_in_their_inbox(small_org, editor):
    checkin = start_for(small_org.ian)
    start_for(small_org.eva)
    published = releasing.publish_draft(changed_draft(editor), "A note for everyone.", editor)
    assert published.told == 2
    to_ian = Notification.objects.get(kind=Kind.VERSION_PUBLISHED, recipient=small_org.ian)
    assert to_ian.title == "New framework version v2"
    assert "A note for everyone." in to_ian.body and "Eda Editor" in to_ian.body
    assert "Your open check-in is on version v1" in to_ian.body
    assert to_ian.link == f"/checkins/{checkin.pk}/"
    assert new_version.tell_open_checkins(published.version) == 2  # still on v1 until moved


def test_a_failed_publish_tells_nobody(small_org, editor, monkeypatch):
    start_for(small_org.ian)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(releasing, "publish_framework", broken)
    with pytest.raises(RuntimeError):
        releasing.publish_draft(changed_draft(editor), "Never out.", editor)
    assert not Notification.objects.filter(kind=Kind.VERSION_PUBLISHED).exists()


@pytest.mark.django_db(transaction=True)  # the worker's claim opens its own transaction
def test_the_email_goes_through_a_real_smtp_server(small_org, editor, smtp_server):
    checkin = start_for(small_org.ian)
    releasing.publish_draft(changed_draft(editor), "Sent by SMTP.", editor)
    assert not smtp_server.messages  # nothing is sent until the worker runs
    run_queue()
    [message] = smtp_server.to("ian@example.com")
    assert message["Subject"] == "New framework version v2"
    text = smtp_server.text_of(message)
    assert "Sent by SMTP." in text
    assert f"https://craftpath.example/checkins/{checkin.pk}/" in text


def test_publishing_refuses_a_draft_of_an_older_version_and_an_unchanged_one(editor):
    unchanged = drafts.open_draft(editor)
    with pytest.raises(drafts.DraftError, match="same as the active version"):
        releasing.publish_draft(unchanged, "nothing", editor)
    older = changed_draft(editor)
    releasing.publish_draft(changed_draft(editor), "first", editor)
    with pytest.raises(drafts.DraftError, match="opened from version v1, but v2 is active"):
        releasing.publish_draft(older, "second", editor)


def test_publishing_refuses_a_draft_changed_since_the_page_was_drawn(client_as, editor):
    draft = changed_draft(editor)  # revision 1
    page = client_as(editor).get(f"/drafts/{draft.pk}/publish/").content.decode()
    assert 'name="revision" value="1"' in page
    drafts.apply(draft, 1, {}, lambda f: edit.set_scale(f, ["Not yet", "Yes"]), editor)
    refused = client_as(editor).post(f"/drafts/{draft.pk}/publish/",
                                     {"note": "Looks good", "revision": 1})
    assert refused.status_code == 409
    assert "changed since this page was drawn (now revision 2)" in refused.content.decode()
    assert FrameworkVersion.objects.count() == 1 and Draft.objects.filter(pk=draft.pk).exists()


def test_versions_page_compares_any_two(client, editor):
    releasing.publish_draft(changed_draft(editor), "Second version.", editor)
    html = client.get("/versions/compare/?from=v1&to=v2").content.decode()
    assert "From version v1 to v2" in html and "Second version." in html
    assert ">split</span>" in html and ">moved</span>" in html
    back = client.get("/versions/compare/?from=v2&to=v1").content.decode()
    assert ">merged</span>" in back  # the split, undone
    assert client.get("/versions/compare/?from=v1&to=v9").status_code == 404
    versions = client.get("/versions/").content.decode()
    assert 'action="/versions/compare/"' in versions


def test_the_people_team_carries_open_checkins_in_bulk(client_as, small_org, editor):
    ian, eva = start_for(small_org.ian), start_for(small_org.eva)
    rated = "ml-ops.level-4.1"
    ian.entries.filter(statement_id=rated).update(self_value="Meets")
    releasing.publish_draft(changed_draft(editor), "v2", editor)
    assert client_as(small_org.ian).get("/versions/carry/").status_code == 403
    people = client_as(small_org.pia)
    page = people.get("/versions/carry/").content.decode()
    assert "On version v1: 2 open check-ins" in page and "Move all 2 to version v2" in page
    response = people.post("/versions/carry/")
    assert response.status_code == 302
    for checkin in (ian, eva):
        checkin.refresh_from_db()
        assert checkin.version.label == "v2"
    assert ian.entries.get(statement_id=rated).self_value == "Meets"  # kept: rating kept
    added = ian.entries.get(statement_id__startswith="ml-ops.level-3.",
                            statement_id__in=_new_ids(ian))
    assert added.self_value == ""  # a new statement starts unrated
    assert CheckIn.objects.filter(closed_at=None, version__label="v1").count() == 0
    assert "Nothing to move" in people.get("/versions/carry/").content.decode()


def _new_ids(checkin) -> list[str]:
    from craftpath.web.frameworks.publishing import framework_of

    family = framework_of(checkin.version).find_family(FAMILY)
    return [s.id for s in family.statements if s.text == "I review my team's model releases."]


def test_publishing_a_draft_is_audited_in_the_same_action(client_as, editor, small_org):
    from craftpath.web.audit.models import Event

    draft = changed_draft(editor)
    client_as(editor).post(f"/drafts/{draft.pk}/publish/", {"note": "Audited.", "revision": 1})
    version = FrameworkVersion.objects.get(is_active=True)
    [entry] = Event.objects.filter(target=f"framework version {version.label}")
    assert entry.actor_pk == editor.pk and entry.detail.startswith("published from the browser")


def test_the_draft_publish_action_asks_its_own_rule(small_org, editor):
    from craftpath.web.actions import Refused, frameworks
    from craftpath.web.audit.models import Event

    draft = changed_draft(editor)
    events = Event.objects.count()
    for person in (small_org.pia, small_org.ian):  # people team and an engineer
        with pytest.raises(Refused):
            frameworks.publish_draft(person, draft, "Not mine to publish.", draft.revision)
    assert FrameworkVersion.objects.count() == 1 and Draft.objects.filter(pk=draft.pk).exists()
    assert Event.objects.count() == events
