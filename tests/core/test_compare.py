from craftpath.core.compare import Change, Segment, align, compare_levels, similarity, word_diff
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
