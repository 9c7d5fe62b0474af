"""Search: on the server for the app, and from search-index.js for the static site."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_statements_on_the_server(client, published_seed, family_url):
    page = client.get("/search.html", {"q": "TensorRT"}).content.decode()
    assert "2 results for “TensorRT”" in page
    assert f'href="{family_url("level-5.html")}#edge-computing.level-5.4"' in page


def test_every_word_must_match_in_any_case(client, published_seed):
    page = client.get("/search.html", {"q": "tensorrt deepstream"}).content.decode()
    assert "1 result for" in page


def test_search_covers_areas_levels_and_terms(client, published_seed):
    for query, kind in (("Edge Computing", "area"), ("Head Of", "level"),
                        ("MLOps goals", "term")):
        page = client.get("/search.html", {"q": query}).content.decode()
        assert f'<span class="kind">{kind}</span>' in page


def test_search_index_is_a_script_with_every_statement(client, published_seed):
    response = client.get("/search-index.js")
    assert response["Content-Type"].startswith("text/javascript")
    prefix = "window.CRAFTPATH_SEARCH = "
    text = response.content.decode()
    data = json.loads(text[len(prefix):].rstrip().rstrip(";"))
    assert sum(entry["kind"] == "statement" for entry in data["entries"]) == 60


def test_empty_search_shows_the_form_only(client, published_seed):
    page = client.get("/search.html").content.decode()
    assert 'id="q"' in page and "result" not in page.split('id="search-results"')[1][:200]
