"""The area page: one area across every level, junior to senior, left to right."""

import pytest

pytestmark = pytest.mark.django_db


def test_area_shows_every_level_in_order(client, published_seed, family_url):
    page = client.get(family_url("areas/ml-ops.html")).content.decode()
    positions = [page.index(f'id="col-level-{n}"') for n in (5, 4, 3, 2, 1)]
    assert positions == sorted(positions)
    assert "No page for this level" in page  # Level 2's column


def test_area_statements_link_to_their_level_permalinks(client, published_seed, family_url):
    page = client.get(family_url("areas/ml-ops.html")).content.decode()
    assert f'href="{family_url("level-3.html")}#ml-ops.level-3.2"' in page


def test_an_area_with_no_text_says_not_written_yet(client, published_seed, family_url):
    page = client.get(family_url("areas/technical-strategy.html")).content.decode()
    assert page.count("Not written yet.") == 4


def test_unknown_area_is_a_404(client, published_seed, family_url):
    assert client.get(family_url("areas/cooking.html")).status_code == 404
