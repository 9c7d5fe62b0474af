"""In a real browser (Debian's Chromium driven by Playwright): every page type opens, passes an
axe-core scan with no serious or critical violation, and the main journeys work, in the app and
in the static site opened from disk. Screenshots are kept when CRAFTPATH_SCREENSHOTS names a
folder."""

from __future__ import annotations

import pytest

from .conftest import ARTIFACTS, FAMILY, keep_screenshot, serious_violations

PAGE_TYPES = {
    "home": "index.html",
    "level": f"{FAMILY}/level-3.html",
    "missing-level": f"{FAMILY}/level-2.html",
    "area": f"{FAMILY}/areas/ml-ops.html",
    "compare": f"{FAMILY}/compare/level-4/level-3.html",
    "compare-index": f"{FAMILY}/compare/index.html",
    "matrix": f"{FAMILY}/matrix.html",
    "glossary": "glossary.html",
    "search": "search.html?q=TensorRT",
    "print": "print.html",
    "not-found": f"{FAMILY}/level-9.html",
}


@pytest.fixture
def page(browser):
    # bypass_csp: axe-core is injected as a script the pages' own policy rightly refuses.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def app(live_server, transactional_db, seed_load):
    from craftpath.web.frameworks.publishing import publish_framework

    publish_framework(seed_load.framework, seed_load.diagnostics)
    return live_server.url + "/"


@pytest.fixture(scope="module")
def static_site(seed_framework, tmp_path_factory) -> str:
    from craftpath.site import build

    dest = tmp_path_factory.mktemp("static-site")
    build(seed_framework, dest)
    return dest.as_uri() + "/"


def shot(page, name: str) -> None:
    keep_screenshot(page, name)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_page_type_opens_and_passes_axe_in_the_app(page, app, name):
    response = page.goto(app + PAGE_TYPES[name])
    assert response.status == (404 if name == "not-found" else 200)
    shot(page, f"app-{name}")
    assert serious_violations(page) == []


@pytest.mark.parametrize("name", ["home", "level", "compare", "matrix", "search"])
def test_static_pages_pass_axe_from_disk(page, static_site, name):
    page.goto(static_site + PAGE_TYPES[name])
    shot(page, f"static-{name}")
    assert serious_violations(page) == []


def test_from_home_to_a_statements_permalink(page, app):
    page.goto(app)
    page.get_by_role("link", name="Level 3 (Senior)").first.click()
    page.get_by_role("link", name="Link to this statement (ml-ops.level-3.2)").click()
    assert page.url.endswith(f"{FAMILY}/level-3.html#ml-ops.level-3.2")
    assert page.locator("li:target").inner_text().startswith("I define and track")
    shot(page, "journey-permalink")


def test_keyboard_reaches_the_content_first(page, app):
    page.goto(app)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_compare_level_4_with_level_3_with_the_chooser(page, app):
    page.goto(app + f"{FAMILY}/compare/")
    page.get_by_label("From").select_option("level-4")
    page.get_by_label("to", exact=True).select_option("level-3")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"**/{FAMILY}/compare/level-4/level-3.html")
    assert "What changes from Level 4 (Mid) to Level 3 (Senior)" in page.inner_text("h1")
    assert page.locator(".compare-grid ins").count() > 0
    shot(page, "journey-compare")


def test_compare_chooser_works_from_disk(page, static_site):
    page.goto(static_site + f"{FAMILY}/compare/index.html")
    page.get_by_label("From").select_option("level-3")  # senior first: the site swaps them
    page.get_by_label("to", exact=True).select_option("level-4")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"**/{FAMILY}/compare/level-4/level-3.html")


def test_search_for_tensorrt_in_the_app(page, app):
    page.goto(app + "search.html")
    page.get_by_label("Words to find").fill("TensorRT")
    assert page.locator("#search-results .result-count").inner_text().startswith("2 results")
    page.locator("#search-results a").first.click()
    assert "#edge-computing.level-5.4" in page.url
    shot(page, "journey-search")


def test_search_works_from_disk_without_a_server(page, static_site):
    page.goto(static_site + "index.html")
    page.get_by_label("Search the framework").fill("TensorRT")
    page.get_by_label("Search the framework").press("Enter")
    assert page.locator("#search-results .result-count").inner_text().startswith("2 results")
    shot(page, "static-search-tensorrt")


def test_print_a_level_to_pdf(page, app):
    page.goto(app + f"{FAMILY}/level-3.html")
    page.emulate_media(media="print")
    assert page.locator("nav.family").is_hidden()  # the print stylesheet applies
    shot(page, "print-level-3")
    target = ARTIFACTS / "level-3.pdf"
    page.pdf(path=str(target), format="A4")
    assert target.read_bytes().startswith(b"%PDF")
