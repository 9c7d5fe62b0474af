"""The canonical YAML: lossless round trips, the bundled framework, and clear diagnostics."""

from pathlib import Path

import pytest

from craftpath.core.formats import canonical, load
from craftpath.core.formats.inputs import TextFile
from craftpath.core.sample import bundled_path, load_bundled

MINIMAL = """\
craftpath: 1
name: Tiny
families:
- slug: eng
  name: Engineering
  levels:
  - {slug: l1, code: L1}
  - {slug: l2, code: L2}
  tracks:
  - slug: core
    name: Core
    areas:
    - slug: code
      name: Code
      expectations:
        l1: [I write code.]
        l2:
        - id: pinned-id
          text: I review code*.
"""


def _read(text: str, name: str = "f.yaml"):
    return canonical.read_text(TextFile(Path(name), text))


def test_seeds_round_trip_through_yaml_and_json(seed_framework):
    assert _read(canonical.dumps(seed_framework)) == (seed_framework, [])
    assert _read(canonical.dumps_json(seed_framework), "f.json") == (seed_framework, [])


def test_the_bundled_framework_is_what_the_reader_gives_today(seed_framework):
    assert load_bundled() == seed_framework
    header = bundled_path().read_text(encoding="utf-8").splitlines()[:2]
    assert all(line.startswith("#") for line in header)
    for page in ("000_3dd89f87c0474de0.txt", "001_df54ed168d565b40.txt",
                 "002_ad24427b1e113506.txt", "003_263da7a4b235eeb1.txt"):
        assert page in header[1]


def test_the_bundled_file_is_byte_for_byte_what_import_writes(seeds_dir, tmp_path):
    from craftpath.cli import main
    out = tmp_path / "framework.yaml"
    assert main(["import", str(seeds_dir), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == bundled_path().read_text(encoding="utf-8")


def test_explicit_ids_are_kept_and_bare_strings_get_derived_ids():
    framework, notes = _read(MINIMAL)
    assert notes == []
    family = framework.families[0]
    assert [s.id for s in family.statements] == ["code.l1.1", "pinned-id"]
    assert family.statements[1].terms == ("code",)
    assert [lv.rank for lv in family.levels] == [0, 1]
    assert _read(canonical.dumps(framework))[0] == framework


def test_the_loader_detects_the_canonical_file(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(MINIMAL)
    loaded = load([path])
    assert loaded.reader == "canonical"
    assert "craftpath" in loaded.reasons[str(path)]


@pytest.mark.parametrize("change, line, words", [
    (("name: Tiny\n", ""), 1, "missing required field 'name'"),
    (("craftpath: 1", "craftpath: 7"), 1, "format version 7"),
    (("  - {slug: l2, code: L2}", "  - {slug: l2, code: L2, number: two}"), 8,
     "levels[1].number: expected a whole number"),
    (("        l1: [I write code.]", "        l9: [I write code.]"), 16, "no present level"),
    (("      name: Code\n", "      name: Code\n      colour: red\n"), 15, "unknown key 'colour'"),
    (("name: Tiny\n", "name: Tiny\nscale: nope\n"), 3, "scale: expected a list"),
    (("        l1: [I write code.]", "        l1: I write code."), 16,
     "expected a list of statements"),
])
def test_problems_name_the_line_and_field(change, line, words):
    framework, notes = _read(MINIMAL.replace(*change))
    assert any(words in d.message and d.source.line == line for d in notes), notes


def test_invalid_yaml_is_one_diagnostic_with_its_line():
    framework, notes = _read("craftpath: 1\nname: [unclosed\nfamilies: []\n")
    assert framework is None
    assert [(d.code, d.source.line) for d in notes] == [("CP020", 3)]


def test_duplicate_slugs_are_errors():
    text = MINIMAL.replace("  - {slug: l2, code: L2}", "  - {slug: l1, code: L2}")
    _, notes = _read(text)
    assert any(d.code == "CP022" and "'l1'" in d.message for d in notes)


def test_only_the_safe_loader_is_used():
    framework, notes = _read("craftpath: 1\nname: !!python/object/apply:os.system [echo hi]\n")
    assert framework is None
    assert notes and notes[0].code == "CP020"
