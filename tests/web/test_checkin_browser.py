"""The whole check-in loop in Chromium with two people in two browser contexts: the engineer (Ian)
rates with autosave, adds evidence from a statement, meets a conflict from a second tab and
submits; his manager (Leo) rates blind and submits; then both see the side-by-side view, agree,
and Leo closes. Each step checks what each of them sees (conftest.keep_screenshot keeps a
picture of each when asked). Chromium missing fails the test (the `chromium` fixture), never
skips it."""

from __future__ import annotations

import re

import pytest

from .conftest import BROWSER_PASSWORD, keep_screenshot, serious_violations, signed_in

PASSWORD = BROWSER_PASSWORD
SELF_COMMENT = "I moved our training jobs to the shared pipeline"


@pytest.fixture
def people(live_server, transactional_db, small_org):
    for person in (small_org.ian, small_org.leo):
        person.set_password(PASSWORD)
        person.save()
    return small_org



def shot(page, name: str) -> None:
    keep_screenshot(page, f"checkin-{name}")


def rate_every_area(page, value: str, first_value: str | None = None) -> None:
    """On each area page in turn, choose `value` for every statement, waiting for each save."""
    from playwright.sync_api import expect

    first = True
    while True:
        for form_id in page.locator("form.rating").evaluate_all("fs => fs.map(f => f.id)"):
            anchor = form_id[2:]
            chosen = first_value if first and first_value else value
            first = False
            page.locator(f"#{form_id} input[type=radio][value='{chosen}']").check()
            expect(page.locator(f"#st-{anchor}")).to_contain_text("Saved")
        onward = page.locator("nav.pager a").last
        if "review and submit" in onward.inner_text():
            onward.click()
            return
        onward.click()


def test_the_whole_loop_with_two_people(browser, live_server, people):
    from playwright.sync_api import expect

    base = live_server.url
    ian_context, ian = signed_in(browser, base, people.ian.email)
    leo_context, leo = signed_in(browser, base, people.leo.email)

    # 1. Ian starts a check-in at his level and the next.
    ian.get_by_role("link", name="Check-ins").click()
    ian.get_by_role("button", name="Start a check-in").click()
    expect(ian.locator("#progress")).to_contain_text("0 of")
    checkin_url = ian.url.split("/areas/")[0] + "/"
    forms = ian.locator("form.rating").evaluate_all("fs => fs.map(f => f.id)")
    first, second = forms[0][2:], forms[1][2:]

    # 2. Autosave: a rating and a comment save without a button; progress moves.
    ian.locator(f"#f-{first} input[value='Exceeds']").check()
    expect(ian.locator(f"#st-{first}")).to_contain_text("Saved")
    ian.locator(f"#f-{first} summary").click()  # comment and evidence are folded until used
    ian.locator(f"#c-{first}").fill(SELF_COMMENT)
    expect(ian.locator(f"#st-{first}")).to_contain_text("Saved")
    expect(ian.locator("#progress")).to_contain_text("1 of")
    # Not applicable asks for a reason, opens the box for it, then saves once it is typed.
    ian.locator(f"#f-{second} input[value='Not applicable']").check()
    expect(ian.locator(f"#st-{second}")).to_contain_text("needs a reason")
    ian.locator(f"#r-{second}").fill("we do no cloud work")
    expect(ian.locator(f"#st-{second}")).to_contain_text("Saved")

    # 3. Evidence added from the statement, without leaving the page.
    ian.locator(f"#s-{first} details.add-evidence summary").click()
    ian.locator(f"#s-{first} input[name='new-title']").fill("Pipeline migration write-up")
    # Suggestions arrive inside the form and leave its fields in place (they once replaced the
    # whole form, through the form's inherited hx-target, when they came before the click).
    expect(ian.locator(f"#s-{first} .suggestion-list li").first).to_be_visible(timeout=60_000)
    expect(ian.locator(f"#s-{first} input[name='new-title']")).to_have_value(
        "Pipeline migration write-up")
    ian.locator(f"#s-{first} button", has_text="Add evidence").click()
    expect(ian.locator(f"#s-{first}")).to_contain_text("Added “Pipeline migration write-up”")
    expect(ian.locator(f"#ev-{first} input[type=checkbox]")).to_be_checked()
    expect(ian.locator(f"#ev-{second} input[type=checkbox]")).not_to_be_checked()
    # "Your evidence log is empty" goes once the log has an item.
    expect(ian.locator(f"#ev-{first} .none")).to_be_hidden()
    expect(ian.locator(f"#ev-{second} .none")).to_be_hidden()
    shot(ian, "1-engineer-rating")

    # 4. A second tab saving the same statement is refused and keeps its input.
    other_tab = ian_context.new_page()
    other_tab.goto(ian.url)
    ian.locator(f"#f-{first} input[value='Meets']").check()
    expect(ian.locator(f"#st-{first}")).to_contain_text("Saved")
    other_tab.locator(f"#c-{first}").fill("typed in the other tab")
    expect(other_tab.locator(f"#st-{first}")).to_contain_text("was not saved")
    expect(other_tab.locator(f"#c-{first}")).to_have_value("typed in the other tab")
    shot(other_tab, "2-conflict")
    other_tab.close()

    # 5. Ian rates the rest and submits; the side-by-side view is not open yet.
    rate_every_area(ian, "Meets", first_value="Meets")
    ian.get_by_role("button", name="Submit self-assessment").click()
    expect(ian.locator(".messages")).to_contain_text("Submitted")
    ian.goto(checkin_url + "compare/")
    expect(ian.locator("main")).to_contain_text("opens when both")

    # 6. Leo rates blind: none of Ian's ratings or comments are on his pages.
    leo.goto(checkin_url)
    expect(leo.locator("main")).to_contain_text("Your review")
    leo.locator("nav.areas a").first.click()
    expect(leo.locator("main")).to_contain_text("Your rating as manager")
    assert SELF_COMMENT not in leo.content()
    assert leo.locator("input[type=radio]:checked").count() == 0
    leo.goto(checkin_url + "compare/")
    expect(leo.locator("main")).to_contain_text("opens when both")
    assert SELF_COMMENT not in leo.content()
    shot(leo, "3-manager-blind")
    leo.goto(checkin_url)
    leo.locator("nav.areas a").first.click()
    rate_every_area(leo, "Meets", first_value="Working towards")
    leo.get_by_role("button", name="Submit review").click()
    expect(leo.locator(".messages")).to_contain_text("Both sides are in")

    # 7. Both see the side-by-side view, disagreements first, Ian's comment now visible.
    leo.goto(checkin_url + "compare/")
    first_row = leo.locator("table.side-by-side-table tbody tr").first
    expect(first_row).to_have_class(re.compile("differ"))
    expect(first_row.locator("td.self")).to_contain_text("Meets")
    expect(first_row.locator("td.manager")).to_contain_text("Working towards")
    expect(leo.locator("main")).to_contain_text(SELF_COMMENT)
    ian.goto(checkin_url + "compare/")
    expect(ian.locator("table.side-by-side-table tbody tr").first.locator("td.manager")
           ).to_contain_text("Working towards")

    # 8. They agree: matching ratings in one go, the disagreement by hand, and a summary.
    leo.get_by_role("button", name="Agree every statement you both rated alike").click()
    # a full page load: wait for it, or the next selection lands on the page being replaced
    expect(leo.locator(".messages")).to_contain_text("rated alike are now agreed")
    row = leo.locator("table.side-by-side-table tbody tr").first
    row.locator("select").select_option("Working towards")
    expect(row.locator(".save-status")).to_contain_text("Saved")
    leo.locator("#summary-text").fill("A strong quarter; pipeline ownership next.")
    expect(leo.locator("#summary-status")).to_contain_text("Summary saved")
    shot(leo, "4-side-by-side")
    ian.reload()
    expect(ian.locator("table.side-by-side-table tbody tr").first.locator("select")
           ).to_have_value("Working towards")
    assert ian.get_by_role("button", name="Close the check-in").count() == 0

    # 9. Leo closes; both see the frozen record.
    leo.get_by_role("button", name="Close the check-in").click()
    expect(leo.locator("main")).to_contain_text("The agreed record")
    ian.goto(checkin_url)
    expect(ian.locator("#stage")).to_have_text("closed")
    expect(ian.locator("main")).to_contain_text("A strong quarter; pipeline ownership next.")
    expect(ian.locator("main")).to_contain_text("Pipeline migration write-up")
    expect(ian.locator("main")).to_contain_text("Leo changed closed")  # the audit trail
    shot(ian, "5-closed-record")
    ian.goto(f"{base}/checkins/people/{people.ian.pk}/")
    expect(ian.locator("svg.radar")).to_have_count(2)
    ian_context.close()
    leo_context.close()


def test_check_in_pages_pass_axe(browser, live_server, people):
    """No serious or critical accessibility violation on the pages of the loop."""
    context, ian = signed_in(browser, live_server.url, people.ian.email)
    ian.get_by_role("link", name="Check-ins").click()
    ian.get_by_role("button", name="Start a check-in").click()
    area_url = ian.url
    checkin_url = area_url.split("/areas/")[0] + "/"
    found = {}
    for name, url in (("area", area_url), ("check-in", checkin_url),
                      ("check-ins", live_server.url + "/checkins/"),
                      ("evidence", live_server.url + "/checkins/evidence/"),
                      ("progress", f"{live_server.url}/checkins/people/{people.ian.pk}/"),
                      ("person", f"{live_server.url}/people/{people.ian.pk}/")):
        assert ian.goto(url).status == 200, name
        found[name] = serious_violations(ian)
    context.close()
    assert found == {name: [] for name in found}
