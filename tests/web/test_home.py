"""The home page: families, the ladder with its hole, tracks and areas, how to read it."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_the_ladder_with_level_2_as_a_hole(client, published_seed):
    page = client.get("/").content.decode()
    assert "ML and Edge ML Engineer Craft" in page
    for label in ("Level 5 (Junior)", "Level 4 (Mid)", "Level 3 (Senior)", "Level 1 (Head Of)"):
        assert label in page
    assert 'class="hole"' in page and "not written yet" in page
    # Most senior on top: Level 1 comes before Level 5 in the ladder.
    assert page.index("Level 1 (Head Of)") < page.index("Level 5 (Junior)")


def test_home_lists_tracks_and_areas_with_links(client, published_seed, family_url):
    page = client.get("/").content.decode()
    for track in ("All", "ML Engineer", "Edge ML Engineer"):
        assert f"<h4>{track}</h4>" in page
    assert f'href="{family_url("areas/ml-ops.html")}"' in page


def test_home_says_these_are_expectations_not_a_checklist(client, published_seed):
    assert "expectations, not a checklist" in client.get("/").content.decode()


def test_index_html_is_the_same_page(client, published_seed):
    assert client.get("/index.html").content == client.get("/").content


def test_home_before_anything_is_published_says_how_to_publish(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "craftpath publish" in response.content.decode()
