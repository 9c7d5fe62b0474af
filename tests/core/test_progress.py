from craftpath.core.model import DEFAULT_SCALE
from craftpath.core.progress import (
    NOT_APPLICABLE,
    Rating,
    Scale,
    area_trend,
    level_coverage,
    readiness,
)

SCALE = Scale.of(DEFAULT_SCALE)


def test_meets_and_above_cover_on_the_default_scale():
    assert SCALE.covering_labels == ("Meets", "Exceeds")
    assert SCALE.covers("Exceeds") and not SCALE.covers("Working towards")
    assert Scale.of(("Low", "Mid", "High")).covering_labels == ("Mid", "High")


def test_coverage_of_a_level_per_area_with_reasons(seed_family):
    level = seed_family.find_level("Senior")
    ratings = {
        "ml-ops.level-3.1": Rating("Meets"),
        "ml-ops.level-3.2": Rating("Exceeds"),
        "ml-ops.level-3.3": Rating("Working towards"),
        "ml-ops.level-3.4": Rating(NOT_APPLICABLE, "no cloud work on my team"),
    }
    by_area = {c.area.slug: c for c in level_coverage(seed_family, level, ratings, SCALE)}
    ml_ops = by_area["ml-ops"]
    assert (ml_ops.count("covered"), ml_ops.applicable, round(ml_ops.share, 2)) == (2, 3, 0.67)
    assert ml_ops.reasons[0] == "2 of 3 applicable statements rated Meets or Exceeds"
    assert ml_ops.reasons[1].startswith("rated Working towards: I can make recommendations")
    assert ml_ops.reasons[2].startswith("not applicable (no cloud work on my team): I am an")
    assert by_area["architecture-design"].gap
    assert by_area["architecture-design"].share is None
    assert by_area["ai-governance"].reasons[1].startswith("not rated yet: I can identify")


def test_tracks_limit_the_areas(seed_family):
    level = seed_family.find_level("4")
    areas = [c.area.slug for c in level_coverage(seed_family, level, {}, SCALE,
                                                 tracks=("all", "edge-ml-engineer"))]
    assert "machine-learning-and-deep-learning" not in areas and "edge-computing" in areas


def test_readiness_looks_at_the_next_present_level(seed_family):
    result = readiness(seed_family, seed_family.find_level("3"), {}, SCALE)
    assert result.next_level.code == "Level 1"  # Level 2 is missing
    assert len(result.current) == len(result.toward_next) == 7
    assert readiness(seed_family, seed_family.find_level("1"), {}, SCALE).toward_next == ()


def test_trend_per_area_across_check_ins(seed_family):
    level = seed_family.find_level("5")
    first = {"ai-governance.level-5.1": Rating("Working towards")}
    second = {"ai-governance.level-5.1": Rating("Meets")}
    trend = area_trend(seed_family, level, [("2026-Q1", first), ("2026-Q2", second)], SCALE)
    assert trend["ai-governance"] == [("2026-Q1", 0.0), ("2026-Q2", 1.0)]
    assert trend["technical-strategy"] == [("2026-Q1", None), ("2026-Q2", None)]
