"""The inference's general rules (the importer issue), each tested on frameworks drawn from many
seeds and written in the shape that breaks it (tests/core/layout_rules.py), imported with no
hint: a bold name before a list is an area, a wrapper on every page is nothing, ladders that
share level numbers are apart, a level with different areas stays, distractors stay out, and a
series file beside a grid file is kept."""

from __future__ import annotations

import pytest
from layout_rules import RULES, random_spec, try_rule

SEEDS = range(12)


@pytest.mark.parametrize("rule", RULES)
def test_every_seed_comes_back_from_this_rule_layout(rule, tmp_path):
    failures = {seed: problems for seed in SEEDS
                if (problems := try_rule(rule, seed, tmp_path / str(seed)))}
    assert failures == {}


def test_the_seeds_draw_different_frameworks():
    # the seeds are worth running only if they vary the shape: level names, counts, areas
    shapes = {(tuple(f.levels), tuple(f.areas)) for seed in SEEDS
              for f in random_spec(seed).families}
    assert len(shapes) == len(SEEDS)
    assert len({len(random_spec(seed).families[0].levels) for seed in SEEDS}) >= 3


def test_items_no_level_could_hold_are_a_warning_with_file_and_line(tmp_path):
    from layout_rules import intro_sections_before_series
    from layouts import write

    from craftpath.core.formats import load

    _, written = intro_sections_before_series(3)
    write(written, tmp_path)
    (name, text), = written.files.items()
    warnings = [d for d in load([tmp_path]).diagnostics if d.code == "CP026"]
    lines = text.splitlines()
    assert [(d.source.file, d.source.line) for d in warnings] == [
        (str(tmp_path / name), lines.index("- We grow people before titles") + 1),
        (str(tmp_path / name), lines.index("- Your manager writes the case") + 1)]
    assert "2 list item(s) under 'Our principles'" in warnings[0].message
