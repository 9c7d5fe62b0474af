"""Print: the whole framework on one page, a print stylesheet, and PDFs through Chromium."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_print_page_holds_every_written_level(client, published_seed):
    page = client.get("/print.html").content.decode()
    for label in ("Level 5 (Junior)", "Level 4 (Mid)", "Level 3 (Senior)", "Level 1 (Head Of)"):
        assert f">{label}:" in page


def test_the_stylesheet_has_print_rules(client, published_seed):
    from craftpath.present.render import STATIC

    assert "@media print" in (STATIC / "craftpath" / "craftpath.css").read_text()


def test_pdf_without_chromium_is_a_clear_message_not_a_500(client, published_seed, monkeypatch,
                                                          family_url):
    monkeypatch.setenv("PATH", "/nonexistent")
    with override_settings(CHROMIUM="/nonexistent/chromium"):
        response = client.get(family_url("level-3.pdf"))
    assert response.status_code == 503
    assert "Chromium, which is not installed" in response.content.decode()


def test_missing_level_has_no_pdf(client, published_seed, family_url):
    assert client.get(family_url("level-2.pdf")).status_code == 404


def test_level_pdf_is_printed_by_chromium(client, published_seed, family_url, chromium):
    response = client.get(family_url("level-3.pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_whole_framework_pdf_is_printed_by_chromium(client, published_seed, chromium):
    response = client.get("/print.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
