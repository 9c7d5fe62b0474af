"""A draft edited in Chromium by two framework editors: htmx saves a rewording in place with
fresh lint, a stale edit from the other editor's page is refused with both versions shown,
the review shows the rewording with its words highlighted, and publishing with a change note
puts the version on the versions page. Chromium missing fails the test, never skips it."""

from __future__ import annotations

import re

import pytest

from craftpath.web.accounts.models import Role, User

from .conftest import (
    BROWSER_PASSWORD,
    FAMILY,
    keep_screenshot,
    serious_violations,
    signed_in,
)

PASSWORD = BROWSER_PASSWORD


@pytest.fixture
def editors(live_server, transactional_db, published_seed):
    made = []
    for short in ("eda", "eli"):
        person = User.objects.create_user(f"{short}@example.com", name=short.title(),
                                          password=PASSWORD)
        person.grant(Role.EDITOR)
        made.append(person)
    return made



def test_two_editors_edit_review_and_publish(browser, live_server, editors):
    from playwright.sync_api import expect

    base = live_server.url
    eda_context, eda = signed_in(browser, base, "eda@example.com")
    eli_context, eli = signed_in(browser, base, "eli@example.com")

    eda.goto(base + "/drafts/")
    eda.get_by_role("button", name=re.compile("Open a draft of version v1")).click()
    expect(eda.locator("h1")).to_contain_text("Draft of Vaarst Career Framework")
    draft_url = eda.url
    area_url = f"{draft_url}{FAMILY}/areas/ml-ops/"
    eda.goto(area_url)
    eli.goto(area_url)  # both pages drawn at revision 0

    # Eda rewords with htmx: the editor part is swapped in place, the page does not reload.
    statement = "#i-statement-" + FAMILY + "-ml-ops-level-5-1"
    eda.evaluate("window.notReloaded = true")
    eda.locator(f"{statement} textarea[name=text]").fill("I use my team's ML tools well.")
    eda.locator(statement).get_by_role("button", name="Save wording").click()
    expect(eda.locator(".toast")).to_contain_text("Statement saved.")
    assert eda.evaluate("window.notReloaded") is True
    expect(eda.locator("#lint-summary")).to_contain_text("revision 1")
    keep_screenshot(eda, "drafts-edited")
    assert serious_violations(eda) == []

    # Eli, on the page drawn before Eda's save, rewords the same statement: refused, both shown.
    eli.locator(f"{statement} textarea[name=text]").fill("Eli's wording of it.")
    eli.locator(statement).get_by_role("button", name="Save wording").click()
    conflict = eli.locator("#conflict")
    expect(conflict).to_contain_text("someone else changed this first")
    expect(conflict.locator(".stored")).to_contain_text("I use my team's ML tools well.")
    expect(conflict.locator(".yours")).to_contain_text("Eli's wording of it.")
    keep_screenshot(eli, "drafts-conflict")

    # Review: the rewording, with the new words marked.
    eda.goto(draft_url + "review/")
    expect(eda.locator("ins").first).to_be_visible()
    expect(eda.locator("body")).to_contain_text("1 reworded")
    keep_screenshot(eda, "drafts-review")
    assert serious_violations(eda) == []
    eda.goto(f"{draft_url}{FAMILY}/")
    keep_screenshot(eda, "drafts-family")
    assert serious_violations(eda) == []

    # Publish with a change note; the versions page lists it with the author.
    eda.goto(draft_url + "publish/")
    eda.get_by_label("Change note").fill("Plainer wording for ML Ops.")
    eda.get_by_role("button", name="Publish").click()
    eda.wait_for_url(re.compile(r"/versions/$"))
    row = eda.locator("tr", has_text="v2")
    expect(row).to_contain_text("Plainer wording for ML Ops.")
    expect(row).to_contain_text("Eda")
    eda.goto(base + f"/{FAMILY}/level-5.html")
    expect(eda.locator("body")).to_contain_text("I use my team's ML tools well.")
    eda_context.close()
    eli_context.close()
