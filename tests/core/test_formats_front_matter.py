"""Front-matter Markdown (the Monzo shape): topics → levels → criteria."""

from __future__ import annotations

from pathlib import Path

from craftpath.core.formats import front_matter, load
from craftpath.core.formats.inputs import TextFile

PAGE = """\
---
title: "🛠️ Backend"
levels: 3
topics:
  - name: "impact"
    title: "💥 Impact"
    content:
      - level: 1
        criteria:
          - "Delivers tasks"
        exampleCriteria:
          - criteria: "Writes proposals"
            examples: ["A proposal"]
      - level: 3
        criteria: ["Leads projects"]
---
### About
Not framework data.
"""


def _read(text: str, hints=None):
    return front_matter.read([TextFile(Path("backend.md"), text)], hints)


def test_topics_become_areas_and_example_criteria_statements():
    framework, notes = _read(PAGE)
    family = framework.families[0]
    assert family.name == "Backend"
    assert [(level.code, level.missing) for level in family.levels] == [
        ("Level 1", False), ("Level 2", True), ("Level 3", False)]
    assert [area.name for area in family.areas] == ["Impact"]
    assert [s.text for s in family.expectation("impact", "level-1").statements] == [
        "Delivers tasks", "Writes proposals"]
    assert {d.code for d in notes} == {"CP315", "CP314", "CP316"}


def test_a_tab_in_the_front_matter_is_reported_with_its_line_and_recovered():
    broken = PAGE.replace('          - "Delivers tasks"', '          -\t"Delivers tasks"')
    framework, notes = _read(broken)
    tab = [d for d in notes if d.code == "CP310"]
    assert [(d.source.line, "tab" in d.message) for d in tab] == [(10, True)]
    assert framework.families[0].expectation("impact", "level-1").statements[0].text == \
        "Delivers tasks"


def test_an_unrecoverable_line_is_left_out_not_fatal():
    broken = PAGE.replace('    title: "💥 Impact"', '    title: "💥 Impact" : : [')
    framework, notes = _read(broken)
    assert framework is not None
    assert any(d.code == "CP310" and "left out" in d.message for d in notes)


def test_a_page_with_front_matter_but_no_topics_is_left_to_other_readers(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: x\n---\n## Level 1\n### Craft\nText.\n## Level 2\n### Craft\n"
                    "More.\n")
    assert front_matter.sniff(TextFile(page, page.read_text())) is None
    assert load([page]).reader == "document"
