"""The `craftpath` command on the seed pages, run in-process, plus one real subprocess."""

import json
import subprocess
import sys

import pytest

from craftpath.cli import main


@pytest.fixture
def run(capsys):
    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


def test_summary_json_gives_the_counts_per_family_and_totals(run, seeds_dir):
    code, out, _ = run("summary", seeds_dir, "--json")
    summary = json.loads(out)
    assert code == 0
    assert summary["families"] == [{
        "family": "ml-and-edge-ml-engineer-craft", "name": "ML and Edge ML Engineer Craft",
        "levels_present": 4, "levels_missing": 1, "tracks": 3, "areas": 7, "cells": 28,
        "gaps": 8, "statements": 60, "terms": 2}]
    assert summary["totals"]["families"] == 1


def test_summary_without_a_path_reads_the_bundled_framework(run, seeds_dir):
    assert run("summary")[1].replace("(bundled)", "") == run("summary", seeds_dir)[1]


def test_import_says_which_reader_and_writes_canonical_yaml(run, seed_pages, tmp_path):
    out = tmp_path / "f.yaml"
    code, _, err = run("import", *seed_pages, "-o", out)
    assert code == 0
    assert "read as jtd-markdown (front matter with a numbered level title" in err
    assert "25 warnings" in err  # lint findings follow the import
    assert run("summary", out, "--json")[1] == run("summary", *seed_pages, "--json")[1]


def test_import_lists_a_hundred_findings_and_counts_the_rest_by_rule(run, tmp_path):
    # words of their own, so only the same statement at another level repeats it
    statements = [f"- Ships part{n} with tests{n} and docs{n}." for n in range(70)]
    levels = [f"## {n}. Level {n}\n\n### Craft\n\n" + "\n".join(statements) for n in (1, 2, 3)]
    source = tmp_path / "ladder.md"
    source.write_text("# Ladder\n\n" + "\n\n".join(levels) + "\n", encoding="utf-8")
    code, _, err = run("import", source, "-o", tmp_path / "f.yaml")
    assert code == 0
    listed = [line for line in err.splitlines() if line.endswith("[CP108 repeated-statement]")]
    assert len(listed) == 100  # levels 2 and 3 repeat each of level 1's 70 statements
    assert "… and 40 more: 40 × CP108 repeated-statement" in err.splitlines()
    assert err.splitlines()[-1] == "0 errors, 140 warnings, 0 infos"
    out = run("lint", source)[1]  # lint lists every one
    assert out.count("[CP108 repeated-statement]") == 140 and "more:" not in out


def test_lint_exit_codes_and_formats(run, seeds_dir):
    code, out, _ = run("lint", seeds_dir)
    assert code == 0 and "0 errors, 25 warnings, 15 infos" in out
    assert run("lint", seeds_dir, "--strict")[0] == 1
    code, out, _ = run("lint", seeds_dir, "--format", "json")
    assert len(json.loads(out)) == 40
    out = run("lint", seeds_dir, "--format", "github")[1]
    assert out.startswith("::warning file=") and ",line=16,title=CP106 undefined-term::" in out
    assert run("lint", seeds_dir, "--ignore", "CP110,cp107", "--vague-words", "")[1].endswith(
        "0 errors, 18 warnings, 1 info\n")


def test_lint_rules_lists_every_rule_with_its_example(run):
    out = run("lint", "--rules")[1]
    assert out.count("Example:") == 11 and "CP105 malformed-table-row" in out


def test_show_a_level_by_name_number_or_code(run, seeds_dir):
    outputs = {run("show", seeds_dir, "--level", query)[1] for query in ("Senior", "3",
                                                                         "Level 3")}
    assert len(outputs) == 1
    out = outputs.pop()
    assert out.startswith("Level 3 (Senior) — Senior ML and Edge ML Engineer")
    assert "(not written yet)" in out and "I define and track offline and online metrics" in out


def test_show_an_area_across_levels_and_the_overview(run, seeds_dir):
    out = run("show", seeds_dir, "--area", "Edge Computing")[1]
    assert [line.strip() for line in out.splitlines() if line.startswith("  Level")] == [
        "Level 5 (Junior)", "Level 4 (Mid)", "Level 3 (Senior)", "Level 1 (Head Of)"]
    out = run("show", seeds_dir)[1]
    assert "Level 2  (no page: a hole in the numbering)" in out


def test_diff_shows_added_reworded_and_dropped_with_word_highlights(run, seeds_dir):
    code, out, _ = run("diff", seeds_dir, "--from", "Level 4", "--to", "Level 3")
    assert code == 0
    assert out.startswith("From Level 4 (Mid) to Level 3 (Senior): 14 added, 3 reworded, "
                          "13 dropped")
    unwrapped = " ".join(out.split())
    assert ("I can implement algorithms or methods from academic [-research.-] {+research "
            "confidently and efficiently, with optimisations where applicable.+}") in unwrapped
    assert run("diff", seeds_dir, "--from", "4")[1] == out  # the next level up by default


def test_export_to_every_format_round_trips(run, seeds_dir, tmp_path):
    summary = run("summary", seeds_dir, "--json")[1]
    for to, dest in (("yaml", tmp_path / "f.yaml"), ("json", tmp_path / "f.json"),
                     ("jtd-markdown", tmp_path / "pages")):
        assert run("export", seeds_dir, "--to", to, "-o", dest)[0] == 0
        assert run("summary", dest, "--json")[1] == summary


def test_schema_is_json(run):
    assert json.loads(run("schema")[1])["title"].startswith("craftpath framework")


@pytest.mark.parametrize("argv, message", [
    (["summary", "no/such/dir"], "no/such/dir: no such file or folder"),
    (["show", "--level", "Level 9"], "no level 'Level 9'"),
    (["show", "--level", "2"], "Level 2 has no page"),
    (["show", "--area", "cooking"], "no area 'cooking'"),
    (["diff", "--from", "1"], "Level 1 is the most senior level"),
    (["summary", "--hint", "novalue"], "--hint 'novalue': expected KEY=VALUE"),
])
def test_bad_input_is_one_clear_line_and_exit_2(run, argv, message):
    code, out, err = run(*argv)
    assert code == 2 and out == ""
    assert err.startswith("craftpath: error: ") and message in err
    assert len(err.splitlines()) == 1


def test_a_binary_file_is_refused_clearly(run, tmp_path):
    binary = tmp_path / "picture.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, _, err = run("summary", binary)
    assert code == 2
    assert err == f"craftpath: error: {binary}: not a text file (it holds binary data)\n"


def test_unknown_options_are_usage_errors(run):
    with pytest.raises(SystemExit) as stop:
        main(["lint", "--format", "xml"])
    assert stop.value.code == 2


@pytest.mark.subprocess
def test_the_installed_command_runs_in_a_fresh_process(seeds_dir):
    result = subprocess.run([sys.executable, "-m", "craftpath", "summary", str(seeds_dir)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "statements 60" in result.stdout


def test_changes_maps_statements_between_versions(run, seeds_dir, tmp_path):
    old, new = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    run("export", seeds_dir, "--to", "yaml", "-o", old)
    new.write_text(old.read_text().replace("id: ml-ops.level-5.2", "id: ops-cloud")
                   .replace("such as model bias and model drift.\n", "such as bias and drift.\n"))
    code, out, _ = run("changes", old, new)
    assert code == 0
    assert out.splitlines() == [
        "ml-and-edge-ml-engineer-craft: 58 kept, 2 reworded",
        "  reworded: ai-governance.level-5.1 → ai-governance.level-5.1",
        "            I understand risks from ML such as [-model-] bias and [-model-] drift.",
        "  reworded: ml-ops.level-5.2 → ops-cloud",
    ]


def test_a_binary_file_inside_a_folder_is_skipped_with_a_note(run, seed_pages, tmp_path):
    for page in seed_pages:
        (tmp_path / page.name).write_bytes(page.read_bytes())
    (tmp_path / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    code, out, _ = run("lint", tmp_path)
    assert code == 0
    assert "skipped: not a text file (it holds binary data)" in out
    assert "statements 60" in run("summary", tmp_path)[1]


def test_a_hints_file_and_hint_flags_reach_the_reader(run, corpus_dir, tmp_path):
    ladders = corpus_dir / "jorgef__engineeringladders"
    hints = tmp_path / "hints.yaml"
    hints.write_text("name: Ladders from a file\n")
    named = json.loads(run("summary", ladders, "--json", "--hints", hints)[1])
    assert named["framework"] == "Ladders from a file"
    flagged = json.loads(run("summary", ladders, "--json", "--hints", hints,
                             "--hint", "name=Ladders from a flag")[1])
    assert flagged["framework"] == "Ladders from a flag"
    hints.write_text("- not a mapping\n")
    code, _, err = run("summary", ladders, "--hints", hints)
    assert code == 2 and "expected `key: value` lines" in err
