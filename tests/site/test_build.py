"""The static site: the app's pages as files with relative links, plus JSON and search."""

import json
import re
from pathlib import Path

import pytest

from craftpath.site import BuildError, build

FAMILY = "ml-and-edge-ml-engineer-craft"


@pytest.fixture(scope="module")
def site(seed_framework, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("site")
    build(seed_framework, dest)
    return dest


def test_every_page_type_is_written(site):
    for path in ("index.html", "glossary.html", "search.html", "print.html",
                 f"{FAMILY}/level-3.html", f"{FAMILY}/level-2.html",
                 f"{FAMILY}/areas/ml-ops.html", f"{FAMILY}/matrix.html",
                 f"{FAMILY}/compare/index.html", f"{FAMILY}/compare/level-4/level-3.html",
                 "framework.json", "search-index.js", "static/craftpath/craftpath.css"):
        assert (site / path).is_file(), path


def test_each_pair_of_written_levels_has_one_compare_page(site):
    pages = sorted(p.relative_to(site / FAMILY / "compare").as_posix()
                   for p in (site / FAMILY / "compare").rglob("level-*.html"))
    assert len(pages) == 6  # 4 written levels, junior first


def test_every_local_link_points_at_a_file_that_exists(site):
    for page in site.rglob("*.html"):
        for target in re.findall(r'(?:href|src)="([^"#?]+)', page.read_text()):
            if target.startswith(("http:", "https:", "mailto:")):
                continue
            assert not target.startswith("/"), f"{page}: absolute link {target}"
            assert (page.parent / target).resolve().exists(), f"{page}: {target}"


def test_the_app_is_not_needed(site):
    text = (site / FAMILY / "level-3.html").read_text()
    assert "htmx" not in text and ".pdf" not in text and "/versions/" not in text


def test_the_json_export_is_the_canonical_document(site, seed_framework):
    from craftpath.core.formats import canonical

    data = json.loads((site / "framework.json").read_text())
    assert data == json.loads(json.dumps(canonical.to_document(seed_framework)))


def test_the_search_index_loads_from_disk_as_a_script(site):
    text = (site / "search-index.js").read_text()
    assert text.startswith("window.CRAFTPATH_SEARCH = ") and "TensorRT" in text


def test_the_same_templates_as_the_app(site):
    text = (site / FAMILY / "compare" / "level-4" / "level-3.html").read_text()
    assert "What changes from Level 4 (Mid) to Level 3 (Senior)" in text
    assert 'href="../../../glossary.html"' in text


def test_build_reads_a_path_and_reports_phases(seeds_dir, tmp_path):
    report = build(seeds_dir, tmp_path / "out")
    assert list(report.seconds) == ["load", "validate", "render", "write"]
    assert report.pages == 24 and report.warnings


def test_lint_errors_refuse_the_build(seed_framework, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
    from helpers import with_duplicate_statement_id

    with pytest.raises(BuildError) as refused:
        build(with_duplicate_statement_id(seed_framework), tmp_path / "out")
    assert refused.value.diagnostics and not (tmp_path / "out").exists()


def test_progress_hears_every_page_rendered(seed_framework, tmp_path):
    heard = []
    report = build(seed_framework, tmp_path / "out", progress=lambda done, total:
                   heard.append((done, total)))
    assert heard[-1] == (report.pages, report.pages)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
