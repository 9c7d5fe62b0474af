"""A review cycle in Chromium: the people team (Pia) creates and launches one from the pages;
the engineer (Eva) lands on her home page after signing in, sees her self-assessment with its
deadline, asks a colleague (Ian) for feedback; Ian answers from his home page; the inbox shows
the unread count. Every page is checked with axe-core for serious accessibility problems.
Chromium missing fails the test (the `chromium` fixture), never skips it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from .conftest import BROWSER_PASSWORD, keep_screenshot, serious_violations, signed_in

PASSWORD = BROWSER_PASSWORD


@pytest.fixture
def people(live_server, transactional_db, small_org):
    for person in (small_org.pia, small_org.eva, small_org.ian):
        person.set_password(PASSWORD)
        person.save()
    return small_org



def checked(page, name: str) -> None:
    keep_screenshot(page, f"cycle-{name}")
    assert serious_violations(page) == [], name


def test_a_cycle_from_creation_to_feedback(browser, people, live_server):
    base = live_server.url
    due = date.today() + timedelta(days=7)
    pia_context, pia = signed_in(browser, base, "pia@example.com")
    checked(pia, "home-people-team")
    pia.get_by_role("link", name="Create a cycle").click()
    pia.get_by_label("Name").fill("Summer round")
    pia.get_by_label("Who is in it").select_option("manager")
    pia.get_by_label("Which one").fill("leo@example.com")
    for label, days in (("Self-assessment deadline", 7), ("Manager review deadline", 14),
                        ("Agreement deadline", 21), ("Close deadline", 28)):
        pia.get_by_label(label).fill((date.today() + timedelta(days=days)).isoformat())
    checked(pia, "new")
    pia.get_by_role("button", name="Create the cycle").click()
    pia.get_by_role("button", name=re.compile("Launch: open 2 check-ins")).click()
    assert "Launched: 2 check-ins opened" in pia.content()
    checked(pia, "page")
    pia_context.close()

    eva_context, eva = signed_in(browser, base, "eva@example.com")
    assert "Your self-assessment" in eva.content()
    assert due.strftime("%a %-d %b %Y") in eva.content()
    assert re.search(r"Inbox <span class=\"badge badge--info\">1", eva.content())
    checked(eva, "home-engineer")
    eva.get_by_role("link", name="Continue your self-assessment").click()
    eva.get_by_role("link", name=re.compile("Ask colleagues for feedback")).click()
    eva.get_by_label("Their email").fill("ian@example.com")
    eva.locator("input[name=statement]").first.check()
    checked(eva, "feedback-ask")
    eva.get_by_role("button", name="Ask for feedback").click()
    assert "Asked." in eva.content()
    eva.goto(base + "/notifications/")
    checked(eva, "inbox")
    eva_context.close()

    ian_context, ian = signed_in(browser, base, "ian@example.com")
    ian.get_by_role("link", name="Give feedback").click()
    checked(ian, "feedback-answer")
    ian.locator("textarea").first.fill("Eva ran the model review well.")
    ian.get_by_role("button", name="Send feedback").click()
    ian.wait_for_url(re.compile(r"/home/$"))
    assert "your feedback is with them" in ian.content()
    ian_context.close()
