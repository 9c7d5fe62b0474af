"""Every page of every role on the demo organisation, in Chromium, at 390 and 1280 pixels wide,
in light and dark mode (the system setting), judged as a person would see it. A visit fails on:

- overflow: the page scrolls sideways (the document is wider than the window);
- scroll-box: a box inside the page scrolls on its own: up and down at all, or sideways while
  taller than the window (its scroll bar is then out of sight);
- contrast: text below WCAG AA (axe-core's color-contrast rule, and the charts' SVG text
  against the page behind it, which axe does not check);
- console: a console error, an uncaught error, a failed request or an error status;
- internal: words of the code rather than of people (statement ids, slugs, ISO dates and
  timestamps, "(s)" plurals, raw Markdown `**`, Django's "matches the given query").

One test per role shares one browser and the module's one demo site (conftest.demo_site).
Each test writes what it found to test-artifacts/screens-<role>.json, counted per check, so the
figures can be compared before and after a change. With CRAFTPATH_SCREENSHOTS=<folder> set,
each visit also saves a full-page screenshot there (scripts/screenshots does that)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, AXE, DEMO_PASSWORD, DOMAIN, FAMILY
from .conftest import watched as conftest_watched

WIDTHS = (390, 1280)
THEMES = ("light", "dark")
MISSING = f"/{FAMILY}/level-9.html"  # the not-found page, whose own 404 is expected

# name -> (pattern over the page's visible text); a visit reports the first few matches.
INTERNAL = {
    "statement id": r"\b[a-z0-9]+(?:-[a-z0-9]+)*\.level-\d+\.\d+\b",
    "ISO timestamp": r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d",
    "ISO date": r"\b\d{4}-\d\d-\d\d\b",
    "slug": rf"\b{FAMILY}\b|\blevel-\d\b",
    "(s) plural": r"\w\(s\)",
    "raw Markdown": r"\*\*",
    "Django message": r"matches the given query",
}


def pages(role: str) -> dict[str, str]:
    """The pages each role opens, by name; ids come from the demo's database."""
    from craftpath.web.accounts.models import User
    from craftpath.web.checkins.models import CheckIn
    from craftpath.web.cycles.models import Cycle

    def person(short):
        return User.objects.get(email=f"{short}@{DOMAIN}")

    farah, dana = person("farah"), person("dana")
    closed = CheckIn.objects.filter(person=farah).exclude(closed_at=None).first()
    open_one = CheckIn.objects.get(person=farah, closed_at=None)
    agreeing = CheckIn.objects.get(person=dana, closed_at=None)
    cycle = Cycle.objects.order_by("pk").first()
    return {
        "public": {
            "front": "/", "level": f"/{FAMILY}/level-3.html",
            "area": f"/{FAMILY}/areas/ml-ops.html",
            "compare": f"/{FAMILY}/compare/level-4/level-3.html",
            "compare-index": f"/{FAMILY}/compare/", "matrix": f"/{FAMILY}/matrix.html",
            "glossary": "/glossary.html", "search": "/search.html?q=TensorRT",
            "versions": "/versions/", "not-found": MISSING, "login": "/accounts/login/",
            "password-reset": "/accounts/password/reset/",
        },
        "engineer": {
            "home": "/home/", "checkins": "/checkins/", "checkin": f"/checkins/{open_one.pk}/",
            "checkin-area": f"/checkins/{open_one.pk}/areas/ml-ops/",
            "checkin-feedback": f"/checkins/{open_one.pk}/feedback/",
            "checkin-import": f"/checkins/{open_one.pk}/import/",
            "closed-checkin": f"/checkins/{closed.pk}/",
            "progress": f"/checkins/people/{farah.pk}/", "evidence": "/checkins/evidence/",
            "profile": f"/people/{farah.pk}/", "level": f"/{FAMILY}/level-5.html",
            "notifications": "/notifications/",
            "notification-settings": "/notifications/preferences/",
            "tokens": "/api/tokens/", "api-docs": "/api/v1/docs", "your-data": "/rights/",
            "your-audit": "/audit/me/", "two-factor": "/accounts/2fa/",
        },
        "manager": {
            "home": "/home/", "team": "/checkins/team/",
            "side-by-side": f"/checkins/{agreeing.pk}/compare/",
            "closed-record": f"/checkins/{closed.pk}/",
            "report-progress": f"/checkins/people/{dana.pk}/",
            "report-profile": f"/people/{dana.pk}/", "people": "/people/",
            "org-chart": "/people/org/", "insights": "/insights/",
            **{view: f"/insights/{view}/" for view in (
                "heatmap", "gaps", "calibration", "readiness", "completion", "trends")},
        },
        "people": {
            "home": "/home/", "people": "/people/",
            "people-filtered": f"/people/?q=a&level={FAMILY}/level-4",
            "person": f"/people/{farah.pk}/", "progress": f"/checkins/people/{farah.pk}/",
            "cycles": "/cycles/", "cycle": f"/cycles/{cycle.pk}/", "new-cycle": "/cycles/new/",
            "fairness": "/insights/fairness/", "insights-settings": "/insights/settings/",
            "attributes": "/insights/attributes/", "audit": "/audit/",
            "carry": "/versions/carry/", "erase": f"/rights/people/{farah.pk}/erase/",
        },
        "admin": {
            "home": "/home/", "people": "/people/", "drafts": "/drafts/",
            "import": "/import/", "admin": "/admin/",
            "admin-person": f"/admin/accounts/user/{farah.pk}/change/",
        },
    }[role]


# Found and not fixed yet, each (role, page, check): tolerated here so that anything new
# fails, and listed so that the list can only shrink (a fixed one must be taken out).
KNOWN: set[tuple[str, str, str]] = set()

WHO = {"engineer": "farah", "manager": "bruno", "people": "pat", "admin": "alex"}

# The checks, run in the page; each returns a list of short findings.
CHECKS_JS = r"""(internal) => {
  const found = {overflow: [], "scroll-box": [], contrast: [], internal: []};
  const width = innerWidth, height = innerHeight;
  const wide = document.documentElement.scrollWidth - width;
  if (wide > 0) found.overflow.push(`${wide}px wider than the window`);
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.classList.length ? "." + [...e.classList].join(".") : "");
  const box = (e) => Math.round(e.getBoundingClientRect().height);
  for (const e of document.body.querySelectorAll("*")) {
    if (e.tagName === "TEXTAREA" || e.tagName === "SELECT") continue;
    const style = getComputedStyle(e);
    const scrolls = (v) => v === "auto" || v === "scroll";
    if (scrolls(style.overflowY) && e.scrollHeight > e.clientHeight + 1)
      found["scroll-box"].push(
        `${name(e)} scrolls up and down (${e.scrollHeight} in ${e.clientHeight}px)`);
    else if (scrolls(style.overflowX) && e.scrollWidth > e.clientWidth + 1
             && e.getBoundingClientRect().height > height)
      found["scroll-box"].push(`${name(e)} scrolls sideways and is ${box(e)}px tall`);
  }
  // SVG text against what is behind the chart (axe leaves SVG text out).
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (e) => { for (let p = e.closest("svg"); p; p = p.parentElement) {
      const c = rgb(getComputedStyle(p).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c; }
    return [255, 255, 255]; };
  for (const t of document.querySelectorAll("svg text")) {
    if (!t.getClientRects().length || !t.textContent.trim()) continue;
    const fill = rgb(getComputedStyle(t).fill);
    if (fill.length < 3) continue;
    const [a, b] = [lum(fill), lum(behind(t))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5)
      found.contrast.push(`svg "${t.textContent.trim().slice(0, 30)}" ${ratio.toFixed(1)}:1`);
  }
  const text = document.body.innerText;
  for (const [what, pattern] of Object.entries(internal)) {
    const hits = text.match(new RegExp(pattern, "g"));
    if (hits) found.internal.push(`${what}: ${[...new Set(hits)].slice(0, 3).join(", ")}`
                                  + (hits.length > 3 ? ` (${hits.length} in all)` : ""));
  }
  return found;
}"""

CONTRAST_JS = """async () => (await axe.run(document, {runOnly: ["color-contrast"]})).violations
    .flatMap(v => v.nodes.map(n => n.target.join(' ')))"""


def watched(browser, width: int, theme: str, state):
    """A new page at that width and theme with the session `state`, recording console errors
    and failed requests in page.problems (conftest.watched)."""
    return conftest_watched(browser, width, MISSING, color_scheme=theme,
                            reduced_motion="reduce", storage_state=state)


def session(browser, base: str, role: str):
    """The signed-in browser state of the role's demo person (None when signed out)."""
    if role == "public":
        return None
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(f"{WHO[role]}@{DOMAIN}")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home/"))
    state = context.storage_state()
    context.close()
    return state


def visit(page, base: str, path: str, axe: str | None, folder: Path | None = None,
          shot: str = "") -> dict[str, dict[str, list[str]]]:
    """The findings of one page by theme and check; axe's contrast scan too when given its
    script. The page loads once and is judged in each theme in turn: the themes are the
    system setting, read by the style sheet alone (no script asks for it), so switching the
    emulated setting repaints the page as a fresh load in that theme would show it."""
    page.problems.clear()
    page.emulate_media(color_scheme=THEMES[0])
    page.goto(base + path)
    if page.locator("[hx-trigger*=load]").count():  # parts that load after the page
        page.wait_for_load_state("networkidle")
    by_theme = {}
    for theme in THEMES:
        page.emulate_media(color_scheme=theme)
        found = page.evaluate(CHECKS_JS, INTERNAL)
        if axe:
            page.evaluate(axe)  # through DevTools, so under the page's own CSP
            found["contrast"] += [f"axe: {node}" for node in page.evaluate(CONTRAST_JS)]
        problems = list(page.problems)  # the load's in the first theme, then any since
        page.problems.clear()
        if path == MISSING:
            problems = [p for p in problems if "status of 404" not in p]
        found["console"] = problems
        by_theme[theme] = {check: items for check, items in found.items() if items}
        if folder:
            page.screenshot(path=str(folder / f"{shot}-{theme}.png"), full_page=True)
    return by_theme


def screenshot_folder() -> Path | None:
    folder = os.environ.get("CRAFTPATH_SCREENSHOTS")  # a test's switch, not an app setting
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return None


ROLES = ["public", "engineer", "manager", "people", "admin"]


@pytest.mark.browser  # it only serves the browser tests below; --quick leaves both out
def test_each_role_may_open_every_page_of_its_tour(demo_site, db, client):
    """Through Django's test client, before the browser: a page a role may not open would
    only measure an error page. (First in the module: its `db` also has pytest-django make
    the test database the demo site needs.)"""
    from craftpath.web.accounts.models import User

    refused = {}
    for role in ROLES:
        client.logout()
        if role != "public":
            client.force_login(User.objects.get(email=f"{WHO[role]}@{DOMAIN}"))
        for name, path in pages(role).items():
            status = client.get(path).status_code
            if status != (404 if path == MISSING else 200):
                refused[f"{role} {name}"] = status
    assert refused == {}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_reads_well(browser, demo, role):
    state = session(browser, demo, role)
    folder = screenshot_folder()
    axe = AXE.read_text()
    findings, visits = [], 0
    for width in WIDTHS:
        context, page = watched(browser, width, THEMES[0], state)
        try:
            for name, path in pages(role).items():
                # axe's scan is the slow part, and colours do not change with the width: it
                # runs at 1280 only, in both themes (the SVG check runs at both widths).
                by_theme = visit(page, demo, path, axe if width == 1280 else None, folder,
                                 f"{role}-{name}-{width}")
                for theme, found in by_theme.items():
                    visits += 1
                    for check, items in found.items():
                        findings.append({"page": name, "width": width, "theme": theme,
                                         "check": check, "found": items[:5]})
        finally:
            context.close()
    counts = {}
    for finding in findings:
        counts[finding["check"]] = counts.get(finding["check"], 0) + 1
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"screens-{role}.json").write_text(json.dumps(
        {"visits": visits, "failed visits per check": counts, "findings": findings}, indent=1))
    known = {(page, check) for (who, page, check) in KNOWN if who == role}
    new = [f for f in findings if (f["page"], f["check"]) not in known]
    gone = known - {(f["page"], f["check"]) for f in findings}
    assert new == [], f"{counts} in {visits} visits; test-artifacts/screens-{role}.json"
    assert gone == set(), "fixed: take these out of KNOWN"


def test_on_a_phone_the_site_menu_folds_behind_one_button(browser, demo):
    from playwright.sync_api import expect

    context, page = watched(browser, 390, "light", session(browser, demo, "people"))
    try:
        # the app's pages, and those present/ renders (a framework page, versions, not found)
        for path in ("/home/", f"/{FAMILY}/level-3.html", "/versions/", MISSING):
            page.set_viewport_size({"width": 390, "height": 800})
            page.goto(demo + path)
            header = page.locator("header.site")
            assert header.bounding_box()["height"] < 80, path  # one row: name and button
            cycles = header.get_by_role("link", name="Cycles")
            expect(cycles).to_be_hidden()
            menu = header.get_by_role("button", name="Menu")
            menu.click()
            expect(menu).to_have_attribute("aria-expanded", "true")
            expect(cycles).to_be_visible()
            page.keyboard.press("Escape")
            expect(cycles).to_be_hidden()
            expect(menu).to_be_focused()
            page.set_viewport_size({"width": 1280, "height": 900})  # wide: links, no button
            expect(cycles).to_be_visible()
            expect(menu).to_be_hidden()
        # the not-found page's own 404 is expected; nothing else may fail
        assert [p for p in page.problems if "status of 404" not in p] == []
    finally:
        context.close()


def test_the_first_rating_is_three_key_presses_away(browser, demo):
    """A skip link to the statements comes first on an area page of one's own check-in."""
    from craftpath.web.accounts.models import User
    from craftpath.web.checkins.models import CheckIn

    farah = User.objects.get(email=f"farah@{DOMAIN}")
    checkin = CheckIn.objects.get(person=farah, closed_at=None)
    context, page = watched(browser, 1280, "light", session(browser, demo, "engineer"))
    try:
        page.goto(f"{demo}/checkins/{checkin.pk}/areas/ml-ops/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to the statements"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.rating-scale')")
        assert page.problems == []
    finally:
        context.close()
