"""The glossary: starred terms, where each is used, and which have no definition yet."""

import pytest

pytestmark = pytest.mark.django_db


def test_glossary_lists_the_two_terms_without_definitions(client, published_seed, family_url):
    page = client.get("/glossary.html").content.decode()
    assert 'id="term-mlops-goals"' in page and 'id="term-ml-development-lifecycle"' in page
    assert page.count("Not defined in this framework yet.") == 2


def test_glossary_links_each_use_to_its_statement(client, published_seed, family_url):
    page = client.get("/glossary.html").content.decode()
    assert f'href="{family_url("level-3.html")}#ml-ops.level-3.1"' in page
