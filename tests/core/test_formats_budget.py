"""Every reader refuses a small hostile file in one line naming it: YAML alias bombs (a few
hundred bytes naming millions of values), loops, deep nesting, wide sheets. Each input is
beyond the budgets in formats/budget.py, so a reader without them would read it all (or
run out of memory or recursion) instead of raising BudgetError."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from craftpath.cli import main
from craftpath.core import formats
from craftpath.core.formats import (
    canonical,
    document,
    front_matter,
    json_refs,
    jtd,
    relational_yaml,
    tree,
)
from craftpath.core.formats.budget import (
    MAX_ALIASED_NODES,
    MAX_DATA_NODES,
    MAX_DEPTH,
    MAX_MARKUP_DEPTH,
    BudgetError,
)
from craftpath.core.formats.inputs import InputError, TextFile


def alias_bomb(levels: int, width: int = 4, indent: str = "") -> str:
    """Anchors each referring `width` times to the one before: width**levels values."""
    lines = [f"{indent}a0: &a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"{indent}a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


# 4**9 = 262,144 values: beyond MAX_DATA_NODES, from under 400 bytes.
BIG_BOMB = alias_bomb(9)
# 4**7 = 16,384 values: within MAX_DATA_NODES, but beyond what aliases may add.
SMALL_BOMB = alias_bomb(7)


def test_the_bombs_are_beyond_the_budgets():
    assert len(BIG_BOMB) < 400 and 4 ** 9 > MAX_DATA_NODES
    assert 4 ** 7 - 8 * 5 > MAX_ALIASED_NODES and 4 ** 7 < MAX_DATA_NODES


def refused(name: str, read, text: str, what: str = "") -> BudgetError:
    with pytest.raises(BudgetError) as caught:
        read([TextFile(Path(name), text)])
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert what in message
    return caught.value


# --- readers of shapes that name their own roles ----------------------------------------------

def test_canonical_refuses_an_alias_bomb_counting_without_expanding():
    refused("framework.yaml", canonical.read, "name: Bomb\nfamilies: []\n" + BIG_BOMB,
            "more than 200,000 values")


def test_canonical_refuses_values_reused_through_aliases_beyond_the_budget():
    refused("framework.yaml", canonical.read, "name: Bomb\nfamilies: []\n" + SMALL_BOMB,
            "repeated through YAML aliases")


def test_canonical_refuses_an_alias_inside_its_own_anchor():
    refused("framework.yaml", canonical.read, "name: Loop\nfamilies: &loop [*loop]\n",
            "an alias refers to the anchor it is inside")


def test_canonical_refuses_deep_nesting():
    deep = "name: Deep\nfamilies: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    refused("framework.yaml", canonical.read, deep, f"nest more than {MAX_DEPTH} levels")


def test_aliases_within_the_budget_are_read():
    text = "levels: &shared [Junior, Senior]\nagain: *shared\n"
    assert tree.build(TextFile(Path("ladder.yaml"), text)).blocks


def test_relational_yaml_refuses_an_alias_bomb():
    text = "levels: [{id: l1}]\nitems:\n- {level: l1, area: a, text: x}\n" + BIG_BOMB
    refused("ladder.yaml", relational_yaml.read, text, "values")


def test_relational_yaml_refuses_deep_json():
    text = '{"levels": [], "items": [], "x": ' + "[" * 200 + "]" * 200 + "}"
    refused("ladder.json", relational_yaml.read, text, f"nest more than {MAX_DEPTH} levels")


def test_front_matter_refuses_an_alias_bomb_in_the_front_matter():
    text = "---\ntopics:\n- name: A\n" + SMALL_BOMB + "---\nbody\n"
    refused("page.md", front_matter.read, text, "repeated through YAML aliases")


def test_seed_pages_refuse_an_alias_bomb_in_the_front_matter():
    text = "---\nlayout: default\ntitle: Level 5\n" + BIG_BOMB + "---\n# Level 5\n"
    refused("level5.md", jtd.read, text, "values")


def test_json_references_refuse_deep_nesting():
    text = '{"topics": [{"levels": []}], "x": ' + '{"y": ' * 100 + "1" + "}" * 100 + "}"
    refused("topics.json", json_refs.read, text, f"nest more than {MAX_DEPTH} levels")


def test_json_references_refuse_a_yaml_alias_bomb():
    refused("topics.yaml", json_refs.read, "topics:\n- levels: []\n" + SMALL_BOMB,
            "repeated through YAML aliases")


# --- the document tree -------------------------------------------------------------------------

def document_read(files):
    return document.read_with_report(files)


def test_document_tree_refuses_a_yaml_alias_bomb():
    refused("ladder.yaml", document_read, BIG_BOMB, "more than 200,000 values")


def test_document_tree_refuses_deep_json():
    # 900 nested objects took 16-20 s to infer nothing from before the budget
    text = '{"x": ' * 900 + '"deep"' + "}" * 900
    refused("nested.json", document_read, text, f"nest more than {MAX_DEPTH} levels")


def test_document_tree_refuses_json_deeper_than_the_decoder_recurses():
    refused("deep.json", document_read, "[" * 5000 + "]" * 5000, "nest more than")


def test_document_tree_refuses_wide_json():
    text = '{"levels": [' + ",".join(["1"] * (MAX_DATA_NODES + 1)) + "]}"
    refused("wide.json", document_read, text, "more than 200,000 values")


def test_document_tree_refuses_deep_yaml():
    refused("deep.yaml", document_read, "x: " + "{x: " * 900 + "1" + "}" * 900 + "\n",
            "nest more than")


def test_document_tree_refuses_a_deep_javascript_literal():
    text = "const levels = " + "{x: " * 100 + "'deep'" + "}" * 100 + ";\n"
    refused("levels.js", document_read, text, "in the literal levels")


def test_document_tree_refuses_constants_named_over_and_over():
    # each literal names the one before ten times: counted as it expands, refused early
    lines = ["const c0 = ['x'];"] + [f"const c{n} = [{', '.join([f'c{n - 1}'] * 10)}];"
                                    for n in range(1, 8)]
    refused("levels.js", document_read, "\n".join(lines) + "\n", "values")


def test_document_tree_refuses_deep_html():
    text = "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "</body></html>"
    refused("deep.html", document_read, text, f"nest more than {MAX_MARKUP_DEPTH} levels")


def test_html_nesting_is_counted_before_html5lib_parses_it():
    # html5lib's time grows with the square of the nesting: 20,000 divs would take minutes
    text = "<div>" * 20_000 + "deep" + "</div>" * 20_000
    refused("deep.html", document_read, text, "HTML elements nest more than")


def test_html_with_end_tags_left_out_is_not_counted_as_nesting():
    items = "".join(f"<li><p>statement {n}" for n in range(300))
    text = f"<html><body><h2>Level 1</h2><ul>{items}</ul><br><img src=x></body></html>"
    assert len(tree.build(TextFile(Path("page.html"), text)).blocks) > 100


def test_document_tree_refuses_deep_html_inside_markdown():
    text = "# Ladder\n\n" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "\n"
    refused("ladder.md", document_read, text, "HTML elements nest more than")


def test_document_tree_refuses_deep_restructured_text():
    text = "".join("  " * i + "- item\n\n" for i in range(300))
    refused("deep.rst", document_read, text, "reStructuredText")


def test_document_tree_refuses_deep_latex():
    text = "\\section{Deep}\n" + "{" * 3000 + "deep" + "}" * 3000 + "\n"
    refused("deep.tex", document_read, text, "LaTeX groups")


def test_latex_environments_count_as_nesting_but_a_flat_list_is_read():
    deep = "\\begin{itemize}" * 150 + "\\item x" + "\\end{itemize}" * 150
    refused("deep.tex", document_read, deep, "LaTeX groups and environments")
    flat = "\\section{Level 1}\n" + "\\begin{itemize}\\item writes\\end{itemize}\n" * 300
    assert tree.build(TextFile(Path("flat.tex"), flat)).blocks


def test_document_tree_refuses_an_alias_bomb_in_markdown_front_matter():
    text = "---\ntitle: Eng\n" + BIG_BOMB + "---\n# Eng\n## Level 1\n- writes\n"
    refused("ladder.md", document_read, text, "values")


def test_document_tree_refuses_headings_nested_beyond_the_budget():
    # YAML within the data budget whose mappings become headings deeper than MAX_DEPTH
    refused("deep.yaml", document_read,
            "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + "  " * 50 + "x\n",
            "nest more than")


def test_document_tree_refuses_a_csv_of_more_cells_than_the_budget():
    refused("grid.csv", document_read, "Area,Level 1\n" + "x" + "," * 200_001 + "\n",
            "more than 200,000 cells")


def merged_workbook(ref: str) -> bytes:
    """A one-cell workbook whose sheet merges `ref`, written as the XML says it (openpyxl
    itself would write a placeholder for every merged cell)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "Level 1"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData><mergeCells count=\"1\">"
                                    b"<mergeCell ref=\"" + ref.encode() + b"\"/></mergeCells>")
            target.writestr(info, data)
    return out.getvalue()


def test_document_tree_refuses_a_workbook_whose_merged_range_names_too_many_cells():
    data = merged_workbook("A1:Z20000")  # 520,000 cells
    assert len(data) < 10_000
    with pytest.raises(BudgetError, match=r"^book\.xlsx: holds more than 200,000 cells"):
        document.read_with_report([TextFile(Path("book.xlsx"), "", data)])


def test_a_workbook_merging_whole_columns_is_refused():
    with pytest.raises(BudgetError, match=r"^book\.xlsx: holds more than 200,000 cells"):
        tree.build(TextFile(Path("book.xlsx"), "", merged_workbook("a:c")))


def test_a_workbook_with_a_small_merged_range_is_read():
    blocks = tree.build(TextFile(Path("book.xlsx"), "", merged_workbook("A1:B2"))).blocks
    assert [block.kind for block in blocks] == ["heading", "table"]


# --- the doors ---------------------------------------------------------------------------------

def test_load_refuses_an_alias_bomb_as_an_input_error(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BIG_BOMB, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{bomb}: holds more than"):
        formats.load([bomb])


def test_the_command_line_prints_one_error_line_naming_the_file(tmp_path, capsys):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BIG_BOMB, encoding="utf-8")
    assert main(["import", str(bomb), "-o", str(tmp_path / "out.yaml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"craftpath: error: {bomb}: holds more than 200,000 values")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out.yaml").exists()


def test_a_hints_file_with_an_alias_bomb_is_refused(tmp_path):
    hints = tmp_path / "hints.yaml"
    hints.write_text(BIG_BOMB, encoding="utf-8")
    with pytest.raises(InputError, match=f"^{hints}: holds more than"):
        formats.read_hints(hints)


def test_documents_craftpath_wrote_itself_are_read_beyond_the_budget(seed_framework,
                                                                     monkeypatch):
    """A stored version or draft (budget=False) must stay readable however large it grew."""
    from craftpath.core.formats import budget

    file = TextFile(Path("version v1"), canonical.dumps(seed_framework))
    monkeypatch.setattr(budget, "MAX_DATA_NODES", 10)  # the seed holds a few hundred values
    with pytest.raises(BudgetError, match="^version v1: holds more than 10 values"):
        canonical.read_text(file)
    framework, _ = canonical.read_text(file, budget=False)
    assert [len(f.statements) for f in framework.families] == \
        [len(f.statements) for f in seed_framework.families]
