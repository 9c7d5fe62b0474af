"""`craftpath match`: JSON lines in, one line of suggestions per item out; bad lines named."""

import json

import pytest

from craftpath.cli import main


@pytest.fixture
def run(capsys):
    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def write_items(path, *lines):
    path.write_text("\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n")
    return path


def test_each_item_gets_its_suggestions_with_reasons(run, seeds_dir, tmp_path):
    items = write_items(
        tmp_path / "items.jsonl",
        {"id": 1, "text": "Profiled the detector on the Jetson and fixed two performance "
                          "bottlenecks", "level": "Mid"},
        "",
        {"id": "b", "text": "Presented the experiment results to the product team",
         "level": 3, "family": "ml-and-edge-ml-engineer-craft"})
    code, out, err = run("match", seeds_dir, "--input", items, "--json")
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == [1, "b"]
    first = results[0]["suggestions"]
    assert len(first) == 3
    assert first[0]["statement"] == "edge-computing.level-3.2"
    assert set(first[0]) == {"statement", "score", "why"}
    assert "“performance bottlenecks”" in first[0]["why"]
    # level and next: Level 4 (Mid) and Level 3 (Senior) only
    assert all(s["statement"].split(".")[1] in {"level-4", "level-3"} for s in first)
    assert "all-MiniLM-L6-v2-onnx-int8" in err


def test_family_scope_ranks_every_level_and_level_is_optional(run, seeds_dir, tmp_path):
    items = write_items(tmp_path / "items.jsonl",
                        {"id": 7, "text": "I own the ML strategy for the whole company"})
    code, out, _ = run("match", seeds_dir, "--input", items, "--scope", "family", "--top", 5,
                       "--json")
    assert code == 0
    suggestions = json.loads(out)["suggestions"]
    assert len(suggestions) == 5
    # AI Strategy leads and holds four of the five; the third to fifth scores lie within
    # 0.01 of each other, close enough for an ONNX Runtime release to swap one of them with
    # an ML Ops statement (1.32 puts ml-ops.level-5.1 third by 0.003).
    assert suggestions[0]["statement"].startswith("ai-strategy.")
    assert sum(s["statement"].startswith("ai-strategy.") for s in suggestions) >= 4
    # every level is in scope, not only one and the next
    assert len({s["statement"].split(".")[1] for s in suggestions}) >= 3


def test_bad_lines_are_named_by_number_and_nothing_is_printed(run, seeds_dir, tmp_path):
    items = write_items(tmp_path / "bad.jsonl",
                        {"id": 1, "text": "fine", "level": "Senior"},
                        "{not json",
                        {"id": 3, "text": "no level"},
                        {"id": 4, "text": "x", "level": "Level 9"},
                        {"text": "no id", "level": 3},
                        "[1, 2]")
    code, out, err = run("match", seeds_dir, "--input", items, "--json")
    assert code == 2 and out == ""
    assert f"{items}:2: not JSON" in err
    assert f"{items}:3: \"level\" is needed with --scope next" in err
    assert f"{items}:4: no level 'Level 9' in ML and Edge ML Engineer Craft" in err
    assert f"{items}:5: no \"id\"" in err
    assert f"{items}:6: expected a JSON object" in err
    assert ":1:" not in err


def test_a_missing_input_file_is_one_line(run, seeds_dir, tmp_path):
    code, _, err = run("match", seeds_dir, "--input", tmp_path / "nope.jsonl")
    assert code == 2
    assert err.startswith("craftpath: error: ") and "nope.jsonl" in err
    assert "Traceback" not in err


def test_text_output_lists_statements_under_each_id(run, seeds_dir, tmp_path):
    items = write_items(tmp_path / "items.jsonl",
                        {"id": "x", "text": "Monitored model drift", "level": "Junior"})
    code, out, _ = run("match", seeds_dir, "--input", items, "--top", 1)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "x:" and len(lines) == 2 and "area " in lines[1]


def test_without_the_assistant_extra_bm25_answers_and_one_line_says_so(run, seeds_dir, tmp_path,
                                                                      without_assistant_extra):
    items = write_items(
        tmp_path / "items.jsonl",
        {"id": 1, "text": "Optimised code for the platform to remove performance bottlenecks",
         "level": "Senior"})
    code, out, err = run("match", seeds_dir, "--input", items, "--json")
    assert code == 0
    assert err.splitlines() == [
        "craftpath match: BM25 only: no embedding model (onnxruntime, tokenizers, numpy not "
        "installed; pip install 'craftpath[assistant]' for the embedding model)"]
    suggestions = json.loads(out)["suggestions"]
    assert suggestions[0]["statement"] == "edge-computing.level-3.2"
    assert set(suggestions[0]) == {"statement", "score", "why"}


JARGON_ITEM = {"id": 1, "text": "Ran the quarterly zorblat quindle calibration", "level": "Mid"}
JARGON_LINKS = [{"text": f"Led the zorblat quindle calibration {n}",
                 "statement": "edge-computing.level-4.1"} for n in range(6)]


def test_past_links_teach_the_ranker_and_the_reason_says_so(run, seeds_dir, tmp_path):
    items = write_items(tmp_path / "items.jsonl", JARGON_ITEM)
    links = write_items(tmp_path / "links.jsonl", *JARGON_LINKS, "",
                        {"text": "Ran it", "statement": "no-such.level-4.1"}, "{oops",
                        JARGON_LINKS[0])
    code, out, err = run("match", seeds_dir, "--input", items, "--json")
    assert code == 0
    assert json.loads(out)["suggestions"][0]["statement"] != "edge-computing.level-4.1"
    code, out, err = run("match", seeds_dir, "--input", items, "--links", links, "--json")
    assert code == 0
    first = json.loads(out)["suggestions"][0]
    assert first["statement"] == "edge-computing.level-4.1"
    assert first["why"].startswith("people linked similar evidence here; ")
    assert set(first) == {"statement", "score", "why"}
    assert ("craftpath match: 6 distinct links learned from 10 lines (7 read, 2 skipped)"
            in err)
    assert (f"{links}:8: no statement 'no-such.level-4.1' in ml-and-edge-ml-engineer-craft; "
            "skipped") in err
    assert f"{links}:9: not JSON" in err
    assert "+ 6 past links" in err


def test_an_empty_or_duplicated_link_file_changes_nothing(run, seeds_dir, tmp_path):
    items = write_items(tmp_path / "items.jsonl", JARGON_ITEM,
                        {"id": 2, "text": "Presented results to the board", "level": "Senior"})
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    _, plain, _ = run("match", seeds_dir, "--input", items, "--json")
    code, with_empty, err = run("match", seeds_dir, "--input", items, "--links", empty, "--json")
    assert code == 0 and with_empty == plain
    assert "0 distinct links learned from 0 lines (0 read, 0 skipped)" in err
    once = write_items(tmp_path / "once.jsonl", *JARGON_LINKS)
    twice = write_items(tmp_path / "twice.jsonl", *JARGON_LINKS, *reversed(JARGON_LINKS))
    _, from_once, _ = run("match", seeds_dir, "--input", items, "--links", once, "--json")
    _, from_twice, _ = run("match", seeds_dir, "--input", items, "--links", twice, "--json")
    assert from_once == from_twice != plain


def test_a_missing_link_file_is_one_line(run, seeds_dir, tmp_path):
    items = write_items(tmp_path / "items.jsonl", JARGON_ITEM)
    code, out, err = run("match", seeds_dir, "--input", items, "--links", tmp_path / "no.jsonl")
    assert code == 2 and out == ""
    assert err.startswith("craftpath: error: ") and "no.jsonl" in err


def test_without_the_assistant_extra_links_are_checked_but_not_used(run, seeds_dir, tmp_path,
                                                                   without_assistant_extra):
    items = write_items(tmp_path / "items.jsonl", JARGON_ITEM)
    links = write_items(tmp_path / "links.jsonl", *JARGON_LINKS)
    _, plain, _ = run("match", seeds_dir, "--input", items, "--json")
    code, out, err = run("match", seeds_dir, "--input", items, "--links", links, "--json")
    assert code == 0 and out == plain
    assert "past links not used: learning needs the embedding model" in err
