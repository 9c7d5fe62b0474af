"""The whole app in Chromium (Debian's, through Playwright): every page type at 1280 and 390 pixels
wide, under the real content security policy. Each visit must raise no console error and no
failed request (the favicon included), and must pass axe-core with no serious or critical
violation. Then a keyboard-only walk starts and completes a self-assessment. Chromium missing
fails (the `chromium` fixture)."""

from __future__ import annotations

import re

import pytest

from .checkin_helpers import start_for
from .conftest import AXE, DEMO_PASSWORD, DOMAIN, FAMILY, keep_screenshot
from .conftest import watched as conftest_watched

WIDTHS = {"wide": 1280, "narrow": 390}


def watched(browser, width: int):
    """A page under the pages' own CSP, recording console errors and failed requests."""
    return conftest_watched(browser, width, EXPECTED_404)


EXPECTED_404 = f"/{FAMILY}/level-9.html"


def sign_in(page, base: str, who: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(f"{who}@{DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/"))


def axe_findings(page) -> list[str]:
    # Evaluated through the DevTools protocol, which the page's CSP does not govern, so the
    # pages are scanned under their real policy.
    page.evaluate(AXE.read_text())
    return serious_violations_loaded(page)


def serious_violations_loaded(page) -> list[str]:
    violations = page.evaluate(
        "async () => (await axe.run(document)).violations"
        ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][:3]}" for v in violations
            if v["impact"] in ("serious", "critical")]


def paths(who: str) -> dict[str, str]:
    from craftpath.web.accounts.models import User
    from craftpath.web.checkins.models import CheckIn

    farah = User.objects.get(email=f"farah@{DOMAIN}")
    dana = User.objects.get(email=f"dana@{DOMAIN}")
    closed = CheckIn.objects.filter(person=farah).exclude(closed_at=None).first()
    open_one = CheckIn.objects.get(person=farah, closed_at=None)
    agreeing = CheckIn.objects.get(person=dana, closed_at=None)
    return {
        "public": {
            "home": "/", "level": f"/{FAMILY}/level-3.html", "area": f"/{FAMILY}/areas/ml-ops.html",
            "compare": f"/{FAMILY}/compare/level-4/level-3.html",
            "matrix": f"/{FAMILY}/matrix.html", "glossary": "/glossary.html",
            "search": "/search.html?q=TensorRT", "versions": "/versions/",
            "not-found": EXPECTED_404, "login": "/accounts/login/",
        },
        "farah": {
            "checkins": "/checkins/", "checkin-area": f"/checkins/{open_one.pk}/areas/ml-ops/",
            "checkin": f"/checkins/{open_one.pk}/", "closed-checkin": f"/checkins/{closed.pk}/",
            "progress": f"/checkins/people/{farah.pk}/", "evidence": "/checkins/evidence/",
            "me": f"/people/{farah.pk}/",
        },
        "bruno": {
            "side-by-side": f"/checkins/{agreeing.pk}/compare/", "team": "/checkins/team/",
            "org-chart": "/people/org/",
        },
        "alex": {
            "people": "/people/", "people-filtered": "/people/?q=a&level=" + FAMILY + "/level-4",
            "admin-person": f"/admin/accounts/user/{farah.pk}/change/",
        },
    }[who]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["public", "farah", "bruno", "alex"])
def test_every_page_type_is_clean_at_both_widths(browser, demo, who, width):
    context, page = watched(browser, WIDTHS[width])
    try:
        if who != "public":
            sign_in(page, demo, who)
        findings = {}
        for name, path in paths(who).items():
            page.problems.clear()
            page.goto(demo + path)
            if page.locator("[hx-trigger*=load]").count():  # parts that load after the page
                page.wait_for_load_state("networkidle")
            keep_screenshot(page, f"app-{name}-{width}")
            problems = list(page.problems)
            if path == EXPECTED_404:  # the page itself is the one 404 asked for
                problems = [p for p in problems if "status of 404" not in p]
            if not path.startswith("/admin/"):  # Django's own admin is not ours to restyle
                problems += axe_findings(page)
            if problems:
                findings[name] = problems
        assert findings == {}
    finally:
        context.close()


def test_dark_mode_keeps_contrast(browser, demo):
    """The dark token set, chosen by the system setting, passes axe's contrast checks too."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, demo, "farah")
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") != \
            "rgb(255, 255, 255)"
        findings = {}
        for name in ("checkin-area", "progress", "closed-checkin"):
            page.goto(demo + paths("farah")[name])
            keep_screenshot(page, f"app-{name}-dark")
            findings[name] = axe_findings(page)
        for name in ("compare", "matrix", "level"):
            page.goto(demo + paths("public")[name])
            keep_screenshot(page, f"app-{name}-dark")
            findings[name] = axe_findings(page)
        assert {name: found for name, found in findings.items() if found} == {}
    finally:
        context.close()


def test_the_app_pages_keep_within_the_width_at_1280(browser, demo):
    context, page = watched(browser, 1280)
    try:
        sign_in(page, demo, "farah")
        for path in list(paths("farah").values()) + [f"/{FAMILY}/areas/ml-ops.html"]:
            page.goto(demo + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, path
    finally:
        context.close()


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, type: e.type || '', text: (e.textContent || '').trim(),
                inScale: !!e.closest('.rating-scale'), checked: !!e.checked,
                group: e.name || '', form: e.form ? e.form.id : ''}; }""")


def tab_until(page, wanted, limit: int = 400) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if wanted(now):
            return now
    raise AssertionError("the keyboard never reached what was wanted")


def test_a_self_assessment_by_keyboard_alone(browser, live_server, transactional_db, small_org):
    from playwright.sync_api import expect

    ian = small_org.ian
    ian.set_password(DEMO_PASSWORD)
    ian.save()
    context, page = watched(browser, 1280)
    try:
        page.goto(live_server.url + "/accounts/login/")
        tab_until(page, lambda f: f["tag"] == "INPUT" and f["type"] == "email")
        page.keyboard.type(ian.email)
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/home/"))
        tab_until(page, lambda f: f["tag"] == "A" and f["text"] == "Check-ins")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/checkins/$"))
        tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Start a check-in")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/areas/"))
        keys = "1234"
        rated = 0
        while True:
            forms = page.locator("form.rating").count()
            for _ in range(forms):
                now = tab_until(page, lambda f: f["inScale"] or f["text"].startswith(
                    "Done with the areas"))
                assert now["inScale"], "an unrated statement was skipped"
                status = page.locator(f"#st-{now['form'][2:]}")
                if rated == 0:  # N, then the reason it asks for, typed in the box it opens
                    page.keyboard.press("n")
                    expect(status).to_contain_text("needs a reason")
                    now = focused(page)  # N moves on to the reason box by itself
                    assert (now["tag"], now["group"]) == ("INPUT", "reason")
                    page.keyboard.type("Not part of my team's work")
                else:
                    page.keyboard.press(keys[rated % 4])
                expect(status).to_contain_text("Saved")
                rated += 1
            onward = tab_until(page, lambda f: f["tag"] == "A" and f["text"].endswith("→")
                               and not f["text"].startswith("←"))
            before = page.url
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url, before=before: url != before)
            page.wait_for_load_state()
            if onward["text"].startswith("Done with the areas"):
                break
        assert re.search(r"/checkins/\d+/$", page.url)
        expect(page.locator("#progress")).to_contain_text(f"{rated} of {rated}")
        tab_until(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Submit self-assessment")
        page.keyboard.press("Enter")
        expect(page.locator("#stage")).to_have_text("awaiting manager review")
        assert page.problems == []
    finally:
        context.close()


def test_the_org_chart_search_keeps_matches_and_their_managers(browser, demo):
    from playwright.sync_api import expect

    context, page = watched(browser, 1280)
    try:
        sign_in(page, demo, "bruno")
        page.goto(demo + "/people/org/")
        page.get_by_label("Find someone").fill("farah")
        expect(page.locator("#org-search-status")).to_have_text("1 person matches")
        expect(page.get_by_role("link", name="Farah Haddad")).to_be_visible()
        expect(page.get_by_role("link", name="Chen Wei")).to_be_visible()  # her manager
        expect(page.get_by_role("link", name="Dana Levi")).to_be_hidden()
        page.get_by_label("Find someone").fill("")
        expect(page.get_by_role("link", name="Dana Levi")).to_be_visible()
        assert page.problems == []
    finally:
        context.close()


def test_hovering_a_statement_row_does_not_move_its_controls(browser, live_server,
                                                             transactional_db, small_org):
    ian = small_org.ian
    ian.set_password(DEMO_PASSWORD)
    ian.save()
    checkin = start_for(ian)
    context, page = watched(browser, 1280)
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(ian.email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/home/"))
        page.goto(f"{live_server.url}/checkins/{checkin.pk}/areas/ml-ops/")
        row = page.locator("article.statement-row").first
        text, scale = row.locator(".statement-row__text"), row.locator(".rating-scale")
        page.mouse.move(0, 0)
        before = (text.bounding_box(), scale.bounding_box())
        text.hover()
        assert row.locator(".statement-row__id").is_visible()
        # the text keeps its width (so it cannot rewrap) and the control stays put
        assert (text.bounding_box(), scale.bounding_box()) == before
    finally:
        context.close()

