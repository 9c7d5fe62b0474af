"""Unknown addresses get a proper 404 page, never a 500 or a traceback."""

import pytest

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/nope/level-3.html",  # unknown family
    "/ml-and-edge-ml-engineer-craft/level-9.html",
    "/ml-and-edge-ml-engineer-craft/areas/nope.html",
    "/ml-and-edge-ml-engineer-craft/compare/level-4/nope.html",
    "/ml-and-edge-ml-engineer-craft/level-9.pdf",
    "/v/nope/glossary.html",
    "/v/../etc/passwd",
    "/%00",
    "/%%%",
    "/ml-and-edge-ml-engineer-craft/level-3.html/extra",
    "/ml-and-edge-ml-engineer-craft/compare/level-4/level-3",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_unknown_addresses_are_404_pages(client, published_seed, address):
    response = client.get(address)
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Page not found</h1>" in text and "Traceback" not in text


def test_pages_other_than_home_are_404_before_anything_is_published(client, db):
    assert client.get("/glossary.html").status_code == 404


def test_the_404_page_says_what_was_missing(client, published_seed):
    text = client.get("/ml-and-edge-ml-engineer-craft/level-9.html").content.decode()
    assert "ML and Edge ML Engineer Craft has no such level" in text
    assert "level-9" not in text.split("<main")[1]  # the address's slug is not words to show


def test_only_reading_is_allowed(client, published_seed):
    assert client.post("/").status_code == 405
