"""Lint on the seeds, pinned exactly, and each rule on a small framework that triggers it."""

from pathlib import Path

import pytest

from craftpath.core.formats import canonical
from craftpath.core.formats.inputs import TextFile
from craftpath.core.lint import RULES, LintConfig, exit_code, lint
from craftpath.core.lint.report import as_github, as_json, as_text
from craftpath.core.model import Diagnostic, Severity, Source

LEVEL3, LEVEL4 = "000_3dd89f87c0474de0.txt", "001_df54ed168d565b40.txt"
LEVEL1, LEVEL5 = "002_ad24427b1e113506.txt", "003_263da7a4b235eeb1.txt"

# (page, line, code, words the message must hold), in the order lint reports them.
SEED_DIAGNOSTICS = [
    (LEVEL3, 16, "CP106", "term 'MLOps goals' has no definition (used in ml-ops.level-3.1)"),
    (LEVEL3, 16, "CP110", "ml-ops.level-3.3 uses vague wording: “best”"),
    (LEVEL3, 16, "CP110", "ml-ops.level-3.4 uses vague wording: “appropriate”"),
    (LEVEL3, 19, "CP101", "Level 3 · Architecture Design says TODO"),
    (LEVEL3, 20, "CP101", "Level 3 · Technical Strategy says TODO"),
    (LEVEL3, 27, "CP110", "machine-learning-and-deep-learning.level-3.2 uses vague wording: "
                          "“where applicable”"),
    (LEVEL3, 27, "CP110", "machine-learning-and-deep-learning.level-3.3 uses vague wording"),
    (LEVEL3, 27, "CP110", "machine-learning-and-deep-learning.level-3.4 uses vague wording"),
    (LEVEL3, 33, "CP109", "edge-computing.level-3.2 packs 3 sentences"),
    (LEVEL3, 33, "CP110", "edge-computing.level-3.3 uses vague wording: “appropriate”"),
    (LEVEL4, 16, "CP110", "ml-ops.level-4.1 uses vague wording: “etc”"),
    (LEVEL4, 16, "CP110", "ml-ops.level-4.3 uses vague wording: “etc”"),
    (LEVEL4, 18, "CP106", "term 'ML development lifecycle' has no definition (used in "
                          "ai-strategy.level-4.2, ai-strategy.level-3.2)"),
    (LEVEL4, 18, "CP110", "ai-strategy.level-4.2 uses vague wording: “when necessary”"),
    (LEVEL4, 19, "CP101", "Level 4 · Architecture Design says TODO"),
    (LEVEL4, 20, "CP101", "Level 4 · Technical Strategy says TODO"),
    (LEVEL4, 27, "CP110", "machine-learning-and-deep-learning.level-4.1 uses vague wording: "
                          "“as needed”"),
    (LEVEL4, 33, "CP108", "edge-computing.level-4.1 repeats edge-computing.level-5.1 (90% alike)"),
    (LEVEL4, 33, "CP109", "edge-computing.level-4.2 packs 2 sentences"),
    (LEVEL1, 1, "CP102", "Level 2 is missing from ML and Edge ML Engineer Craft: the numbering "
                         "skips it between Level 3 and Level 1"),
    (LEVEL1, 16, "CP110", "ml-ops.level-1.4 uses vague wording: “sufficiently”"),
    (LEVEL1, 17, "CP109", "ai-governance.level-1.2 packs 2 sentences"),
    (LEVEL1, 17, "CP110", "ai-governance.level-1.2 uses vague wording: “best”"),
    (LEVEL1, 19, "CP101", "Level 1 · Architecture Design says TODO"),
    (LEVEL1, 20, "CP101", "Level 1 · Technical Strategy says TODO"),
    (LEVEL1, 33, "CP105", "table row broken across lines 33–37"),
    (LEVEL1, 33, "CP109", "edge-computing.level-1.2 packs 2 sentences"),
    (LEVEL5, 12, "CP104", "Level 5 heads the All section `## Craft`; the other levels say "
                          "`## Craft - All`"),
    (LEVEL5, 16, "CP107", "area 'ML Ops' links to /careerframework/mlengineer#ml-ops"),
    (LEVEL5, 16, "CP110", "ml-ops.level-5.1 uses vague wording: “effectively”"),
    (LEVEL5, 17, "CP107", "area 'AI Governance' links to"),
    (LEVEL5, 18, "CP107", "area 'AI Strategy' links to"),
    (LEVEL5, 19, "CP101", "Level 5 · Architecture Design says TODO"),
    (LEVEL5, 19, "CP107", "area 'Architecture Design' links to"),
    (LEVEL5, 20, "CP101", "Level 5 · Technical Strategy says TODO"),
    (LEVEL5, 20, "CP107", "area 'Technical Strategy' links to"),
    (LEVEL5, 27, "CP107", "area 'Machine Learning and Deep Learning' links to"),
    (LEVEL5, 27, "CP110", "machine-learning-and-deep-learning.level-5.1 uses vague wording: "
                          "“etc”"),
    (LEVEL5, 33, "CP107", "area 'Edge Computing' links to"),
    ("README.md", 0, "CP001", "skipped"),
]


def test_the_seeds_give_exactly_these_diagnostics(seed_load):
    found = lint(seed_load.framework, seed_load.diagnostics)
    assert [(Path(d.source.file).name, d.source.line, d.code) for d in found] == [
        (page, line, code) for page, line, code, _ in SEED_DIAGNOSTICS]
    for diagnostic, (_, _, _, words) in zip(found, SEED_DIAGNOSTICS, strict=True):
        assert words in diagnostic.message
    assert exit_code(found) == 0
    assert exit_code(found, strict=True) == 1


MINIMAL = """\
craftpath: 1
name: Tiny
terms:
- {slug: code-review, name: code review, definition: Reading a change before it merges.}
families:
- slug: eng
  name: Engineering
  levels:
  - {slug: l1, code: L1, page: {sections: {core: Core}}}
  - {slug: l2, code: L2, page: {sections: {core: Core}}}
  - {slug: l3, code: L3, page: {sections: {core: Core}}}
  tracks:
  - slug: core
    name: Core
    areas:
    - slug: code
      name: Code
      expectations:
        l1: [I write clear code.]
        l2: [I design small services.]
        l3: [I set the technical direction of a team.]
"""


def _lint(text: str, **config) -> list:
    framework, notes = canonical.read_text(TextFile(Path("f.yaml"), text))
    assert framework is not None, notes
    return lint(framework, notes, LintConfig(**config))


def test_a_clean_framework_gives_nothing():
    assert _lint(MINIMAL) == []


@pytest.mark.parametrize("change, code, line", [
    (("l2: [I design small services.]", "l2: TODO"), "CP101", 20),
    (("  - {slug: l2, code: L2, page: {sections: {core: Core}}}",
      "  - {slug: l2, code: L2, missing: true}",
      "        l2: [I design small services.]\n", ""), "CP102", 11),
    (("        l2: [I design small services.]\n", ""), "CP103", 10),
    (("{slug: l3, code: L3, page: {sections: {core: Core}}}",
      "{slug: l3, code: L3, page: {sections: {core: Main}}}"), "CP104", 11),
    (("I write clear code.", "I write clear code*."), "CP106", 19),
    (("      name: Code\n", "      name: Code\n      link: /overview#code\n"), "CP107", 16),
    (("l2: [I design small services.]", "l2: [I write very clear code.]"), "CP108", 20),
    (("l3: [I set the technical direction of a team.]",
      "l3: [I set direction. I hire people.]"), "CP109", 21),
    (("I design small services.", "I design appropriate services."), "CP110", 20),
    (("l2: [I design small services.]", "l2: [{id: code.l1.1, text: I design.}]"), "CP111", 20),
])
def test_each_rule_fires_on_its_example(change, code, line):
    text = MINIMAL
    for old, new in zip(change[::2], change[1::2], strict=True):
        assert old in text
        text = text.replace(old, new)
    assert [(d.code, d.source.line) for d in _lint(text)] == [(code, line)]


def test_the_vague_word_list_is_configurable():
    text = MINIMAL.replace("I write clear code.", "I write clear code.")
    assert [d.code for d in _lint(text, vague_words=("clear",))] == ["CP110"]
    assert _lint(text, vague_words=()) == []


def test_ignored_codes_are_left_out():
    text = MINIMAL.replace("l2: [I design small services.]", "l2: TODO")
    assert _lint(text, ignore=frozenset({"CP101"})) == []


def test_every_rule_is_documented_with_an_example():
    codes = [rule.code for rule in RULES]
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    for rule in RULES:
        assert "Example:" in rule.doc, rule.code


def test_errors_fail_and_warnings_fail_only_when_strict():
    warning = Diagnostic("CP101", Severity.WARNING, "w")
    error = Diagnostic("CP111", Severity.ERROR, "e")
    assert exit_code([]) == 0 and exit_code([], strict=True) == 0
    assert exit_code([warning]) == 0 and exit_code([warning], strict=True) == 1
    assert exit_code([warning, error]) == 1


DIAGNOSTICS = [
    Diagnostic("CP101", Severity.WARNING, "Level 3 · X says TODO", Source("a/b.md", 19)),
    Diagnostic("CP111", Severity.ERROR, "id 'x' twice, 100%", Source("a/b.md", 20)),
]


def test_text_report_groups_by_file_and_counts():
    text = as_text(DIAGNOSTICS)
    assert text.splitlines()[0] == "a/b.md"
    assert "  19  warning  Level 3 · X says TODO  [CP101 gap-cell]" in text
    assert text.splitlines()[-1] == "1 error, 1 warning, 0 infos"
    assert "\033[" not in text and "\033[" in as_text(DIAGNOSTICS, colour=True)


def test_json_report_is_a_list_of_objects():
    import json
    assert json.loads(as_json(DIAGNOSTICS))[1] == {
        "code": "CP111", "rule": "duplicate-statement-id", "severity": "error",
        "message": "id 'x' twice, 100%", "file": "a/b.md", "line": 20}


def test_github_report_is_workflow_annotations():
    assert as_github(DIAGNOSTICS).splitlines() == [
        "::warning file=a/b.md,line=19,title=CP101 gap-cell::Level 3 · X says TODO",
        "::error file=a/b.md,line=20,title=CP111 duplicate-statement-id::id 'x' twice, 100%25",
    ]
