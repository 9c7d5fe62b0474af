"""The document tree: each input kind becomes blocks with depth, lead-ins, checkboxes, nesting
and tables with merged cells spread, each with its line."""

from __future__ import annotations

import io
from pathlib import Path

from craftpath.core.formats.inputs import TextFile
from craftpath.core.formats.tree import build


def tree(name: str, text: str = "", data: bytes | None = None):
    return build(TextFile(Path(name), text, data))


def test_markdown_keeps_depth_lead_ins_checkboxes_nesting_and_lines():
    doc = tree("p.md", "---\ntitle: Eng\nweight: 3\n---\n# Eng\n\n## Level 1\n\n"
                       "- **Craft:** writes code\n  - tests it\n- [x] ships\n- [ ] ...\n\n"
                       "Line one<br>line two\n")
    assert (doc.title, doc.order) == ("Eng", 3.0)
    kinds = [(b.kind, b.depth, b.lead, b.checked, b.text, b.line) for b in doc.blocks]
    assert kinds == [
        ("heading", 1, "", None, "Eng", 5), ("heading", 2, "", None, "Level 1", 7),
        ("item", 0, "Craft", None, "writes code", 9), ("item", 1, "", None, "tests it", 10),
        ("item", 0, "", True, "ships", 11), ("item", 0, "", False, "...", 12),
        ("para", 0, "", None, "Line one\nline two", 14)]


def test_a_list_of_only_links_is_a_menu_and_a_list_with_one_link_is_content():
    doc = tree("p.md", "- [Home](/)\n- [All levels](/levels)\n\n# Level 1\n\n"
                       "- Writes tests\n- [Reviews code](/guide)\n")
    assert [(b.text, b.skip) for b in doc.blocks if b.kind == "item"] == [
        ("Home", "navigation (a list of links)"), ("All levels", "navigation (a list of links)"),
        ("Writes tests", ""), ("Reviews code", "")]


def test_a_tab_in_front_matter_is_read_as_spaces():
    doc = tree("p.md", "---\ntitle: Eng\nlevels:\n\t- 1\n---\n# Eng\n")
    assert doc.title == "Eng" and doc.problems == []


def test_html_tables_spread_merged_cells_and_navigation_is_marked():
    doc = tree("p.html", "<html><body><div class='sidebar'><p>Home</p></div><h2>Grid</h2>"
                         "<table><tr><th>Area</th><th colspan='2'>Level 1</th></tr>"
                         "<tr><td rowspan='2'>Craft</td><td>a<br>b</td><td><ul><li>c</li>"
                         "<li>d</li></ul></td></tr><tr><td>e</td><td>f</td></tr></table>"
                         "<!-- TODO: later --></body></html>")
    nav, heading, table, comment = doc.blocks
    assert (nav.skip, heading.text, comment.kind) == ("navigation", "Grid", "comment")
    grid = [[cell.parts for cell in row] for row in table.rows]
    assert grid == [[["Area"], ["Level 1"], ["Level 1"]],
                    [["Craft"], ["a", "b"], ["c", "d"]],
                    [["Craft"], ["e"], ["f"]]]


def test_rst_sections_lists_and_grid_tables_with_merged_cells():
    doc = tree("p.rst", "Ladder\n======\n\nLevel 1\n-------\n\n* writes code\n* tests\n\n"
                        "+------+------+------+\n| Area | L1   | L2   |\n+======+======+======+\n"
                        "| Core | spans both  |\n+------+------+------+\n")
    assert [(b.kind, b.depth, b.text) for b in doc.blocks[:4]] == [
        ("heading", 1, "Ladder"), ("heading", 2, "Level 1"), ("item", 0, "writes code"),
        ("item", 0, "tests")]
    table = doc.blocks[4]
    assert [[c.text for c in row] for row in table.rows] == [
        ["Area", "L1", "L2"], ["Core", "spans both", "spans both"]]


def test_latex_sections_items_and_tabular_with_multicolumn():
    doc = tree("p.tex", "\\section{Level 1}\n\\begin{itemize}\n\\item writes \\textbf{code}\n"
                        "\\item tests\n\\end{itemize}\n\\begin{tabular}{lll}\nArea & L1 & L2 \\\\\n"
                        "\\hline\nCore & \\multicolumn{2}{c}{both} \\\\\n\\end{tabular}\n")
    assert [(b.kind, b.text) for b in doc.blocks[:3]] == [
        ("heading", "Level 1"), ("item", "writes code"), ("item", "tests")]
    assert [[c.text for c in row] for row in doc.blocks[3].rows] == [
        ["Area", "L1", "L2"], ["Core", "both", "both"]]


def test_javascript_literals_are_parsed_with_type_annotations_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    source = ("// @flow\nimport fs from 'fs'\ntype T = {| a: string |}\n"
              f"fs.writeFileSync('{marker}', 'x')\n"
              "export const tracks: T = {\n  WEB: { displayName: 'Web', milestones: [\n"
              "    { summary: 'Builds pages', signals: ['Uses CSS'], },\n  ]},\n}\n"
              "export const f = (x: number): number => x\n")
    doc = tree("constants.js", source)
    assert [(b.kind, b.depth, b.lead, b.text) for b in doc.blocks] == [
        ("heading", 1, "", "tracks"), ("heading", 2, "", "Web"),
        ("heading", 3, "", "milestones"), ("heading", 4, "", "1"),
        ("para", 0, "summary", "Builds pages"), ("item", 0, "signals", "Uses CSS")]
    assert not marker.exists()


def test_javascript_values_are_read_as_javascript_means_them():
    source = ("// { a comment's bracket is not one\n"
              "module.exports = {\n"
              "  a: \"x\\ny\\u00e9\\x41\", 'b': `tmpl`, 3: -4, c: 0x10, d: 1.5e3, e: 'it\\'s',\n"
              "  /* } */ f: `a${b}c`, g() { return '{' }, h: [1, , 2], 'i': 'é', j: 1_000,\n"
              "}\n"
              "let broken = { a: 1 as number }\n")
    doc = tree("values.js", source)
    assert [(b.kind, b.lead, b.text, b.line) for b in doc.blocks] == [
        ("heading", "", "exports", 2), ("para", "a", "x\nyéA", 2), ("para", "b", "tmpl", 3),
        ("para", "3", "-4", 3), ("para", "c", "16", 3), ("para", "d", "1500", 3),
        ("para", "e", "it's", 3), ("item", "h", "1", 3), ("item", "h", "2", 4),
        ("para", "i", "é", 4), ("para", "j", "1000", 4)]
    # Lines are found by searching for the text (LineFinder): "x\nyéA" is not written so, and
    # the first "1" after it is in "\x41".
    assert doc.problems == [(6, "the literal broken could not be parsed (not valid JavaScript "
                                "at line 6)")]


def test_xlsx_sheets_become_headings_over_tables_with_merged_cells_spread():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Craft"
    sheet.append(["Level", "Expectation", ""])
    sheet.append(["Level 1", "Writes code", "x"])
    sheet.merge_cells("B2:C2")
    data = io.BytesIO()
    book.save(data)
    doc = tree("l.xlsx", data=data.getvalue())
    assert doc.blocks[0].text == "Craft"
    assert [[c.text for c in row] for row in doc.blocks[1].rows] == [
        ["Level", "Expectation", ""], ["Level 1", "Writes code", "Writes code"]]


def test_json_and_yaml_keys_become_headings_and_values_paragraphs_and_items():
    doc = tree("a.json", '{"name": "Craft", "L1": {"summary": "Writes code", "detail": ""}}')
    assert doc.title == "Craft"
    assert [(b.kind, b.lead, b.text) for b in doc.blocks] == [
        ("heading", "", "L1"), ("para", "summary", "Writes code")]
    doc = tree("a.yaml", "levels:\n- title: Junior\n  items: [a b c, d e f]\n")
    assert [(b.kind, b.text, b.order) for b in doc.blocks] == [
        ("heading", "levels", None), ("heading", "Junior", 1.0), ("item", "a b c", None),
        ("item", "d e f", None)]


def inflating_workbook(inflated_bytes: int) -> bytes:
    """A zip a few hundred kilobytes long whose one sheet inflates to `inflated_bytes`."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(inflated_bytes // 1_000_000):
                sheet.write(b" " * 1_000_000)
    return out.getvalue()


def test_a_workbook_that_inflates_past_the_cap_is_a_problem_and_is_not_read():
    data = inflating_workbook(120_000_000)
    assert len(data) < 1_000_000
    doc = tree("big.xlsx", data=data)
    assert doc.blocks == []
    assert doc.problems == [(0, "not a usable XLSX workbook: 120 MB once uncompressed, "
                                "more than 50 MB")]


def test_javascript_computed_keys_and_the_constants_a_literal_names_are_kept():
    source = ("const LEVELS = ['Junior', 'Senior'];\nconst KEY = 'craft';\n"
              "export const ladder = {\n"
              "  [KEY]: { Junior: ['Writes tests'], Senior: ['Designs the test strategy'] },\n"
              "  ['people']: { Junior: ['Asks for help'], Senior: ['Mentors two people'] },\n"
              "  [`${x}`]: ['Kept under its key as written'],\n"
              "  levels: LEVELS, unknown: someVariable,\n"
              "};\n")
    doc = tree("ladder.ts", source)
    assert [(b.kind, b.depth, b.lead, b.text) for b in doc.blocks] == [
        ("heading", 1, "", "ladder"), ("heading", 2, "", "craft"),
        ("item", 0, "Junior", "Writes tests"), ("item", 0, "Senior", "Designs the test strategy"),
        ("heading", 2, "", "people"),
        ("item", 0, "Junior", "Asks for help"), ("item", 0, "Senior", "Mentors two people"),
        ("item", 0, "`${x}`", "Kept under its key as written"),
        ("item", 0, "levels", "Junior"), ("item", 0, "levels", "Senior")]
