from craftpath.core.text import find_terms, is_gap, sentences, split_statements


def test_statements_split_on_runs_of_br_with_whitespace_normalised():
    cell = "I do A.  <br><br>I do   B.<br/><BR> I do C. "
    assert split_statements(cell) == ["I do A.", "I do B.", "I do C."]


def test_todo_in_any_case_and_empty_cells_are_gaps():
    assert all(is_gap(text) for text in ["TODO", "todo", " Todo. ", "", "   "])
    assert not is_gap("I do things")
    assert split_statements("TODO") == []


def test_inline_markdown_is_kept():
    assert split_statements("I use **Git** and [DVC](https://dvc.org)") == [
        "I use **Git** and [DVC](https://dvc.org)"]


def test_a_starred_phrase_runs_back_to_the_nearest_capitalised_word():
    assert find_terms("take MLOps goals* into consideration") == [("mlops-goals", "MLOps goals")]
    assert find_terms("I am proficient in ML development lifecycle* and can design") == [
        ("ml-development-lifecycle", "ML development lifecycle")]


def test_a_starred_lowercase_phrase_is_the_last_word_only():
    assert find_terms("our runbooks* matter") == [("runbooks", "runbooks")]


def test_emphasis_and_bold_are_not_terms():
    assert find_terms("I *really* care about **quality**") == []


def test_sentences_split_after_full_stops_before_capitals():
    assert sentences("I do A. I do B. e.g. not this") == ["I do A.", "I do B. e.g. not this"]
