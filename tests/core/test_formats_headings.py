"""Headings-and-bullets Markdown: levels as headings, areas as sub-headings or bold keywords."""

from __future__ import annotations

from craftpath.core.formats import headings, load

LADDER = """\
# Developer

## D1 - Developer 1

* **Adopts**: learns the tools
* **Learns**: learns from others

## D2 - Developer 2

* **Specializes**: goes deep
* **Supports**: helps others

# Other Pages

* [**Introduction**](README.md)
"""

README = """\
# Axes

* **Technology**: the tech stack
* **People**: the team

# Levels

## Technology

1. **Adopts**: learns the tools
2. **Specializes**: goes deep

## People

1. **Learns**: learns from others
2. **Supports**: helps others
"""


def test_keywords_find_their_area_through_the_readme_of_the_set(tmp_path):
    (tmp_path / "Developer.md").write_text(LADDER)
    (tmp_path / "README.md").write_text(README)
    loaded = load([tmp_path])
    family = loaded.framework.families[0]
    assert family.name == "Developer"
    assert [level.code for level in family.levels] == ["D1", "D2"]
    assert [(area.name, area.description) for area in family.areas] == [
        ("Technology", "the tech stack"), ("People", "the team")]
    assert [s.text for s in family.expectation("people", "d2").statements] == [
        "Supports: helps others"]
    assert any(d.code == "CP321" for d in loaded.diagnostics)


def test_without_definitions_changing_keywords_are_read_by_position_with_a_warning(tmp_path):
    (tmp_path / "Developer.md").write_text(LADDER)
    loaded = load([tmp_path / "Developer.md"])
    assert [area.name for area in loaded.framework.families[0].areas] == ["Area 1", "Area 2"]
    assert any(d.code == "CP025" for d in loaded.diagnostics)


def test_repeated_keywords_are_the_areas(tmp_path):
    page = tmp_path / "ladder.md"
    page.write_text("# Eng\n## Junior\n- **Craft**: writes code\n- **Team**: pairs\n"
                    "## Senior\n- **Craft**: designs\n- **Team**: mentors\n")
    family = load([page]).framework.families[0]
    assert [area.name for area in family.areas] == ["Craft", "Team"]
    assert family.expectation("team", "senior").statements[0].text == "mentors"


def test_areas_above_levels_and_depth_hints(tmp_path):
    page = tmp_path / "ladder.md"
    page.write_text("# Eng\n## Communication\n### Level 1\n- listens\n### Level 2\n- presents\n"
                    "## Delivery\n### Level 1\n- ships\n### Level 2\n- plans\n")
    family = load([page]).framework.families[0]
    assert [area.slug for area in family.areas] == ["communication", "delivery"]
    assert family.expectation("delivery", "level-2").statements[0].text == "plans"
    hinted = load([page], hints={"level_heading": "3", "area_heading": "2"})
    assert hinted.framework == load([page]).framework


def test_paragraphs_under_area_headings_are_statements_and_level_intros_are_not(tmp_path):
    page = tmp_path / "design.md"
    page.write_text("---\ntitle: \"🎯 Design\"\n---\n## Level 1\nIntro.\n### Craft\nYou draw.\n\n"
                    "---\n## Level 2\n### Craft\nYou lead.\n")
    family = load([page]).framework.families[0]
    assert family.name == "Design"
    assert [s.text for s in family.statements] == ["You draw.", "You lead."]


def test_a_page_without_level_headings_is_not_claimed():
    from pathlib import Path

    from craftpath.core.formats.inputs import TextFile
    faq = TextFile(Path("FAQ.md"), "# FAQ\n\n**Why?**\n\nBecause.\n")
    assert headings.sniff(faq) is None


def test_a_hints_file_gives_the_same_overrides_as_flags(tmp_path):
    import pytest

    from craftpath.core.formats import read_hints
    from craftpath.core.formats.inputs import InputError
    page = tmp_path / "ladder.md"
    page.write_text("# Eng\n## Communication\n### Level 1\n- listens\n### Level 2\n- presents\n")
    hints_file = tmp_path / "hints.yaml"
    hints_file.write_text("level_heading: 3\narea_heading: 2\nseparator: ';'\n")
    assert read_hints(hints_file) == {"level_heading": "3", "area_heading": "2", "separator": ";"}
    assert load([page], hints=read_hints(hints_file)).framework.families[0].areas[0].slug == \
        "communication"
    hints_file.write_text("- not\n- a mapping\n")
    with pytest.raises(InputError, match="key: value"):
        read_hints(hints_file)
