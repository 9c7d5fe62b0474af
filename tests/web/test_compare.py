"""The compare page: per area, statements added, reworded (word highlights) and dropped."""

import pytest

pytestmark = pytest.mark.django_db


def test_level_4_to_level_3_shows_changes_per_area(client, published_seed, family_url):
    response = client.get(family_url("compare/level-4/level-3.html"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "What changes from Level 4 (Mid) to Level 3 (Senior)" in page
    for kind in ("added", "reworded", "dropped"):
        assert f'<span class="badge {kind}">{kind}</span>' in page
    assert "<ins>" in page and "<del>" in page


def test_rewording_highlights_the_new_words(client, published_seed, family_url):
    page = client.get(family_url("compare/level-4/level-3.html")).content.decode()
    # "I can implement algorithms ... from academic research" grows "confidently and efficiently"
    after = [cell.split("</div>")[0]
             for cell in page.split('data-side="Level 3 (Senior), reworded"')[1:]]
    before = [cell.split("</div>")[0]
              for cell in page.split('data-side="Level 4 (Mid), reworded"')[1:]]
    assert any("<ins>" in cell and "implement algorithms" in cell for cell in after)
    # two columns: the old wording on the left, never with the new words in it
    assert before and not any("<ins>" in cell for cell in before)


def test_gaps_are_named_not_counted_as_drops(client, published_seed, family_url):
    page = client.get(family_url("compare/level-4/level-3.html")).content.decode()
    assert "Not written yet at either level." in page


def test_any_order_works_in_the_app(client, published_seed, family_url):
    assert client.get(family_url("compare/level-1/level-5.html")).status_code == 200


def test_the_chooser_defaults_to_a_level_and_the_next_one_up(client, published_seed,
                                                            family_url):
    page = client.get(family_url("compare/")).content.decode()
    assert '<option value="level-5" selected>' in page
    assert '<option value="level-4" selected>' in page
    assert family_url("compare/level-4/level-3.html") in page


def test_the_chooser_form_goes_to_the_pair(client, published_seed, family_url):
    response = client.get(family_url("compare/"), {"before": "level-4", "after": "level-3"})
    assert response.status_code == 302
    assert response["Location"] == family_url("compare/level-4/level-3.html")


@pytest.mark.parametrize("rest", [
    "compare/level-4/level-4.html",  # the same level
    "compare/level-4/level-2.html",  # a level with no page
    "compare/level-4/level-8.html",  # no such level
    "compare/?before=level-4&after=nope",
])
def test_impossible_comparisons_are_404s(client, published_seed, family_url, rest):
    assert client.get(family_url(rest)).status_code == 404
