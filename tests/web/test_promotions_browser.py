"""A promotion in Chromium: Leo nominates Ian from the pages; Oto, the chair, reads the
calibration view on a 390-px phone (nothing wider than the screen but the tables, which
scroll inside their own box) and records the decision; Ian reads it. Every page is checked
with axe-core for serious accessibility problems."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from craftpath.web.actions import promotions as actions

from .conftest import (
    BROWSER_PASSWORD,
    FAMILY,
    keep_screenshot,
    serious_violations,
    signed_in,
)


@pytest.fixture
def people(live_server, transactional_db, small_org):
    for person in (small_org.leo, small_org.oto, small_org.ian):
        person.set_password(BROWSER_PASSWORD)
        person.save()
    soon = date.today() + timedelta(days=7)
    promotion_round = actions.open_round(small_org.pia, name="Spring", nominate_due=soon,
                                         review_due=soon, decide_due=soon)
    actions.set_committee(small_org.pia, promotion_round.pk, name="Engineering",
                          family=FAMILY, levels=[], chair_email="oto@example.com",
                          member_emails=["sol@example.com"])
    return small_org


def checked(page, name: str) -> None:
    keep_screenshot(page, f"promotion-{name}")
    assert serious_violations(page) == [], name


def test_a_nomination_calibrated_on_a_phone_and_decided(browser, people, live_server):
    base = live_server.url
    leo_context, leo = signed_in(browser, base, "leo@example.com")
    leo.goto(base + "/promotions/")
    leo.get_by_role("link", name="Nominate in Spring").click()
    leo.get_by_label("Person").select_option(str(people.ian.pk))
    leo.get_by_label("Target level").select_option("level-3")
    leo.get_by_label("Case statement").fill("Ian leads the edge deployment work.")
    checked(leo, "nominate")
    leo.get_by_role("button", name="Nominate").click()
    assert "The case has assembled its evidence" in leo.content()
    checked(leo, "case-manager")
    leo_context.close()

    oto_context, oto = signed_in(browser, base, "oto@example.com")
    oto.set_viewport_size({"width": 390, "height": 844})
    oto.goto(base + "/promotions/")
    oto.get_by_role("link", name="Engineering").click()
    assert "To Level 3" in oto.content()
    wider = oto.evaluate("document.documentElement.scrollWidth")
    assert wider <= 390, f"the calibration view is {wider} px wide on a 390-px screen"
    checked(oto, "calibration-390")
    oto.get_by_role("link", name="Ian").click()
    oto.get_by_role("link", name="Decide").click()
    oto.get_by_label("Promote").check()
    oto.get_by_label("Reasons").fill("Consistently works at Level 3.")
    checked(oto, "decide-390")
    oto.get_by_role("button", name="Record the decision").click()
    assert "Decision: Promote" in oto.content()
    oto_context.close()

    ian_context, ian = signed_in(browser, base, "ian@example.com")
    ian.goto(base + "/promotions/")
    ian.get_by_role("link", name="Ian").click()
    assert "Consistently works at Level 3." in ian.content()
    checked(ian, "case-person")
    ian_context.close()
