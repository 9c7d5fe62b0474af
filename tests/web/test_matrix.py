"""The matrix: areas × levels with statement counts and gaps, linking into cells."""

import pytest

pytestmark = pytest.mark.django_db


def test_matrix_counts_statements_and_marks_gaps(client, published_seed, family_url):
    page = client.get(family_url("matrix.html")).content.decode()
    assert page.count('class="gap-cell"') == 8 + 7  # 8 TODO cells + Level 2's column
    assert page.count("not written yet") == 8
    assert f'href="{family_url("level-3.html")}#area-ml-ops">4<' in page


def test_matrix_has_row_and_column_headers(client, published_seed, family_url):
    page = client.get(family_url("matrix.html")).content.decode()
    assert "<caption>" in page and 'scope="row"' in page and 'scope="col"' in page
