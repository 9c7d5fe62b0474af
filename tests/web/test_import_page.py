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
    response = client_as_admin.post("/import/publish/")
    assert response.status_code == 302 and response["Location"] == "/versions/"
    assert FrameworkVersion.objects.count() == before + 1
    assert FrameworkVersion.objects.get(is_active=True).name == "Engineering"
    assert not ImportDraft.objects.filter(owner=small_org.ada).exists()


@pytest.mark.django_db
def test_lint_errors_refuse_publishing_and_are_shown(client_as_admin):
    text = ("# Eng\n## Level 1\n### Craft\n- writes code\n## Level 2\n### Craft\n- designs\n")
    upload(client_as_admin, md(text=text))
    from craftpath.core.model import Diagnostic, Severity
    from craftpath.web.frameworks import importing

    original = importing.publish_framework

    def refuse(framework, diagnostics):
        return original(framework, [*diagnostics, Diagnostic("CP999", Severity.ERROR, "bad")])

    importing.publish_framework = refuse
    try:
        response = client_as_admin.post("/import/publish/")
    finally:
        importing.publish_framework = original
    assert response.status_code == 400
    assert "nothing was published" in response.content.decode()


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
