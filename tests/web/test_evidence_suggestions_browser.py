"""The evidence assistant in Chromium: typing evidence in the log shows suggestions with their
reasons (htmx, server-side), and one click adds the item and links it to the statement."""

from __future__ import annotations

import re

import pytest

from .conftest import keep_screenshot, serious_violations

PASSWORD = "a long browser-test password"


@pytest.fixture
def ian(live_server, transactional_db, small_org):
    small_org.ian.set_password(PASSWORD)
    small_org.ian.save()
    return small_org.ian


def test_typing_shows_suggestions_and_one_click_links(browser, live_server, ian):
    from playwright.sync_api import expect

    from craftpath.web.checkins import loop
    from craftpath.web.checkins.models import SuggestedLink

    checkin = loop.start(ian, include_next=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)  # the first suggestion loads the model
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(ian.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/"))

    page.goto(live_server.url + "/checkins/evidence/")
    panel = page.locator("div.suggestions")
    expect(panel).to_contain_text("Type a title or description")
    page.get_by_label("Title").fill("Cloud retraining")
    page.get_by_label("Description").fill(
        "Moved our training jobs to cloud GPUs and automated the retraining pipeline")
    expect(panel.locator("li")).to_have_count(3, timeout=60_000)
    expect(panel).to_contain_text("Why: evidence “automated the retraining pipeline”")
    keep_screenshot(page, "evidence-suggestions")
    assert serious_violations(page) == []

    panel.locator("button[value='ml-ops.level-4.3']").click()
    expect(page.locator("body")).to_contain_text(
        "linked it to “I have utilised cloud technology for improving some MLOps")
    link = SuggestedLink.objects.get()
    assert (link.entry.checkin_id, link.entry.statement_id) == (checkin.pk, "ml-ops.level-4.3")
    assert link.model.startswith("all-MiniLM-L6-v2-onnx-int8")
    context.close()
