"""Editing a framework: each edit returns a new framework, ids stay stable through rewording
and moves, new statements get new ids, and what cannot be done is refused with a reason."""

from pathlib import Path

import pytest

from craftpath.core import edit
from craftpath.core.compare import Mapping, compare_family_versions
from craftpath.core.formats import canonical
from craftpath.core.formats.inputs import TextFile
from craftpath.core.lint import lint

FAMILY = "ml-and-edge-ml-engineer-craft"


def family(framework):
    return framework.find_family(FAMILY)


def ids_in(framework, area, level):
    cell = family(framework).expectation(area, level)
    return [s.id for s in cell.statements] if cell else []


def round_trip(framework):
    """Written out and read back, as a draft is after every edit."""
    read, notes = canonical.read_text(TextFile(Path("draft.yaml"), canonical.dumps(framework)))
    assert not [n for n in notes if n.is_error], notes
    return read


def test_rewording_keeps_the_id_and_the_rest(seed_framework):
    changed = edit.reword_statement(seed_framework, FAMILY, "ml-ops.level-5.1",
                                    "I use my team's ML tools well.")
    cell, statement = edit.find_statement(family(changed), "ml-ops.level-5.1")
    assert statement.text == "I use my team's ML tools well."
    assert ids_in(changed, "ml-ops", "level-5") == ids_in(seed_framework, "ml-ops", "level-5")
    assert family(seed_framework).statements[0].text != statement.text  # input untouched
    assert round_trip(changed) == changed


def test_a_new_statement_gets_an_id_never_used_before(seed_framework):
    reserved = frozenset({"ml-ops.level-5.3"})  # say the base version had a .3 once
    changed, new_id = edit.add_statement(seed_framework, FAMILY, "ml-ops", "level-5",
                                         "I write down what I learn.", reserved=reserved)
    assert new_id == "ml-ops.level-5.4"
    assert ids_in(changed, "ml-ops", "level-5")[-1] == new_id
    again, second = edit.add_statement(changed, FAMILY, "ml-ops", "level-5", "Another.",
                                       position=0)
    assert second == "ml-ops.level-5.5" and ids_in(again, "ml-ops", "level-5")[0] == second


def test_adding_to_a_gap_fills_it(seed_framework):
    assert family(seed_framework).expectation("architecture-design", "level-5").is_gap
    changed, new_id = edit.add_statement(seed_framework, FAMILY, "architecture-design",
                                         "level-5", "I sketch the design of my own work.")
    cell = family(changed).expectation("architecture-design", "level-5")
    assert [s.id for s in cell.statements] == [new_id] and cell.gap_text == ""
    assert round_trip(changed) == changed


def test_moving_keeps_the_id_and_compare_calls_it_moved(seed_framework):
    changed = edit.move_statement(seed_framework, FAMILY, "ml-ops.level-5.2", "ai-strategy",
                                  "level-4", position=0)
    assert ids_in(changed, "ml-ops", "level-5") == ["ml-ops.level-5.1"]
    assert ids_in(changed, "ai-strategy", "level-4")[0] == "ml-ops.level-5.2"
    mapping = compare_family_versions(family(seed_framework), family(changed))
    # Same id, another cell: a move, and the rating carries to it.
    assert [(m.old[0].id, m.new[0].id) for m in mapping.of(Mapping.MOVED)] == \
        [("ml-ops.level-5.2", "ml-ops.level-5.2")]
    assert mapping.carried()["ml-ops.level-5.2"] == ("ml-ops.level-5.2",)
    assert round_trip(changed) == changed


def test_split_gives_new_ids_and_compare_sees_a_split(seed_framework):
    _, old = edit.find_statement(family(seed_framework), "ml-ops.level-5.1")
    # "I work effectively with the ML tools and software packages used by my team."
    changed, new_ids = edit.split_statement(
        seed_framework, FAMILY, "ml-ops.level-5.1",
        ["I work effectively with the ML tools used by my team.",
         "I work effectively with the software packages used by my team.", "  "])
    assert len(new_ids) == 2 and "ml-ops.level-5.1" not in new_ids
    assert ids_in(changed, "ml-ops", "level-5") == [*new_ids, "ml-ops.level-5.2"]
    splits = compare_family_versions(family(seed_framework), family(changed)).of(Mapping.SPLIT)
    assert [(m.old[0].id, [s.id for s in m.new]) for m in splits] == [(old.id, new_ids)]


def test_merge_puts_one_new_statement_where_the_first_was(seed_framework):
    first, second = ids_in(seed_framework, "ml-ops", "level-5")
    texts = [s.text for s in family(seed_framework).expectation("ml-ops", "level-5").statements]
    changed, new_id = edit.merge_statements(seed_framework, FAMILY, [first, second],
                                            " ".join(texts))
    assert ids_in(changed, "ml-ops", "level-5") == [new_id]
    merged = compare_family_versions(family(seed_framework), family(changed)).of(Mapping.MERGED)
    assert [sorted(s.id for s in m.old) for m in merged] == [sorted([first, second])]


def test_delete_and_the_ids_it_leaves_are_not_reused(seed_framework):
    changed = edit.delete_statement(seed_framework, FAMILY, "ml-ops.level-5.2")
    assert ids_in(changed, "ml-ops", "level-5") == ["ml-ops.level-5.1"]
    base_ids = frozenset(s.id for s in family(seed_framework).statements)
    _, new_id = edit.add_statement(changed, FAMILY, "ml-ops", "level-5", "New.",
                                   reserved=base_ids)
    assert new_id == "ml-ops.level-5.3"


def test_levels_add_rename_reorder_and_mark_missing(seed_framework):
    changed, slug = edit.add_level(seed_framework, FAMILY, "Level 0", "Distinguished",
                                   number=0)
    assert family(changed).levels[-1].slug == slug == "level-0"
    assert family(changed).levels[-1].rank == len(family(changed).levels) - 1
    changed = edit.rename_level(changed, FAMILY, "level-3", "Level 3", "Senior+", number=3)
    assert family(changed).find_level("level-3").name == "Senior+"
    assert ids_in(changed, "ml-ops", "level-3") == ids_in(seed_framework, "ml-ops", "level-3")
    changed = edit.move_level(changed, FAMILY, "level-0", 0)
    assert [lv.slug for lv in family(changed).levels][:2] == ["level-0", "level-5"]
    assert family(changed).find_level("level-0").rank == 0
    changed = edit.set_level_missing(changed, FAMILY, "level-2", False)
    assert not family(changed).find_level("level-2").missing
    changed, _ = edit.add_statement(changed, FAMILY, "ml-ops", "level-2", "I lead MLOps.")
    with pytest.raises(edit.EditError, match="has 1 statement"):
        edit.set_level_missing(changed, FAMILY, "level-2", True)
    assert round_trip(changed) == changed


def test_refusals_name_the_field(seed_framework):
    with pytest.raises(edit.EditError) as empty:
        edit.reword_statement(seed_framework, FAMILY, "ml-ops.level-5.1", "   ")
    assert empty.value.field == "text"
    with pytest.raises(edit.EditError, match="already has a level"):
        edit.add_level(seed_framework, FAMILY, "level 3")
    with pytest.raises(edit.EditError, match="another level .* number 4"):
        edit.rename_level(seed_framework, FAMILY, "level-3", "Level 3", number=4)
    with pytest.raises(edit.EditError, match="no statement"):
        edit.delete_statement(seed_framework, FAMILY, "nope")
    with pytest.raises(edit.EditError, match="marked missing"):
        edit.add_statement(seed_framework, FAMILY, "ml-ops", "level-2", "x")
    with pytest.raises(edit.EditError, match="at least two parts"):
        edit.split_statement(seed_framework, FAMILY, "ml-ops.level-5.1", ["only one"])
    with pytest.raises(edit.EditError, match="still has"):
        edit.remove_area(seed_framework, FAMILY, "ml-ops")
    with pytest.raises(edit.EditError, match="twice"):
        edit.set_scale(seed_framework, ["Low", "High", "low"])
    with pytest.raises(edit.EditError, match="no family"):
        edit.add_track(seed_framework, "nope", "X")


def test_tracks_and_areas(seed_framework):
    changed, track = edit.add_track(seed_framework, FAMILY, "Research")
    changed, area = edit.add_area(changed, FAMILY, track, "Papers", "Reading and writing.")
    assert family(changed).find_area(area).description == "Reading and writing."
    changed = edit.rename_area(changed, FAMILY, "ml-ops", "ML Operations")
    assert family(changed).find_area("ml-ops").name == "ML Operations"
    changed = edit.move_area(changed, FAMILY, "edge-computing", track, 0)
    assert [a.slug for a in family(changed).tracks[-1].areas] == ["edge-computing", area]
    assert ids_in(changed, "edge-computing", "level-3") == \
        ids_in(seed_framework, "edge-computing", "level-3")
    changed = edit.rename_track(changed, FAMILY, track, "Research and papers")
    changed = edit.move_track(changed, FAMILY, track, 0)
    assert family(changed).tracks[0].name == "Research and papers"
    changed = edit.remove_area(changed, FAMILY, area)
    changed = edit.move_area(changed, FAMILY, "edge-computing", "edge-ml-engineer")
    changed = edit.remove_track(changed, FAMILY, track)
    assert [t.slug for t in family(changed).tracks] == \
        [t.slug for t in family(seed_framework).tracks]
    assert round_trip(changed) == changed


def test_terms_scale_and_name(seed_framework):
    changed, slug = edit.set_term(seed_framework, "MLOps goals", "What MLOps is for.")
    assert changed.find_term(slug).definition == "What MLOps is for."
    codes = {d.code for d in lint(changed)} - {d.code for d in lint(seed_framework)}
    assert not codes
    assert "CP106" in {d.code for d in lint(seed_framework)}
    with pytest.raises(edit.EditError, match="still mark"):
        edit.remove_term(changed, slug)
    changed, extra = edit.set_term(changed, "Blast radius", "How far a failure reaches.")
    changed = edit.remove_term(changed, extra)
    assert changed.find_term(extra) is None
    changed = edit.set_scale(changed, ["Not yet", "Sometimes", "Consistently"])
    changed = edit.set_name(changed, "Vaarst Framework", "2026.1")
    assert (changed.name, changed.version, changed.scale[1]) == \
        ("Vaarst Framework", "2026.1", "Sometimes")
    assert round_trip(changed) == changed
