import random

from craftpath.core.compare import (
    Change,
    Segment,
    align,
    compare_levels,
    first_alike,
    similarity,
    word_diff,
)
from craftpath.core.model import Statement


def _statements(*texts):
    return tuple(Statement(f"s{i}", text) for i, text in enumerate(texts))


def test_level_4_to_level_3_per_area(seed_family):
    comparison = compare_levels(seed_family, seed_family.find_level("4"),
                                seed_family.find_level("3"))
    counts = {area.area.slug: (len(area.of(Change.ADDED)), len(area.of(Change.REWORDED)),
                               len(area.of(Change.DROPPED))) for area in comparison.areas}
    assert counts == {
        "ml-ops": (4, 0, 3),
        "ai-governance": (2, 0, 2),
        "ai-strategy": (2, 0, 2),
        "architecture-design": (0, 0, 0),
        "technical-strategy": (0, 0, 0),
        "machine-learning-and-deep-learning": (3, 2, 1),
        "edge-computing": (3, 1, 5),
    }
    assert (comparison.count(Change.ADDED), comparison.count(Change.REWORDED),
            comparison.count(Change.DROPPED)) == (14, 3, 13)


def test_a_reworded_statement_highlights_the_new_words(seed_family):
    comparison = compare_levels(seed_family, seed_family.find_level("4"),
                                seed_family.find_level("3"))
    ml = next(a for a in comparison.areas if a.area.slug == "machine-learning-and-deep-learning")
    research = next(c for c in ml.of(Change.REWORDED) if "academic research" in c.after.text)
    assert research.before.id == "machine-learning-and-deep-learning.level-4.2"
    assert Segment("removed", "research.") in research.segments
    assert Segment("added", "research confidently and efficiently, with optimisations where "
                   "applicable.") in research.segments


def test_word_diff_rebuilds_both_texts():
    before, after = "I can implement algorithms well.", "I can implement new algorithms fast."
    segments = word_diff(before, after)
    assert " ".join(s.text for s in segments if s.kind != "added") == before
    assert " ".join(s.text for s in segments if s.kind != "removed") == after


def test_align_pairs_best_matches_and_leaves_the_rest():
    before = _statements("I write tests for my code.", "I attend stand-up.")
    after = _statements("I write thorough tests for my team's code.", "I mentor others.")
    changes = align(before, after)
    assert [(c.change, c.before and c.before.id, c.after and c.after.id) for c in changes] == [
        (Change.REWORDED, "s0", "s0"), (Change.ADDED, None, "s1"), (Change.DROPPED, "s1", None)]


def test_identical_statements_are_kept():
    changes = align(_statements("Same words."), _statements("Same words."))
    assert [c.change for c in changes] == [Change.KEPT]


def test_similarity_ignores_case_and_punctuation():
    assert similarity("I DO things.", "i do things") == 1.0
    assert similarity("alpha beta", "gamma delta") == 0.0


# --- version to version -----------------------------------------------------------------------

from dataclasses import replace  # noqa: E402

from craftpath.core.compare import Mapping, compare_versions  # noqa: E402


def _edit_cell(family, area, level, statements):
    cells = tuple(replace(c, statements=statements) if (c.area, c.level) == (area, level) else c
                  for c in family.expectations)
    return replace(family, expectations=cells)


def _next_version(framework, family):
    return replace(framework, families=(family,))


def test_an_unchanged_version_keeps_every_statement(seed_framework):
    (changes,) = compare_versions(seed_framework, seed_framework)
    assert len(changes.of(Mapping.KEPT)) == 60 and len(changes.mappings) == 60
    assert changes.carried()["ml-ops.level-3.2"] == ("ml-ops.level-3.2",)


def test_a_packed_statement_split_in_two_is_a_split(seed_framework, seed_family):
    cell = seed_family.expectation("edge-computing", "level-1")
    first, packed = cell.statements
    track, ensure = packed.text.split(" I ensure ", 1)
    parts = (first, Statement("edge-computing.level-1.2", track),
             Statement("edge-computing.level-1.3", "I ensure " + ensure))
    family = _edit_cell(seed_family, "edge-computing", "level-1", parts)
    (changes,) = compare_versions(seed_framework, _next_version(seed_framework, family))
    # the old .2 keeps its id for the first half (reworded); the second half is new wording
    assert [(m.change, [s.id for s in m.old], [s.id for s in m.new])
            for m in changes.mappings if m.change is not Mapping.KEPT] == [
        (Mapping.REWORDED, ["edge-computing.level-1.2"], ["edge-computing.level-1.2"]),
        (Mapping.ADDED, [], ["edge-computing.level-1.3"]),
    ]


def test_renamed_ids_split_and_removed_statements_are_told_apart(seed_framework, seed_family):
    cell = seed_family.expectation("ai-governance", "level-1")
    whole = cell.statements[1]  # "I engage with … best practices. I recognise where …"
    engage, recognise = whole.text.split(" I recognise ", 1)
    parts = (Statement("gov-1a", engage), Statement("gov-1b", "I recognise " + recognise))
    family = _edit_cell(seed_family, "ai-governance", "level-1", (cell.statements[0], *parts))
    level5 = family.expectation("ml-ops", "level-5")
    family = _edit_cell(family, "ml-ops", "level-5", (
        replace(level5.statements[0], id="ops-5-tools"),))  # renamed; its sibling removed
    (changes,) = compare_versions(seed_framework, _next_version(seed_framework, family))
    summary = {(m.change, tuple(s.id for s in m.old), tuple(s.id for s in m.new))
               for m in changes.mappings if m.change is not Mapping.KEPT}
    assert summary == {
        (Mapping.REWORDED, ("ml-ops.level-5.1",), ("ops-5-tools",)),
        (Mapping.SPLIT, ("ai-governance.level-1.2",), ("gov-1a", "gov-1b")),
        (Mapping.REMOVED, ("ml-ops.level-5.2",), ()),
    }
    assert changes.carried()["ai-governance.level-1.2"] == ("gov-1a", "gov-1b")
    assert changes.carried()["ml-ops.level-5.2"] == ()


def test_a_statement_moved_to_another_level_is_a_move(seed_framework, seed_family):
    moving = seed_family.expectation("ai-governance", "level-5").statements[0]
    family = _edit_cell(seed_family, "ai-governance", "level-5", ())
    level4 = family.expectation("ai-governance", "level-4")
    family = _edit_cell(family, "ai-governance", "level-4", (
        *level4.statements, replace(moving, id="ai-governance.level-4.3")))
    (changes,) = compare_versions(seed_framework, _next_version(seed_framework, family))
    (moved,) = changes.of(Mapping.MOVED)
    assert (moved.old[0].id, moved.new[0].id) == ("ai-governance.level-5.1",
                                                  "ai-governance.level-4.3")


def test_a_statement_moved_with_its_id_kept_is_a_move(seed_framework, seed_family):
    from craftpath.core import edit
    from craftpath.core.compare import Mapping, compare_family_versions

    moved = edit.move_statement(seed_framework, seed_family.slug, "ml-ops.level-5.2",
                                "ai-strategy", "level-4")
    changes = compare_family_versions(seed_family, moved.families[0])
    assert [(m.old[0].id, m.new[0].id) for m in changes.of(Mapping.MOVED)] == \
        [("ml-ops.level-5.2", "ml-ops.level-5.2")]
    assert changes.carried()["ml-ops.level-5.2"] == ("ml-ops.level-5.2",)
    assert not changes.of(Mapping.REMOVED) and not changes.of(Mapping.ADDED)


def test_first_alike_finds_what_comparing_every_pair_in_order_finds():
    rng = random.Random(7)
    words = "a b c d e f the and of to x y".split()
    for _ in range(400):
        texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 9)))
                 for _ in range(rng.randint(0, 25))]
        threshold = rng.choice([0.0, 0.5, 0.75, 0.85, 1.0, 1.2])
        every_pair = []
        for index, text in enumerate(texts):
            alike = ((earlier, similarity(texts[earlier], text)) for earlier in range(index))
            every_pair.append(next((pair for pair in alike if pair[1] >= threshold), None))
        assert first_alike(texts, threshold) == every_pair, (texts, threshold)
