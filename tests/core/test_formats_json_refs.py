"""JSON with references (the MyUNiDAYS shape): role levels assembled from catalogue entries."""

from __future__ import annotations

import json

from craftpath.core.formats import load

CATALOGUE = {"title": "🍏 Core", "path": "core", "topics": [
    {"title": "🗣 Talking", "path": "talking", "summary": "How we talk.",
     "levels": [{"path": "1", "criteria": ["Listens", "Asks"]},
                {"path": "2", "criteria": ["Presents"]}]}]}
ROLES = {"title": "Eng", "departments": [{"title": "Dept", "path": "d", "roles": [
    {"title": "👷 Engineer", "path": "engineer", "levels": [
        {"title": "Junior Engineer", "path": "junior",
         "competencies": {"required": ["core/talking/1"]}},
        {"title": "Senior Engineer", "path": "senior",
         "competencies": {"required": ["core/talking/2"], "optional": ["core/nothing/9"]}},
    ]}]}]}


def test_role_levels_take_the_criteria_they_reference(tmp_path):
    (tmp_path / "core.json").write_text(json.dumps(CATALOGUE))
    (tmp_path / "roles.json").write_text(json.dumps(ROLES))
    (tmp_path / "schema.json").write_text('{"$schema": "http://json-schema.org/draft-07/schema#"}')
    loaded = load([tmp_path])
    family = loaded.framework.families[0]
    assert (family.slug, family.name) == ("engineer", "Engineer")
    assert [level.slug for level in family.levels] == ["junior", "senior"]
    assert [(area.name, area.description) for area in family.areas] == [
        ("Talking", "How we talk.")]
    assert [s.text for s in family.expectation("talking", "junior").statements] == [
        "Listens", "Asks"]
    broken = [d for d in loaded.diagnostics if d.code == "CP334"]
    assert "core/nothing/9" in broken[0].message
    assert "departments[0].roles[0].levels[1].competencies.optional[0]" in broken[0].message
    assert any(d.code == "CP001" and "Schema" in d.message for d in loaded.diagnostics)


def test_a_catalogue_alone_is_a_family_of_its_own_levels(tmp_path):
    (tmp_path / "core.json").write_text(json.dumps(CATALOGUE))
    family = load([tmp_path]).framework.families[0]
    assert [level.code for level in family.levels] == ["1", "2"]
    assert len(family.statements) == 3
