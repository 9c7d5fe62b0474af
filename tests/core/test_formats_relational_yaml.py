"""Relational YAML/JSON: levels, areas and a flat list of competencies joined by id."""

from __future__ import annotations

import json

from craftpath.core.formats import load, relational_yaml
from craftpath.core.formats.inputs import TextFile

SMALL = """\
name: Data
levels:
  - {id: l1, name: Level 1}
  - {id: l2, name: Level 2}
areas:
  - {id: craft, name: Craft, description: Building things.}
competencies:
  - {level: l1, area: craft, text: "Writes tests."}
  - {level: l2, area: craft, text: "1. Designs systems.\\n2. Reviews designs.\\n"}
  - {level: l2, area: people, text: "Mentors."}
  - {level: l9, area: craft, text: "Lost."}
"""


def test_a_flat_list_rebuilds_the_grid_and_names_what_it_cannot_place(tmp_path):
    path = tmp_path / "data.yml"
    path.write_text(SMALL)
    loaded = load([path])
    family = loaded.framework.families[0]
    assert loaded.reader == "relational-yaml"
    assert [level.slug for level in family.levels] == ["l1", "l2"]
    assert [area.slug for area in family.areas] == ["craft", "people"]
    assert family.areas[0].description == "Building things."
    assert [s.text for s in family.expectation("craft", "l2").statements] == [
        "Designs systems.", "Reviews designs."]
    codes = {(d.code, d.source.line) for d in loaded.diagnostics}
    assert ("CP304", 10) in codes  # area `people` is not listed
    assert ("CP303", 11) in codes  # level l9 is not listed


def test_json_reads_the_same_as_yaml(tmp_path):
    import yaml
    (tmp_path / "a.yml").write_text(SMALL)
    (tmp_path / "b.json").write_text(json.dumps(yaml.safe_load(SMALL)))
    assert load([tmp_path / "a.yml"]).framework == load([tmp_path / "b.json"]).framework


def test_hints_pick_other_keys_and_a_separator(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("levels: [{id: a}, {id: b}]\nskills: [{id: s}]\n"
                    "competencies: [{level: a, area: s, text: 'one; two'}]\n")
    framework, _ = relational_yaml.read([TextFile(path, path.read_text())],
                                        {"areas_key": "skills", "separator": ";"})
    cell = framework.families[0].expectation("s", "a")
    assert [s.text for s in cell.statements] == ["one", "two"]


def test_not_a_mapping_is_a_diagnostic():
    framework, notes = relational_yaml.read([TextFile(__import__("pathlib").Path("x.yml"),
                                                      "- just\n- a list\n")])
    assert framework is None
    assert notes[0].code == "CP300"
