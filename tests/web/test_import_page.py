"""The Import page: upload files or a zip, see the inferred structure and the report, give
hints, publish with lint's findings; admins and the people team only; uploads size-limited."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from craftpath.web.frameworks.models import FrameworkVersion, ImportDraft

LADDER = ("# Engineering\n## Junior\n### Craft\n- writes code\n### Team\n- pairs with others\n"
          "## Senior\n### Craft\n- designs systems\n### Team\n- mentors others\n"
          "### Examples\n- ran the demo\n")


def upload(client, *files):
    return client.post("/import/", {"action": "upload", "files": list(files)})


def md(name="ladder.md", text=LADDER):
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def zipped(files: dict[str, bytes], name="ladder.zip"):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return SimpleUploadedFile(name, data.getvalue(), content_type="application/zip")


@pytest.mark.django_db
def test_people_team_uploads_and_sees_levels_in_order_areas_and_what_was_left_out(
        client_as_people_team):
    response = upload(client_as_people_team, md())
    assert response.status_code == 302
    page = client_as_people_team.get("/import/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("Junior") < text.index("Senior")
    assert "Craft" in text and "Team" in text
    assert "ran the demo" in text and "examples" in text  # left out, with its reason


@pytest.mark.django_db
def test_a_zip_of_a_folder_is_read_with_its_paths(client_as_admin):
    files = {f"ladder/{n}-{name}.md": f"---\ntitle: {name}\nweight: {n}\n---\n## Craft\n"
             f"- {name} work here\n".encode() for n, name in ((2, "Senior"), (1, "Junior"))}
    assert upload(client_as_admin, zipped(files)).status_code == 302
    text = client_as_admin.get("/import/").content.decode()
    assert text.index("<li>Junior</li>") < text.index("<li>Senior</li>")


@pytest.mark.django_db
def test_hints_rerun_the_import_and_a_bad_hint_is_named(client_as_admin):
    upload(client_as_admin, md(text="# Guide\n## Alpha\n- first thing\n## Beta\n- second thing\n"))
    assert "No framework found" in client_as_admin.get("/import/").content.decode()
    bad = client_as_admin.post("/import/", {"action": "hints", "hints": "levle=heading-2"})
    assert bad.status_code == 400
    assert "unknown hint &#x27;levle&#x27;" in bad.content.decode()
    good = client_as_admin.post("/import/", {"action": "hints", "hints": "level=heading-2"})
    assert good.status_code == 302
    text = client_as_admin.get("/import/").content.decode()
    assert "<li>Alpha</li>" in text and "No framework found" not in text


@pytest.mark.django_db
def test_publishing_stores_a_new_active_version_and_clears_the_draft(client_as_admin,
                                                                   small_org):
    upload(client_as_admin, md())
    before = FrameworkVersion.objects.count()
    response = client_as_admin.post("/import/publish/", {"note": "Our own ladder."})
    assert response.status_code == 302 and response["Location"] == "/versions/"
    assert FrameworkVersion.objects.count() == before + 1
    assert FrameworkVersion.objects.get(is_active=True).name == "Engineering"
    assert not ImportDraft.objects.filter(owner=small_org.ada).exists()


@pytest.mark.django_db
def test_lint_errors_refuse_publishing_and_are_shown(client_as_admin, monkeypatch):
    text = ("# Eng\n## Level 1\n### Craft\n- writes code\n## Level 2\n### Craft\n- designs\n")
    upload(client_as_admin, md(text=text))
    from craftpath.core.model import Diagnostic, Severity
    from craftpath.web.actions import frameworks

    original = frameworks.checked

    def refuse(framework, diagnostics):
        return original(framework, [*diagnostics, Diagnostic("CP999", Severity.ERROR, "bad")])

    monkeypatch.setattr(frameworks, "checked", refuse)
    before = FrameworkVersion.objects.count()
    response = client_as_admin.post("/import/publish/", {"note": "A note."})
    assert response.status_code == 400
    assert "nothing was published" in response.content.decode()
    assert FrameworkVersion.objects.count() == before


@pytest.mark.django_db
@override_settings(CRAFTPATH_IMPORT_MAX_UPLOAD=1000)
def test_an_upload_over_the_limit_is_refused_before_reading(client_as_admin):
    response = upload(client_as_admin, md(text="x" * 2000))
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not ImportDraft.objects.exists()


@pytest.mark.django_db
@override_settings(CRAFTPATH_IMPORT_MAX_UNPACKED=100_000)
def test_a_zip_that_unpacks_past_the_limit_is_refused(client_as_admin):
    bomb = zipped({"a.md": b"#" * 200_000})
    assert bomb.size < 2000
    response = upload(client_as_admin, bomb)
    assert response.status_code == 400
    assert "unpacks to more than" in response.content.decode()


@pytest.mark.django_db
def test_a_zip_entry_outside_the_folder_is_refused(client_as_admin):
    response = upload(client_as_admin, zipped({"../evil.md": b"# x"}))
    assert response.status_code == 400
    assert "points outside the upload" in response.content.decode()


@pytest.mark.django_db
def test_engineers_and_managers_may_not_import(client_as_engineer, client_as_manager):
    assert client_as_engineer.get("/import/").status_code == 403
    assert upload(client_as_manager, md()).status_code == 403
    assert not ImportDraft.objects.exists()


# --- the reading is kept with the draft (issue 27, finding 8) ---------------------------------

@pytest.mark.django_db
def test_the_reading_is_kept_with_the_draft_not_redone_on_every_view(client_as_admin,
                                                                     monkeypatch):
    from craftpath.web.frameworks import importing

    calls = []
    real_run = importing.run
    monkeypatch.setattr(importing, "run", lambda draft: calls.append(draft.pk) or real_run(draft))
    upload(client_as_admin, md())
    first = client_as_admin.get("/import/").content.decode()
    second = client_as_admin.get("/import/").content.decode()
    assert len(calls) == 1
    assert "<li>Junior</li>" in first and "<li>Junior</li>" in second
    assert "ran the demo" in second  # the report and left-out blocks come from the kept one
    client_as_admin.post("/import/", {"action": "hints", "hints": "name=Ours"})
    client_as_admin.get("/import/")
    client_as_admin.get("/import/")
    assert len(calls) == 2  # new hints: read once more, then kept again


@pytest.mark.django_db
def test_a_hostile_upload_is_refused_in_one_line_on_the_page(client_as_admin):
    bomb = ['a0: &a0 [x, x, x, x]'] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 4)}]"
                                       for n in range(1, 10)]
    upload(client_as_admin, md("bomb.yaml", "\n".join(bomb) + "\n"))
    page = client_as_admin.get("/import/")
    text = page.content.decode()
    assert page.status_code == 200 and "No framework found" in text
    assert "bomb.yaml: holds more than 200,000 values" in text


# --- publishing from the Import page goes through the publish action (finding 11) ------------

@pytest.mark.django_db
def test_publishing_asks_for_a_change_note_and_stores_nothing_without_one(client_as_admin,
                                                                         small_org):
    from craftpath.web.audit.models import Event

    upload(client_as_admin, md())
    versions, events = FrameworkVersion.objects.count(), Event.objects.count()
    response = client_as_admin.post("/import/publish/", {"note": "  "})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Write a change note" in text and 'href="#note"' in text
    assert FrameworkVersion.objects.count() == versions and Event.objects.count() == events
    assert ImportDraft.objects.filter(owner=small_org.ada).exists()
    assert 'name="note"' in client_as_admin.get("/import/").content.decode()


@pytest.mark.django_db
def test_publishing_records_the_author_and_note_audits_and_tells_open_checkins(
        client_as_admin, small_org):
    from craftpath.web.audit.models import Event
    from craftpath.web.notifications.models import Kind, Notification

    from .checkin_helpers import start_for

    start_for(small_org.ian)
    upload(client_as_admin, md())
    response = client_as_admin.post("/import/publish/", {"note": "Our own ladder, at last."},
                                    follow=True)
    assert "1 person with an open check-in" in response.content.decode()
    version = FrameworkVersion.objects.get(is_active=True)
    assert (version.note, version.author_email, version.origin) == \
        ("Our own ladder, at last.", small_org.ada.email, "import page")
    [entry] = Event.objects.filter(target=f"framework version {version.label}")
    assert entry.actor_pk == small_org.ada.pk and "from the import page" in entry.detail
    [told] = Notification.objects.filter(kind=Kind.VERSION_PUBLISHED)
    assert told.recipient == small_org.ian and "Our own ladder, at last." in told.body


@pytest.mark.django_db
def test_uploading_the_active_content_again_publishes_nothing(client_as_admin, small_org):
    from craftpath.web.audit.models import Event
    from craftpath.web.notifications.models import Notification

    from .checkin_helpers import start_for

    start_for(small_org.ian)  # on the seed version: told of any newer one
    upload(client_as_admin, md())
    client_as_admin.post("/import/publish/", {"note": "First."})
    versions, events = FrameworkVersion.objects.count(), Event.objects.count()
    notifications = Notification.objects.count()
    upload(client_as_admin, md())
    response = client_as_admin.post("/import/publish/", {"note": "Again."}, follow=True)
    active = FrameworkVersion.objects.get(is_active=True)
    assert f"already the active version {active.label}: nothing was published" in \
        response.content.decode()
    assert FrameworkVersion.objects.count() == versions and active.note == "First."
    assert Notification.objects.count() == notifications
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_the_publish_action_refuses_people_without_the_import_role(small_org):
    from craftpath.core.formats.canonical import read_path
    from craftpath.core.sample import bundled_path
    from craftpath.web.actions import Refused, frameworks

    framework, _ = read_path(bundled_path())
    versions = FrameworkVersion.objects.count()
    for person in (small_org.ian, small_org.eva):
        with pytest.raises(Refused):
            frameworks.publish(person, framework, "note", source="import")
    with pytest.raises(Refused):
        frameworks.publish(small_org.ada, framework, "note", source="command line")
    assert FrameworkVersion.objects.count() == versions
