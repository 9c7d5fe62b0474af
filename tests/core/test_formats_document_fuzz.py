"""The document tree's parsers (markdown-it-py, html5lib, docutils, pylatexenc, tree-sitter, the
YAML safe loader, csv, openpyxl) and the inference after them are fed damaged input: only
diagnostics and a report come out, never a traceback. Seeded, so a failure can be replayed."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from test_formats_fuzz_readers import _damage

from craftpath.core.formats import document
from craftpath.core.formats.budget import BudgetError
from craftpath.core.formats.inputs import TextFile
from craftpath.core.formats.report import ImportReport
from craftpath.core.model import Diagnostic, Framework

CASES = 250

VALID = {
    "ladder.md": "---\ntitle: Eng\nweight: 1\n---\n# Eng\n## Level 1\n### Craft\n- **Code:** "
                 "writes\n  - nested\n- [ ] ...\n\n| A | L1 | L2 |\n|---|---|---|\n| C | x<br>y "
                 "| z |\n<table><tr><td rowspan=2>a</td></tr></table>\n",
    "page.html": "<html><body><nav>menu</nav><h1>Eng</h1><table><tr><th>Area</th><th "
                 "colspan=2>Level 1</th></tr><tr><td rowspan=3>Craft</td><td>a<br>b</td><td>"
                 "<ul><li>c</li></ul></td></tr></table><details><summary>More</summary><p>x</p>"
                 "</details></body></html>",
    "ladder.rst": "Eng\n===\n\nLevel 1\n-------\n\n* writes\n\n+----+----+\n| A  | L1 |\n"
                  "+====+====+\n| C  | x  |\n+----+----+\n",
    "ladder.tex": "\\section{Level 1}\\begin{itemize}\\item writes\\end{itemize}\n"
                  "\\begin{tabular}{ll}A & L1 \\\\ C & \\multicolumn{1}{c}{x} \\\\\\end{tabular}",
    "constants.js": "// @flow\ntype T = {| a: string |}\nexport const tracks: T = {\n  A: { "
                    "displayName: 'A', milestones: [{ summary: 's', signals: ['x'], }]},\n}\n",
    "area.json": '{"name": "Craft", "L1": {"summary": "writes", "detail": "x"}, "L2": {}}',
    "ladder.yaml": "levels:\n- title: Junior\n  areas:\n  - name: Craft\n    items: [a, b]\n",
    "grid.csv": "Area,Level 1,Level 2\nCraft,\"- a\n- b\",c\n",
}


def _check(files: list[TextFile], hints=None) -> None:
    framework, notes, report = document.read_with_report(files, hints)
    assert framework is None or isinstance(framework, Framework)
    assert all(isinstance(note, Diagnostic) for note in notes)
    assert isinstance(report, ImportReport)
    totals = report.totals()
    assert totals["total_chars"] == totals["imported_chars"] + totals["left_out_chars"]


@pytest.mark.parametrize("name", VALID)
def test_damaged_input_gives_only_diagnostics(name):
    rng = random.Random(f"craftpath-document-{name}")
    hints = [None, {"level": "heading-2"}, {"area": "bold-lead-in"}, {"split": ";"},
             {"level": "table-column", "family": "one"}]
    for case in range(CASES):
        damaged = _damage(VALID[name], rng)
        files = [TextFile(Path(f"fuzz/{name}"), damaged)]
        if case % 5 == 0:
            files.append(TextFile(Path(f"fuzz/other/{name}"), VALID[name]))
        try:
            _check(files, hints[case % len(hints)])
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"{name} case {case} raised {error!r} on:\n{damaged!r}") \
                from error


def test_damaged_workbooks_give_only_diagnostics():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Area", "Level 1", "Level 2"])
    book.active.append(["Craft", "writes", "designs"])
    book.active.merge_cells("B2:C2")
    data = io.BytesIO()
    book.save(data)
    valid = data.getvalue()
    rng = random.Random("craftpath-document-xlsx")
    for case in range(150):
        damaged = bytearray(valid)
        for _ in range(rng.randint(1, 8)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if case % 5 == 0:
            damaged = damaged[: rng.randrange(len(damaged))]
        _check([TextFile(Path("fuzz/book.xlsx"), "", bytes(damaged))])


def test_deeply_nested_input_is_refused_in_one_line_not_a_recursion_error():
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(BudgetError, match=r"^deep\.json: values nest more than"):
        _check([TextFile(Path("deep.json"), deep)])
    with pytest.raises(BudgetError, match=r"^deep\.html: HTML elements nest more than"):
        _check([TextFile(Path("deep.html"), "<div>" * 3000 + "x" + "</div>" * 3000)])
    # markdown-it stops nesting lists at its own limit: within the budget, so read
    _check([TextFile(Path("deep.md"), "".join(" " * (2 * i) + "- x\n" for i in range(300)))])
