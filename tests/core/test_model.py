from craftpath.core.model import Source, slugify, statement_id


def test_levels_are_found_by_code_number_name_or_slug(seed_family):
    for query in ["Level 3", "3", "Senior", "senior", "level-3", "Level 3 (Senior)"]:
        assert seed_family.find_level(query).code == "Level 3"
    assert seed_family.find_level("Level 9") is None
    assert seed_family.find_level("") is None


def test_next_and_previous_levels_skip_the_missing_one(seed_family):
    level3, level1 = seed_family.find_level("3"), seed_family.find_level("1")
    assert seed_family.next_level(level3) == level1
    assert seed_family.previous_level(level1) == level3
    assert seed_family.next_level(level1) is None
    assert seed_family.previous_level(seed_family.find_level("Junior")) is None


def test_areas_are_found_by_slug_or_name(seed_family):
    assert seed_family.find_area("ML Ops").slug == "ml-ops"
    assert seed_family.find_area("edge-computing").name == "Edge Computing"
    assert seed_family.find_area("Cooking") is None


def test_sources_never_take_part_in_equality(seed_family):
    from dataclasses import replace
    statement = seed_family.statements[0]
    assert replace(statement, source=Source("elsewhere.md", 99)) == statement


def test_slugs_and_statement_ids():
    assert slugify("Machine Learning and Deep Learning") == "machine-learning-and-deep-learning"
    assert slugify("  Café / Ops!  ") == "cafe-ops"
    assert statement_id("ml-ops", "level-3", 2) == "ml-ops.level-3.2"
