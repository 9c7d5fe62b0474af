"""Versions: every published version stays readable at /v/<label>/."""

import pytest

from craftpath.web.frameworks.publishing import publish_framework

from .helpers import reworded

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(seed_framework):
    old = publish_framework(seed_framework).version
    new = publish_framework(reworded(seed_framework, "I write tests first.")).version
    return old, new


def test_the_active_version_is_at_the_root(client, two_versions, family_url):
    assert "I write tests first." in client.get(family_url("level-5.html")).content.decode()


def test_an_old_version_is_readable_at_its_own_url(client, two_versions):
    old, _new = two_versions
    page = client.get(f"/v/{old.label}/ml-and-edge-ml-engineer-craft/level-5.html")
    text = page.content.decode()
    assert page.status_code == 200 and "I write tests first." not in text
    assert f"You are reading version <strong>{old.label}</strong>" in text
    # Links stay inside the old version.
    assert f'href="/v/{old.label}/ml-and-edge-ml-engineer-craft/level-4.html"' in text


def test_the_versions_page_lists_both(client, two_versions):
    page = client.get("/versions/").content.decode()
    assert 'href="/v/v1/"' in page and 'href="/v/v2/"' in page and "active" in page


def test_unknown_version_is_a_404(client, two_versions):
    assert client.get("/v/v9/").status_code == 404
