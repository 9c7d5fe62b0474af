"""The findings of the security review of the running app (issue 9), one test or more each,
named by finding. Each reproduces the attack as the review made it and checks it now fails."""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from craftpath.web.audit.models import Event
from craftpath.web.checkins import loop
from craftpath.web.checkins.models import Evidence

from .admin_helpers import person_form
from .checkin_helpers import HTMX, closed, fill, first_ids, seen_on_page, start_for, submitted
from .helpers import reworded

PRODUCTION_KEY = secrets.token_urlsafe(60)


def _environment(**extra) -> dict:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CRAFTPATH_", "DATABASE_URL", "DJANGO_"))}
    return {**base, **extra}


def _craftpath(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "craftpath", *args], env=_environment(**env),
                          capture_output=True, text=True, timeout=120, check=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- 1. a public address never allows every host ----------------------------------------------

@pytest.mark.subprocess
def test_1_serving_on_a_public_address_needs_allowed_hosts(tmp_path):
    done = _craftpath("serve", "--host", "0.0.0.0", "--port", str(_free_port()),
                      "--data-dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith("craftpath: error: serving on 0.0.0.0 needs "
                                  "CRAFTPATH_ALLOWED_HOSTS")
    assert "serving on http" not in done.stderr and "Traceback" not in done.stderr


def test_1_a_reset_asked_with_a_foreign_host_is_refused(client, small_org, mailoutbox):
    reply = client.post("/accounts/password/reset/", {"email": "ian@example.com"},
                        HTTP_HOST="evil.example")
    assert reply.status_code == 400 and mailoutbox == []


# --- 2. no demo people in production ----------------------------------------------------------

@pytest.mark.django_db
def test_2_a_production_start_on_an_empty_database_adds_no_demo_people():
    """Nor does it publish the bundled sample as the company's first version: it says what to
    do next instead."""
    from craftpath.web.accounts.models import User
    from craftpath.web.frameworks.models import FrameworkVersion
    from craftpath.web.serve import prepare

    with override_settings(PRODUCTION=True):
        prepared = prepare()
    assert prepared.demo is None
    assert prepared.demo_problem.startswith("production: no demo people")
    assert not User.objects.exists()
    assert prepared.version is None and not FrameworkVersion.objects.exists()
    assert prepared.needs_admin


# --- 3. nobody grants themselves a role or a reporting line -----------------------------------


def test_3_an_admin_cannot_grant_themselves_the_people_team_role(client_as, small_org):
    ada, ian = small_org.ada, small_org.ian
    admin = client_as(ada)
    admin.post(f"/admin/accounts/user/{ada.pk}/change/",
               person_form(ada, **{"roles-0-name": "people"}))
    ada.refresh_from_db()
    assert not ada.has_role("people")
    # The same form does grant a role to someone else: the refusal is about whose record it is.
    reply = admin.post(f"/admin/accounts/user/{ian.pk}/change/",
                       person_form(ian, **{"roles-0-name": "editor"}))
    assert reply.status_code == 302
    assert ian.roles.filter(name="editor").exists()
    # But not the people-team role, which only someone holding it gives: an admin could make an
    # account on their own mailbox people team otherwise.
    reply = admin.post(f"/admin/accounts/user/{ian.pk}/change/",
                       person_form(ian, **{"roles-0-name": "people"}))
    assert reply.status_code == 403 and "people-team role" in reply.content.decode()
    assert not ian.roles.filter(name="people").exists()


def test_3_an_admin_cannot_make_someone_report_to_them(client_as, small_org):
    ada, sol = small_org.ada, small_org.sol
    reply = client_as(ada).post(f"/admin/accounts/user/{sol.pk}/change/",
                                person_form(sol, manager=ada.pk))
    assert reply.status_code == 200 and "cannot make Sol report to you" in reply.content.decode()
    sol.refresh_from_db()
    assert sol.manager == small_org.oto
    reply = client_as(ada).post(f"/admin/accounts/user/{sol.pk}/change/",
                                person_form(sol, manager=small_org.mia.pk))
    assert reply.status_code == 302  # someone else's line is an admin's job
    sol.refresh_from_db()
    assert sol.manager == small_org.mia


def test_3_a_directory_import_from_the_app_cannot_put_anyone_under_the_importer(small_org):
    from craftpath.web.accounts.directory import import_csv
    from craftpath.web.accounts.problems import DirectoryError

    sheet = "email,name,manager_email\nsol@example.com,Sol,oto@example.com\n" \
            "oto@example.com,Oto,ada@example.com\n"
    with pytest.raises(DirectoryError) as refused:
        import_csv(sheet, actor=small_org.ada)
    assert [(p.line, p.column) for p in refused.value.problems] == [
        (2, "manager_email"), (3, "manager_email")]
    small_org.sol.refresh_from_db()
    assert small_org.sol.manager == small_org.oto
    import_csv(sheet, actor=small_org.mia)  # another admin may make that change


# --- 4. close freezes what the reviewer saw ---------------------------------------------------

def _agreeing(small_org):
    checkin = submitted(start_for(small_org.ian), small_org.ian, small_org.leo)
    loop.agree_matching(checkin)
    return checkin


def test_4_a_change_after_the_reviewer_opened_the_page_refuses_the_close(client, small_org):
    checkin = _agreeing(small_org)
    client.force_login(small_org.leo)
    seen = seen_on_page(client, checkin)
    entry = checkin.entries.first()
    client.force_login(small_org.ian)  # the person changes an outcome in their own tab
    client.post(f"/checkins/{checkin.pk}/outcomes/", {
        "statement": entry.statement_id, "value": "Exceeds",
        "revision": entry.agreed_revision}, **HTMX)
    client.force_login(small_org.leo)
    reply = client.post(f"/checkins/{checkin.pk}/close/", {"seen": seen}, follow=True)
    assert "changed after this page was opened" in reply.content.decode()
    checkin.refresh_from_db()
    assert not checkin.is_closed
    assert Event.objects.filter(target=f"check-in {checkin.pk}", actor_pk=small_org.ian.pk,
                                detail="agreed outcome").exists()
    client.post(f"/checkins/{checkin.pk}/close/", {"seen": seen_on_page(client, checkin)})
    checkin.refresh_from_db()
    assert checkin.is_closed and checkin.entries.get(pk=entry.pk).agreed_value == "Exceeds"


def test_4_the_reviewers_own_saves_keep_their_close_button_current(client_as, small_org):
    checkin = _agreeing(small_org)
    leo = client_as(small_org.leo)
    seen = seen_on_page(leo, checkin)
    entry = checkin.entries.first()
    reply = leo.post(f"/checkins/{checkin.pk}/outcomes/", {
        "statement": entry.statement_id, "value": "Exceeds", "revision": entry.agreed_revision,
        "seen": seen}, **HTMX)
    now_seen = re.search(r'name="seen" value="([0-9a-f]+)" id="close-seen" hx-swap-oob',
                         reply.content.decode()).group(1)
    assert now_seen != seen
    leo.post(f"/checkins/{checkin.pk}/close/", {"seen": now_seen})
    checkin.refresh_from_db()
    assert checkin.is_closed


# --- 5. spreadsheet bombs ---------------------------------------------------------------------

def _bomb(inflated_bytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b" " * 1_000_000
            for _ in range(inflated_bytes // len(chunk)):
                sheet.write(chunk)
    return out.getvalue()


def test_5_an_xlsx_that_inflates_past_the_cap_is_refused_unread(client_as_engineer, small_org):
    data = _bomb(200_000_000)
    assert len(data) < 2_000_000  # small on the wire
    checkin = start_for(small_org.ian)
    page = client_as_engineer.get(f"/checkins/{checkin.pk}/import/")
    reply = client_as_engineer.post(f"/checkins/{checkin.pk}/import/", {
        "file": SimpleUploadedFile("bomb.xlsx", data),
        "fingerprint": page.context["form"].initial["fingerprint"]})
    assert reply.status_code == 422
    assert "200 MB once uncompressed, more than 50 MB" in reply.content.decode()


# --- 6. PDFs: cached by content, a bounded queue in front of one Chromium ---------------------

def test_6_forty_requests_for_one_pdf_print_it_once():
    from craftpath.web.frameworks.pdf import Printer

    printer, printed = Printer(), []

    def slow_print(html):
        printed.append(html)
        time.sleep(0.2)
        return b"%PDF " + html.encode()

    results = []
    threads = [threading.Thread(target=lambda: results.append(
        _outcome(printer, "<p>level 3</p>", slow_print))) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(printed) == 1
    assert results.count(b"%PDF <p>level 3</p>") >= 3  # the printing one and those that waited
    assert set(results) <= {b"%PDF <p>level 3</p>", "busy"}
    assert printer.print("<p>level 3</p>", slow_print) == b"%PDF <p>level 3</p>"  # cached
    assert len(printed) == 1


def test_6_past_the_queue_requests_are_turned_away_at_once_not_held():
    from craftpath.web.frameworks.pdf import Printer

    printer, release, inside = Printer(max_waiting=2), threading.Event(), []

    def stuck_print(html):
        inside.append(html)
        release.wait(10)
        return b"%PDF"

    results = []
    threads = [threading.Thread(target=lambda n=n: results.append(
        _outcome(printer, f"<p>{n}</p>", stuck_print))) for n in range(10)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while results.count("busy") < 7 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert results.count("busy") == 7 and len(inside) == 1  # 1 printing, 2 waiting
    release.set()
    for thread in threads:
        thread.join()
    assert results.count(b"%PDF") == 3


def _outcome(printer, html, render):
    from craftpath.web.frameworks.pdf import PdfBusy

    try:
        return printer.print(html, render)
    except PdfBusy:
        return "busy"


def test_6_a_busy_printer_answers_503_with_retry_after(client, published_seed, family_url,
                                                       monkeypatch):
    from craftpath.web.frameworks import pdf

    def busy(page):
        raise pdf.PdfBusy("Many PDFs are being printed right now; try again in 10 seconds.")

    monkeypatch.setattr(pdf, "page_to_pdf", busy)
    reply = client.get(family_url("level-3.pdf"))
    assert reply.status_code == 503 and reply["Retry-After"] == "10"


# --- 7. slugs never become paths outside the output -------------------------------------------

BAD_SLUG_YAML = """craftpath: 1
name: Escape
families:
- slug: ../../outside
  name: Escapers
  levels:
  - {slug: /tmp/level, code: L1, number: 1}
  tracks: []
"""


def test_7_a_canonical_file_with_path_slugs_is_refused_with_the_field_named(tmp_path):
    from craftpath.core.formats import canonical

    source = tmp_path / "framework.yaml"
    source.write_text(BAD_SLUG_YAML)
    framework, diagnostics = canonical.read_path(source)
    assert not framework.families
    assert any("families[0].slug: '../../outside' is not a slug" in d.message
               for d in diagnostics)


def test_7_writers_refuse_to_write_outside_their_folder(tmp_path):
    from dataclasses import replace

    from craftpath.core.formats import jtd
    from craftpath.core.formats.inputs import InputError
    from craftpath.core.sample import load_bundled
    from craftpath.site import build

    framework = load_bundled()
    family = replace(framework.families[0], slug="../../outside")
    escaping = replace(framework, families=(family,))
    with pytest.raises(InputError, match="outside"):
        jtd.write(escaping, tmp_path / "pages")
    with pytest.raises(InputError, match="outside"):
        build(escaping, tmp_path / "site")
    assert not (tmp_path.parent / "outside").exists()
    assert not any(tmp_path.parent.parent.glob("outside*"))


# --- 8. evidence links in the Markdown packet -------------------------------------------------

def test_8_an_evidence_link_cannot_break_out_of_the_markdown_packet(client_as, small_org):
    checkin = start_for(small_org.ian)
    item = Evidence.objects.create(owner=small_org.ian, title="Release",
                                   link='https://x.example/a"><script>alert(1)</script>')
    loop.attach_new_evidence(checkin, first_ids(checkin, 1)[0], item)
    checkin = closed(checkin, small_org.ian, small_org.leo)
    text = client_as(small_org.leo).get(f"/checkins/{checkin.pk}/packet.md").content.decode()
    assert "<script>" not in text and '">' not in text
    assert "<https://x.example/a%22%3E%3Cscript%3Ealert(1)%3C/script%3E>" in text


# --- 9. formulas in the directory export ------------------------------------------------------

def test_9_directory_exports_defuse_formulas_and_read_them_back(client_as, small_org):
    from craftpath.web.accounts.directory import import_csv
    from craftpath.web.accounts.models import Team

    small_org.ian.name = '=HYPERLINK("https://evil.example","x")'
    small_org.ian.save()
    small_org.ian.teams.add(Team.objects.create(name="@ops"))
    for url in ("/people/directory.csv", "/admin/accounts/user/export/"):
        who = small_org.pia if url.startswith("/people") else small_org.ada
        text = client_as(who).get(url).content.decode()
        assert "'=HYPERLINK" in text and "'@ops" in text, url
        assert not re.search(r"(^|,)[=+\-@]", text, re.MULTILINE), url
    report = import_csv(text, dry_run=True)
    assert report.unchanged and not report.updated  # the defused file reads back as it was


# --- 10. behind a TLS-terminating proxy -------------------------------------------------------

@pytest.mark.subprocess
def test_10_behind_a_proxy_forwarded_https_is_trusted_and_not_redirected(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "craftpath", "serve", "--port", str(port), "--data-dir",
         str(tmp_path)], env=_environment(
            CRAFTPATH_PRODUCTION="1", CRAFTPATH_BEHIND_PROXY="1",
            CRAFTPATH_SECRET_KEY=PRODUCTION_KEY, CRAFTPATH_ALLOWED_HOSTS="127.0.0.1"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        status = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not status:
            try:
                status = {(path, proto): _status(f"http://127.0.0.1:{port}{path}", proto)
                          for path in ("/accounts/login/", "/healthz", "/readyz")
                          for proto in ("https", None)}
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                time.sleep(0.3)
        # Pages over plain HTTP are sent to HTTPS; the health probes answer as they are, since
        # a load balancer probes the backend directly.
        assert status == {("/accounts/login/", "https"): 200, ("/accounts/login/", None): 301,
                          ("/healthz", "https"): 200, ("/healthz", None): 200,
                          ("/readyz", "https"): 200, ("/readyz", None): 200}
    finally:
        server.terminate()
        server.wait(timeout=10)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def _status(url: str, forwarded_proto: str | None) -> int:
    request = urllib.request.Request(url)
    if forwarded_proto:
        request.add_header("X-Forwarded-Proto", forwarded_proto)
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=5) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


# --- 11. the name is no password --------------------------------------------------------------

@pytest.mark.django_db
def test_11_the_full_name_is_refused_as_the_password():
    from craftpath.web.accounts.models import User

    person = User(email="mariana.castellanos@example.com", name="Mariana Castellanos-Ortiz")
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("Mariana Castellanos-Ortiz", person)
    with pytest.raises(ValidationError, match="too similar"):
        validate_password("mariana.castellanos", person)
    validate_password("an unrelated long phrase 7", person)


# --- 12. server errors that are now clear 4xx with nothing changed ----------------------------

@pytest.mark.parametrize("evidence_id", ["²", "٣", "9" * 30])
def test_12_odd_evidence_ids_are_ignored_not_a_server_error(client_as_engineer, small_org,
                                                            evidence_id):
    checkin = start_for(small_org.ian)
    entry = checkin.entries.first()
    reply = client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": entry.statement_id, "value": "Meets", "revision": "0",
        "evidence": [evidence_id]}, **HTMX)
    assert reply.status_code == 200
    assert not checkin.entries.get(pk=entry.pk).evidence.exists()


@pytest.mark.parametrize("revision", ["²", "9" * 30])
def test_12_odd_revisions_are_refused_as_stale(client_as_engineer, small_org, revision):
    checkin = start_for(small_org.ian)
    entry = checkin.entries.first()
    reply = client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": entry.statement_id, "value": "Meets", "revision": revision}, **HTMX)
    assert reply.status_code == 200 and b"was not saved" in reply.content
    assert checkin.entries.get(pk=entry.pk).self_value == ""


def test_12_an_xlsx_with_an_entity_declaration_is_refused(client_as_engineer, small_org):
    checkin = start_for(small_org.ian)
    exported = client_as_engineer.get(f"/checkins/{checkin.pk}/export.xlsx").content
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(exported)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                declaration = data[:data.index(b"?>") + 2] if data.startswith(b"<?xml") else b""
                data = declaration + b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' \
                    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + data[len(declaration):]
            target.writestr(member, data)
    page = client_as_engineer.get(f"/checkins/{checkin.pk}/import/")
    reply = client_as_engineer.post(f"/checkins/{checkin.pk}/import/", {
        "file": SimpleUploadedFile("filled.xlsx", out.getvalue()),
        "fingerprint": page.context["form"].initial["fingerprint"]})
    assert reply.status_code == 422 and "not a readable XLSX" in reply.content.decode()


@pytest.mark.parametrize("field", ["comment", "reason"])
def test_12_a_nul_character_is_refused_naming_the_field(client_as_engineer, small_org, field):
    checkin = start_for(small_org.ian)
    entry = checkin.entries.first()
    reply = client_as_engineer.post(f"/checkins/{checkin.pk}/ratings/", {
        "statement": entry.statement_id, "value": "Not applicable", "revision": "0",
        "reason": "not my team", field: "bad\x00byte"}, **HTMX)
    assert reply.status_code == 400 and f"“{field}” holds a NUL character" in reply.content.decode()
    assert checkin.entries.get(pk=entry.pk).self_revision == 0


# --- 13. revisions never go back --------------------------------------------------------------

def test_13_a_stale_tab_cannot_overwrite_after_a_carry(client_as, small_org, seed_framework):
    from craftpath.web.frameworks.publishing import publish_framework

    checkin = start_for(small_org.ian)
    fill(checkin, "self", "Exceeds")
    statement = checkin.entries.first().statement_id
    publish_framework(reworded(seed_framework, "I now write the tests first."))
    ian = client_as(small_org.ian)
    ian.post(f"/checkins/{checkin.pk}/carry/")
    reply = ian.post(f"/checkins/{checkin.pk}/ratings/", {   # a tab opened before any rating
        "statement": statement, "value": "Not yet", "revision": "0"}, **HTMX)
    assert b"was not saved" in reply.content
    assert checkin.entries.get(statement_id=statement).self_value == "Exceeds"


# --- 14. the rest -----------------------------------------------------------------------------

def test_14_personal_pages_are_not_stored_by_browsers(client, client_as, small_org):
    assert "no-store" not in client.get("/").get("Cache-Control", "")  # public framework page
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]
    reply = client_as(small_org.leo).get(f"/people/{small_org.ian.pk}/")
    assert "no-store" in reply["Cache-Control"] and "private" in reply["Cache-Control"]


@pytest.mark.subprocess
def test_14_the_sqlite_file_is_private_to_its_owner(tmp_path):
    done = _craftpath("demo", "--data-dir", str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data").stat().st_mode & 0o777 == 0o700
    for name in (tmp_path / "data").iterdir():
        assert name.stat().st_mode & 0o077 == 0, name


@pytest.mark.subprocess
@pytest.mark.parametrize("key, says", [
    ("", "needs CRAFTPATH_SECRET_KEY"),
    ("short", "CRAFTPATH_SECRET_KEY is too weak"),
    ("a" * 60, "CRAFTPATH_SECRET_KEY is too weak"),
])
def test_14_a_weak_or_missing_production_key_is_one_line_not_a_traceback(tmp_path, key, says):
    done = _craftpath("manage", "check", "--data-dir", str(tmp_path), CRAFTPATH_PRODUCTION="1",
                      CRAFTPATH_SECRET_KEY=key)
    assert done.returncode == 2
    assert done.stderr.startswith("craftpath: error: ") and says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_14_many_accounts_guessed_from_one_address_are_throttled(client, small_org):
    for n in range(16):
        for _ in range(4):  # under the five per account
            client.post("/accounts/login/", {"username": f"person{n}@example.com",
                                             "password": "guess"})
    reply = client.post("/accounts/login/", {"username": "ian@example.com",
                                             "password": "guess"})
    assert reply.status_code == 429 and b"from this address" in reply.content


def test_14_a_refusal_is_logged_in_one_line_without_a_traceback(client_as_engineer, small_org,
                                                                caplog):
    checkin = start_for(small_org.ian)
    caplog.set_level(logging.WARNING, logger="django.request")
    assert client_as_engineer.post(f"/checkins/{checkin.pk}/close/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
    assert "Traceback" not in caplog.text


def test_14_a_csv_with_an_unterminated_quote_is_refused(client_as_engineer, small_org):
    from craftpath.web.accounts.directory import import_csv
    from craftpath.web.accounts.problems import DirectoryError

    with pytest.raises(DirectoryError) as refused:
        import_csv('email,name\n"ann@example.com,Ann\nbo@example.com,Bo\n')
    assert "unexpected end of data" in refused.value.problems[0].message
    checkin = start_for(small_org.ian)
    page = client_as_engineer.get(f"/checkins/{checkin.pk}/import/")
    reply = client_as_engineer.post(f"/checkins/{checkin.pk}/import/", {
        "file": SimpleUploadedFile("x.csv", b'statement_id,rating\n"ml-ops.level-4.1,Meets\n'),
        "fingerprint": page.context["form"].initial["fingerprint"]})
    assert reply.status_code == 422 and "unexpected end of data" in reply.content.decode()


def test_12_the_api_refuses_a_nul_character_as_problem_json(small_org, api_as):
    reply = api_as(small_org.ian, "read").get("/api/v1/evidence?q=bad%00byte")
    assert reply.status_code == 400
    assert reply["Content-Type"] == "application/problem+json"
    assert reply.json()["errors"] == [{"field": "q", "detail": reply.json()["detail"]}]
