"""Numbers with their nouns on the pages: never "(s)"."""

from craftpath.web.words import counted


def test_one_is_singular_and_every_other_number_plural():
    assert counted(1, "statement") == "1 statement"
    assert counted(0, "statement") == "0 statements"
    assert counted(3, "check-in") == "3 check-ins"


def test_a_noun_with_its_own_plural():
    assert counted(1, "person", "people") == "1 person"
    assert counted(2, "person", "people") == "2 people"
