"""The promotion packet: a closed check-in with its evidence and growth history, as Markdown
and as a PDF from Chromium."""

from __future__ import annotations

from craftpath.web.checkins import loop
from craftpath.web.checkins.models import Evidence, Goal

from .checkin_helpers import closed, first_ids, start_for


def _closed_with_evidence(small_org):
    checkin = start_for(small_org.ian)
    item = Evidence.objects.create(owner=small_org.ian, title="Edge deploy *fast*",
                                   link="https://example.com/pr/7", description="cut latency")
    loop.attach_new_evidence(checkin, first_ids(checkin, 1)[0], item)
    Goal.objects.create(person=small_org.ian, title="Mentor a junior", actions="weekly 1:1")
    checkin = closed(checkin, small_org.ian, small_org.leo)
    checkin.summary = "Strong quarter"
    checkin.save(update_fields=["summary"])
    return checkin


def test_markdown_packet(client_as, small_org):
    checkin = _closed_with_evidence(small_org)
    response = client_as(small_org.leo).get(f"/checkins/{checkin.pk}/packet.md")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert text.startswith("# Promotion packet: Ian")
    assert "Strong quarter" in text and "Evidence: Edge deploy \\*fast\\*" in text
    assert "Goal: Mentor a junior" in text and "weekly 1:1" in text
    assert "## Coverage across closed check-ins" in text and "100%" in text


def test_pdf_packet(client_as, small_org, chromium):
    checkin = _closed_with_evidence(small_org)
    response = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/packet.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_no_packet_from_an_open_check_in(client_as, small_org):
    checkin = start_for(small_org.ian)
    assert client_as(small_org.ian).get(f"/checkins/{checkin.pk}/packet.md").status_code == 409


def test_the_packet_uses_the_pages_date_format_and_plain_statement_text(client_as, small_org):
    import re

    checkin = _closed_with_evidence(small_org)
    text = client_as(small_org.leo).get(f"/checkins/{checkin.pk}/packet.md").content.decode()
    assert re.findall(r"\b\d{4}-\d{2}(?:-\d{2})?\b", text) == []
    assert re.search(r"Check-in closed: \d{1,2} [A-Z][a-z]{2} \d{4}", text)
    assert "goals\\*" not in text and "lifecycle\\*" not in text
