"""The seed pages read exactly, and written back in the same style."""

import random
import re
from pathlib import Path

from craftpath.core.formats import jtd, load
from craftpath.core.formats.inputs import TextFile
from craftpath.core.model import Severity
from craftpath.core.summary import summarise


def test_the_seeds_give_exactly_the_expected_counts(seed_framework):
    assert summarise(seed_framework)["totals"] == {
        "families": 1, "levels_present": 4, "levels_missing": 1, "tracks": 3, "areas": 7,
        "cells": 28, "gaps": 8, "statements": 60, "terms": 2,
    }


def test_framework_and_family_come_from_grand_parent_and_parent(seed_framework, seed_family):
    assert seed_framework.name == "Vaarst Career Framework"
    assert (seed_family.slug, seed_family.name) == (
        "ml-and-edge-ml-engineer-craft", "ML and Edge ML Engineer Craft")


def test_levels_run_junior_to_head_of_with_level_2_missing(seed_family):
    assert [(lv.code, lv.rank, lv.number, lv.name, lv.missing) for lv in seed_family.levels] == [
        ("Level 5", 0, 5, "Junior", False),
        ("Level 4", 1, 4, "Mid", False),
        ("Level 3", 2, 3, "Senior", False),
        ("Level 2", 3, 2, "", True),
        ("Level 1", 4, 1, "Head Of", False),
    ]
    assert [lv.title for lv in seed_family.present_levels] == [
        "Junior ML and Edge ML Engineer", "ML and Edge ML Engineer",
        "Senior ML and Edge ML Engineer", "Head of ML and Edge ML"]
    level3 = seed_family.find_level("3")
    assert (level3.page.permalink, level3.page.nav_order) == ("/careerframework/mlengineer/level3",
                                                              3)


def test_tracks_and_areas_keyed_by_anchor_slug(seed_family):
    assert [(t.slug, t.name, [a.slug for a in t.areas]) for t in seed_family.tracks] == [
        ("all", "All", ["ml-ops", "ai-governance", "ai-strategy", "architecture-design",
                        "technical-strategy"]),
        ("ml-engineer", "ML Engineer", ["machine-learning-and-deep-learning"]),
        ("edge-ml-engineer", "Edge ML Engineer", ["edge-computing"]),
    ]
    ml_ops = seed_family.find_area("ml-ops")
    assert (ml_ops.name, ml_ops.link) == ("ML Ops", "/careerframework/mlengineer#ml-ops")


def test_the_bare_craft_section_of_level_5_is_the_shared_core(seed_family):
    level5 = seed_family.find_level("5")
    assert dict(level5.page.section_headings)["all"] == "Craft"
    assert seed_family.expectation("ml-ops", "level-5").statements[0].text == (
        "I work effectively with the ML tools and software packages used by my team.")


def test_todo_cells_are_gaps_never_statements(seed_family):
    gaps = [(c.area, c.level, c.gap_text) for c in seed_family.expectations if c.is_gap]
    assert sorted(gaps) == sorted(
        (area, f"level-{n}", "TODO") for area in ("architecture-design", "technical-strategy")
        for n in (5, 4, 3, 1))
    assert not any(s.text.upper() == "TODO" for s in seed_family.statements)


def test_statements_have_stable_ids_and_normalised_text(seed_family):
    cell = seed_family.expectation("ai-strategy", "level-1")
    assert [s.id for s in cell.statements] == [
        "ai-strategy.level-1.1", "ai-strategy.level-1.2", "ai-strategy.level-1.3"]
    assert cell.statements[1].text == ("I am capable of owning the overall strategy for machine "
                                       "learning, and associated data requirements at Vaarst.")
    assert all(s.text == s.text.strip() and "  " not in s.text for s in seed_family.statements)


def test_starred_phrases_become_term_references(seed_framework, seed_family):
    assert [(t.slug, t.name) for t in seed_framework.terms] == [
        ("ml-development-lifecycle", "ML development lifecycle"), ("mlops-goals", "MLOps goals")]
    marked = {s.id: s.terms for s in seed_family.statements if s.terms}
    assert marked == {
        "ml-ops.level-3.1": ("mlops-goals",),
        "ai-strategy.level-4.2": ("ml-development-lifecycle",),
        "ai-strategy.level-3.2": ("ml-development-lifecycle",),
    }


def test_the_broken_last_row_of_level_1_is_read_whole_with_a_warning(seed_load, seed_family):
    cell = seed_family.expectation("edge-computing", "level-1")
    assert len(cell.statements) == 2
    assert cell.statements[1].text.endswith("security and maintainability.")
    broken = [d for d in seed_load.diagnostics if d.code == "CP105"]
    assert len(broken) == 1
    assert broken[0].severity is Severity.WARNING
    assert Path(broken[0].source.file).name == "002_ad24427b1e113506.txt"
    assert broken[0].source.line == 33


def test_pages_in_any_order_give_the_same_framework(seed_pages, seed_framework):
    shuffled = seed_pages[:]
    random.Random(7).shuffle(shuffled)
    assert load(list(reversed(seed_pages))).framework == seed_framework
    assert load(shuffled).framework == seed_framework


def test_the_folder_readme_is_skipped_with_a_note(seed_load):
    skipped = [d for d in seed_load.diagnostics if d.code == "CP001"]
    assert [Path(d.source.file).name for d in skipped] == ["README.md"]
    assert seed_load.reader == "jtd-markdown"


def test_read_write_read_gives_an_equal_framework(seed_framework, tmp_path):
    jtd.write(seed_framework, tmp_path)
    assert load([tmp_path]).framework == seed_framework


def _normalised(text: str) -> str:
    """Page text with every whitespace character removed: what remains must match exactly."""
    return re.sub(r"\s+", "", text)


def test_regenerated_pages_differ_only_in_whitespace(seed_framework, seed_pages):
    originals = {}
    for page in seed_pages:
        text = page.read_text(encoding="utf-8")
        level = re.search(r"^title: (.*)$", text, re.MULTILINE).group(1)
        originals[level] = _normalised(text)
    regenerated = {level.label: _normalised(text)
                   for _, level, text in jtd.render_pages(seed_framework)}
    assert regenerated.keys() == originals.keys()
    for label, text in regenerated.items():
        # the repaired row differs only in whitespace too: its closing `|` sat alone after
        # blank lines, and is written on the row's own line
        assert text == originals[label], label


def test_a_page_without_front_matter_or_level_is_a_diagnostic_not_a_crash():
    framework, notes = jtd.read([TextFile(Path("x.md"), "# Hello\n\n|a|b|\n")])
    assert framework is None
    assert [(d.code, d.source.line) for d in notes] == [("CP010", 1)]
    framework, notes = jtd.read([TextFile(Path("y.md"), "---\ntitle: About us\n---\n# Hi\n")])
    assert framework is None and [d.code for d in notes] == ["CP012"]


def test_invalid_front_matter_names_its_line():
    text = "---\ntitle: Level 3\nparent: [oops\n---\n# X - Level 3\n"
    _, notes = jtd.read([TextFile(Path("p.md"), text)])
    assert notes[0].code == "CP010" and notes[0].source.line >= 3


def test_two_pages_for_one_level_keep_the_first_and_say_so(seed_pages):
    files = [TextFile(p, p.read_text()) for p in seed_pages]
    framework, notes = jtd.read(files + [TextFile(Path("copy.md"), files[0].text)])
    assert summarise(framework)["totals"]["statements"] == 60
    assert [(d.code, d.source.file) for d in notes if d.is_error] == [("CP014", "copy.md")]


def test_without_nav_order_seniority_words_still_order_the_levels(seed_pages):
    files = [TextFile(p, re.sub(r"^nav_order: \d+\n", "", p.read_text(), flags=re.MULTILINE))
             for p in seed_pages]
    framework, _ = jtd.read(files)
    assert [lv.code for lv in framework.families[0].levels] == [
        "Level 5", "Level 4", "Level 3", "Level 2", "Level 1"]


def test_every_element_keeps_the_file_and_line_it_came_from(seed_framework, seed_family):
    elements = [seed_family, *seed_family.present_levels, *seed_family.tracks,
                *seed_family.areas, *seed_family.expectations, *seed_family.statements,
                *seed_framework.terms]
    for element in elements:
        assert element.source.file.endswith(".txt") and element.source.line > 0, element
    assert str(seed_family.find_area("edge-computing").source).endswith("003_263da7a4b235eeb1"
                                                                          ".txt:33")
