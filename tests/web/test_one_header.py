"""One header for a signed-in person everywhere: the framework pages, the versions page and the
403 and 404 pages (rendered by present/'s own engine) carry the same bar as the app's pages,
with the menu entries of the person's roles; anyone else, and the static site, keep the
framework's own links."""

import re

import pytest

from .conftest import FAMILY

pytestmark = pytest.mark.django_db

FRAMEWORK_PAGES = {
    "front": "/", "level": f"/{FAMILY}/level-3.html", "area": f"/{FAMILY}/areas/ml-ops.html",
    "compare": f"/{FAMILY}/compare/level-4/level-3.html", "matrix": f"/{FAMILY}/matrix.html",
    "glossary": "/glossary.html", "search": "/search.html?q=cloud",
}
ENTRIES_BY_ROLE = ("Cycles", "Insights", "Drafts", "Import", "Audit", "Admin")


def header(response) -> str:
    """The page's header bar, without what changes per request (the form token) or per page
    (which entry is the current one), nor the blank lines templates leave."""
    text = response.content.decode()
    bar = re.search(r'<header class="site">.*?</header>', text, re.S).group(0)
    bar = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", bar)
    return re.sub(r"\s+", " ", re.sub(r' aria-current="page"', "", bar))


def entries(bar: str) -> set[str]:
    return {name for name in ENTRIES_BY_ROLE if f">{name}</a>" in bar}


@pytest.mark.parametrize("who, expected", [
    ("ian", set()),  # an engineer
    ("mia", {"Insights"}),  # a manager
    ("pia", {"Cycles", "Insights", "Import", "Audit"}),  # the people team
    ("ada", {"Drafts", "Import", "Admin"}),  # an administrator
])
def test_every_kind_of_page_has_the_apps_header_with_the_roles_entries(
        client_as, small_org, who, expected):
    client = client_as(getattr(small_org, who))
    apps = header(client.get("/checkins/"))
    assert 'class="site-menu"' in apps and entries(apps) == expected
    pages = dict(FRAMEWORK_PAGES, versions="/versions/", missing=f"/{FAMILY}/level-9.html")
    if "Drafts" not in expected:
        pages["refused"] = "/drafts/"  # drafts are for editors: a 403 for anyone else
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == {"missing": 404, "refused": 403}.get(name, 200), name
        assert header(response) == apps, name
        assert "craftpath:site-bar" not in response.content.decode()


def test_the_framework_page_marks_its_entry_and_keeps_its_own_links_below(client_as, small_org):
    text = client_as(small_org.ian).get(f"/{FAMILY}/level-3.html").content.decode()
    assert '<a href="/" aria-current="page">Framework</a>' in text
    links = re.search(r'<nav class="family framework-links".*?</nav>', text, re.S).group(0)
    assert all(f">{name}</a>" in links for name in ("Glossary", "Search", "Print all",
                                                    "Versions"))


def test_anyone_signed_out_gets_the_frameworks_own_header_though_the_page_was_kept(
        client, client_as, small_org):
    path = FRAMEWORK_PAGES["level"]
    signed_in = client_as(small_org.ian).get(path).content.decode()
    client.logout()
    for response in (client.get(path), client.get(path)):  # made, then from the kept pages
        text = response.content.decode()
        assert 'class="site-menu"' not in text and "Sign out" not in text
        assert ">Glossary</a>" in header(response) and 'class="quick-search"' in text
        assert "Ian" not in text
    assert "Sign out" in signed_in


def test_the_static_site_keeps_its_plain_header(published_seed):
    from craftpath.present.pages import PageSet
    from craftpath.present.render import Where, render
    from craftpath.web.frameworks.publishing import active_version, framework_of

    page = PageSet(framework_of(active_version())).level(FAMILY, "level-3")
    html = render(page, Where(root="../", static="../static/", app=False))
    assert 'class="site-menu"' not in html and "craftpath:site-bar" not in html
    assert '<a href="../glossary.html">Glossary</a>' in html
