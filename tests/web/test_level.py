"""The level page: tracks → areas → statements, gaps, permalinks, neighbours, chart."""

import pytest

pytestmark = pytest.mark.django_db


def test_level_shows_every_track_area_and_statement(client, published_seed, family_url,
                                                    seed_family):
    page = client.get(family_url("level-3.html")).content.decode()
    level = seed_family.find_level("3")
    for area in seed_family.areas:
        assert f'id="area-{area.slug}"' in page
        cell = seed_family.expectation(area.slug, level.slug)
        for statement in cell.statements:
            assert f'<li id="{statement.id}">' in page
            assert f'href="#{statement.id}"' in page  # its permalink


def test_gaps_read_not_written_yet(client, published_seed, family_url):
    page = client.get(family_url("level-3.html")).content.decode()
    assert page.count("Not written yet.") == 2  # Architecture Design and Technical Strategy


def test_previous_and_next_levels_skip_the_hole(client, published_seed, family_url):
    page = client.get(family_url("level-3.html")).content.decode()
    assert f'rel="prev" href="{family_url("level-4.html")}"' in page
    assert f'rel="next" href="{family_url("level-1.html")}"' in page
    assert family_url("compare/level-3/level-1.html") in page


def test_starred_terms_link_to_the_glossary(client, published_seed, family_url):
    page = client.get(family_url("level-3.html")).content.decode()
    assert '<a class="term" href="/glossary.html#term-mlops-goals">MLOps goals</a>' in page


def test_level_has_a_radar_chart_drawn_on_the_server(client, published_seed, family_url):
    page = client.get(family_url("level-4.html")).content.decode()
    assert '<svg class="radar"' in page and "<script" not in page.split("<main")[1]
    assert "Edge Computing: 6" in page  # the chart's text alternative


def test_missing_level_is_a_page_that_says_so(client, published_seed, family_url):
    response = client.get(family_url("level-2.html"))
    assert response.status_code == 200
    assert "not written yet" in response.content.decode()


@pytest.mark.parametrize("rest", ["level-9.html", "senior.html", "level-3.htm"])
def test_unknown_level_is_a_404(client, published_seed, family_url, rest):
    assert client.get(family_url(rest)).status_code == 404
