"""One framework, many layouts: the seeds and every corpus framework, written by the layout
generator (tests/core/layouts.py) in 24 layouts with noise, import back to the same families,
levels in order, areas and statements."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layouts import LAYOUTS, FamilySpec, Spec, spec_from, try_layout

from craftpath.core.formats import load
from craftpath.core.formats.inputs import InputError
from craftpath.core.sample import load_bundled

# Corpus frameworks of which the importer reads no family yet (the importer issue's work): no
# layout can bring back what was never read. Pinned, so that one starting to import, or one
# more stopping, fails test_the_frameworks_not_read_yet_are_known below.
NOT_READ_YET: set[str] = set()


def _imported(corpus_dir, label):
    try:
        return load([corpus_dir / path for path in label["inputs"]]).framework
    except InputError:
        return None


@pytest.fixture(scope="module")
def imported(corpus_dir):
    """id → the spec of what each corpus entry imports as (None when no family is read)."""
    labels = json.loads((corpus_dir / "labels.json").read_text())
    found = {}
    for label in labels:
        framework = _imported(corpus_dir, label)
        spec = spec_from(framework) if framework is not None else None
        found[label["id"]] = spec if spec is not None and spec.families else None
    return found


@pytest.fixture(scope="module")
def sources(imported):
    """name → spec: the seeds, and each corpus framework as imported from its inputs."""
    found = {"seeds": spec_from(load_bundled())}
    found.update((name, spec) for name, spec in imported.items() if spec is not None)
    return found


def test_the_frameworks_not_read_yet_are_known(imported):
    assert {name for name, spec in imported.items() if spec is None} == NOT_READ_YET


def test_there_are_at_least_twenty_layouts_in_every_input_kind():
    assert len(LAYOUTS) >= 20
    kinds = {name.split("_")[0] for name in LAYOUTS}
    assert kinds >= {"md", "html", "rst", "latex", "xlsx", "csv", "json", "yaml", "js"}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_source_framework_comes_back_from_this_layout(sources, layout, tmp_path):
    failures = {}
    for name, spec in sources.items():
        problems = try_layout(spec, layout, tmp_path / name)
        if problems:
            failures[name] = problems
    assert failures == {}


NAME = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=3,
               max_size=10).map(str.capitalize)
WORDS = st.lists(NAME, min_size=3, max_size=7).map(" ".join)


@st.composite
def small_frameworks(draw):
    levels = [f"Level {n}" for n in range(1, draw(st.integers(2, 5)) + 1)]
    areas = draw(st.lists(NAME, min_size=2, max_size=4, unique_by=str.lower))
    family = FamilySpec("Engineering", levels, areas)
    for area in areas:
        for level in levels:
            family.cells[(area, level)] = draw(st.lists(WORDS, min_size=1, max_size=3,
                                                        unique_by=str.lower))
    return Spec("Ladders", [family])


# derandomize: the same 20 cases every run, so CI does not fail on a case first found there;
# a case found by a random run is kept below as a known failure until the inference handles it.
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=small_frameworks(), layout=st.sampled_from(sorted(LAYOUTS)))
def test_any_small_framework_comes_back_from_any_layout(spec, layout, tmp_path_factory):
    assert try_layout(spec, layout, tmp_path_factory.mktemp("layout")) == []


def test_a_file_per_level_with_one_word_areas_keeps_its_menu_out(tmp_path):
    # Found by a random run of the test above: with two pages, the menu on top of each is not
    # "repeated on most pages", and was read as an area of statements ("All levels").
    cells = {(area, level): ["Aaa Aaa Aaa"] for area in ("Aaa", "Aaaa")
             for level in ("Level 1", "Level 2")}
    spec = Spec("Ladders", [FamilySpec("Engineering", ["Level 1", "Level 2"], ["Aaa", "Aaaa"],
                                       cells)])
    assert try_layout(spec, "md_file_per_level_weight", tmp_path) == []
