"""The document reader: levels and areas from structure, hints that state roles, the import
report, and one line per file when nothing is found."""

from __future__ import annotations

import json

import pytest

from craftpath.cli import main
from craftpath.core.formats import load
from craftpath.core.formats.inputs import InputError


def write(folder, files: dict[str, str]):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("names", [
    ["Engineer", "Senior Engineer", "Staff Engineer", "Distinguished Engineer"],
    ["1/ Junior", "2/ Medior", "3/ Senior"],
    ["Associate", "Manager", "Director", "Vice President"],
    ["Apprentice", "Journeyman", "Master"],
])
def test_any_heading_is_a_level_when_the_structure_says_so(tmp_path, names):
    text = "# Ladder\n" + "".join(f"## {name}\n### Craft\n- does {k} craft things\n"
                                  f"### Team\n- does {k} team things\n"
                                  for k, name in enumerate(names))
    family = load([write(tmp_path, {"ladder.md": text})]).framework.families[0]
    assert [level.code for level in family.levels] == names
    assert [area.name for area in family.areas] == ["Craft", "Team"]


def test_one_file_per_level_is_ordered_by_front_matter_weight(tmp_path):
    files = {f"{name.lower()}.md":
             f"---\ntitle: {name}\nweight: {w}\n---\n## Craft\n- {name} work\n"
             for name, w in (("Principal", 3), ("Associate", 1), ("Senior", 2))}
    family = load([write(tmp_path, files)]).framework.families[0]
    assert [level.code for level in family.levels] == ["Associate", "Senior", "Principal"]


def test_tracks_as_h1_share_the_levels_of_one_family(tmp_path):
    text = "".join(f"# {track}\n## Level 1\n### Craft\n- {track} one\n## Level 2\n### Craft\n"
                   f"- {track} two\n" for track in ("Backend", "Frontend"))
    framework = load([write(tmp_path, {"ladder.md": text})]).framework
    assert len(framework.families) == 1
    family = framework.families[0]
    assert [track.name for track in family.tracks] == ["Backend", "Frontend"]
    assert len(family.statements) == 4


def test_statements_split_on_br_and_on_semicolons_in_a_single_paragraph_cell(tmp_path):
    text = ("| Area | Level 1 | Level 2 |\n|---|---|---|\n"
            "| Craft | writes code<br>tests it | designs; reviews |\n"
            "| Team | pairs with others | mentors the team |\n")
    family = load([write(tmp_path, {"grid.md": text})]).framework.families[0]
    assert [s.text for s in family.expectation("craft", "level-1").statements] == [
        "writes code", "tests it"]
    assert [s.text for s in family.expectation("craft", "level-2").statements] == [
        "designs", "reviews"]


def test_examples_reading_lists_placeholders_and_intros_are_left_out_with_reasons(tmp_path):
    text = ("# Ladder\n## Level 1\nWhat this level is.\n### Craft\n- writes code\n- TBD\n"
            "### Examples\n- the demo\n## Level 2\n### Craft\n- designs systems\n- [ ] ...\n"
            "## Further reading\n- a book\n")
    loaded = load([write(tmp_path, {"ladder.md": text})])
    assert [s.text for s in loaded.framework.families[0].statements] == [
        "writes code", "designs systems"]
    reasons = {e.text: e.reason for e in loaded.report.entries if e.role == "left-out"}
    assert reasons["What this level is."] == "an introduction to sub-sections"
    assert reasons["TBD"] == "placeholder or gap"
    assert reasons["the demo"] == "examples"
    assert reasons["a book"] == "reading list"
    assert reasons["..."] == "placeholder"


def test_the_report_accounts_for_every_block_and_its_totals_add_up(tmp_path):
    folder = write(tmp_path, {"ladder.md": "# L\n## Level 1\n### A\n- one thing\n## Level 2\n"
                                           "### A\n- two things\n## Notes\nSome notes here.\n"})
    report = load([folder]).report
    data = report.as_dict()
    totals = data["totals"]
    assert totals["total_chars"] == totals["imported_chars"] + totals["left_out_chars"]
    blocks = data["files"][0]["blocks"]
    assert all(b["role"] and b["line"] for b in blocks)
    assert {b["text"]: b["role"] for b in blocks}["Some notes here."] == "left-out"
    assert data["share_of_text_imported"] == pytest.approx(
        len("one thing" "two things") / totals["total_chars"], abs=0.001)


def test_the_report_sums_each_kind_of_block_and_names_levels_and_areas_as_structure(tmp_path):
    folder = write(tmp_path, {"ladder.md": "# L\n## Level 1\n### Craft\n- one thing\n"
                                           "## Level 2\n### Craft\n- two things\n"
                                           "## Notes\nSome notes here.\n"})
    data = load([folder]).report.as_dict()
    blocks, totals = data["files"][0]["blocks"], data["totals"]
    roles = {(b["text"], b["role"]) for b in blocks}
    assert {("Level 1", "level"), ("Level 2", "level"), ("Craft", "area")} <= roles
    assert totals["structure_chars"] == len("L" "Level 1" "Craft" "Level 2" "Craft")
    assert totals["statement_chars"] == len("one thing" "two things")
    assert totals["left_out_chars"] == len("Notes" "Some notes here.") == sum(
        b["chars"] for b in blocks if b["role"] == "left-out")
    assert totals["total_chars"] == sum(b["chars"] for b in blocks)


def test_a_file_the_document_reader_gave_up_on_is_counted_once_by_the_reader_that_took_it(
        tmp_path):
    text = ("<table><tr><th>Area</th><th>Level 1</th></tr>"
            "<tr><td>Craft</td><td>writes code</td></tr></table>")
    loaded = load([write(tmp_path, {"grid.html": text})])
    assert [f.reader for f in loaded.report.files] == [loaded.reader]  # not "document" too
    assert loaded.report.totals()["total_chars"] == len(text)


def test_a_workbook_read_by_the_grid_reader_counts_its_cells_text(tmp_path):
    from test_formats_grid import write_xlsx

    sheet = [["Area", "Level 1", "Level 2"], ["Craft", "Writes code", "Designs systems"]]
    loaded = load([write_xlsx(tmp_path / "ladder.xlsx", {"Engineering": sheet})])
    assert loaded.reader == "grid"
    totals = loaded.report.totals()
    assert totals["total_chars"] == len("Engineering") + sum(len(c) for row in sheet for c in row)
    assert totals["statement_chars"] == len("Writes code" "Designs systems")
    assert totals["structure_chars"] >= len("Level 1" "Level 2" "Craft")


def test_import_writes_the_report_and_summarises_it(tmp_path, capsys):
    folder = write(tmp_path, {"ladder.md": "# L\n## Level 1\n### A\n- one thing\n## Level 2\n"
                                           "### A\n- two things\n"})
    report = tmp_path / "report.json"
    assert main(["import", str(folder), "-o", str(tmp_path / "fw.yaml"),
                 "--report", str(report)]) == 0
    assert "became statements" in capsys.readouterr().err
    data = json.loads(report.read_text())
    assert data["files"][0]["file"].endswith("ladder.md")


def test_import_tree_prints_every_block_nested_with_its_role(tmp_path, capsys):
    folder = write(tmp_path, {"ladder.md": "# Ladder\n\nAn intro.\n\n## Level 1\n\n"
                                           "**Craft**\n\n- one thing\n  - a detail\n\n"
                                           "## Level 2\n\n**Craft**\n\n- two things\n\n"
                                           "## Further reading\n\n- A book\n"})
    out = tmp_path / "fw.yaml"
    assert main(["import", str(folder), "--tree", "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("layout: ")
    assert lines[1].startswith(str(folder / "ladder.md")) and "[document reader, read]" in lines[1]
    body = [line.split(None, 1)[1] for line in lines[2:]]
    assert lines[2].split()[0] == "1"  # each block with its line
    assert body[:6] == [
        'Header1 "Ladder"  family',
        'Para "An intro."  left out: not under any level',
        'Header2 "Level 1"  level',
        'BoldName "Craft"  area',
        'Item "one thing"  statement → Ladder › Level 1 › Craft',
        'Item "a detail"  statement → Ladder › Level 1 › Craft']
    nested = [line for line in lines if '"a detail"' in line][0]
    item = [line for line in lines if '"one thing"' in line][0]
    assert nested.index("Item") == item.index("Item") + 2  # a nested item sits deeper
    assert any('"A book"  left out: reading list' in line for line in lines)


def test_import_tree_shows_a_file_a_direct_reader_took_as_a_whole(tmp_path, capsys):
    from craftpath.core.sample import bundled_path

    assert main(["import", str(bundled_path()), "--tree"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("[canonical reader, read]")
    assert [line.split()[1] for line in lines[1:]] == ["File", "File", "File"]
    assert [line.rsplit("  ", 1)[1] for line in lines[1:3]] == ["statement", "structure"]


def test_a_file_named_after_a_role_is_not_a_project_file(tmp_path):
    folder = write(tmp_path, {
        "security-engineer.md": "# Security Engineer\n## Level 1\n- Threat models\n"
                                "## Level 2\n- Leads reviews\n",
        "SECURITY.md": "# Security policy\nReport issues by mail.\n",
        "LICENSE-MIT.txt": "MIT License\n"})
    loaded = load([folder])
    assert [f.name for f in loaded.framework.families] == ["Security Engineer"]
    skipped = {f.file.rsplit("/", 1)[-1] for f in loaded.report.files if f.status == "skipped"}
    assert skipped >= {"SECURITY.md", "LICENSE-MIT.txt"}


def test_a_hint_rescues_a_file_detection_rejected(tmp_path):
    text = "# Guide\n## Alpha\n- first thing\n## Beta\n- second thing\n"
    folder = write(tmp_path, {"guide.md": text})
    with pytest.raises(InputError):
        load([folder])
    family = load([folder], hints={"level": "heading-2"}).framework.families[0]
    assert [level.code for level in family.levels] == ["Alpha", "Beta"]


def test_levels_hint_names_and_orders_the_levels(tmp_path):
    text = "# L\n## Senior\n### A\n- leads\n## Junior\n### A\n- learns\n"
    family = load([write(tmp_path, {"l.md": text})],
                  hints={"levels": "Junior,Senior"}).framework.families[0]
    assert [level.code for level in family.levels] == ["Junior", "Senior"]


@pytest.mark.parametrize(("hints", "named"), [
    ({"levle": "heading-2"}, "unknown hint 'levle'"),
    ({"level": "heading-9"}, "hint level='heading-9'"),
    ({"area": "colour"}, "hint area='colour'"),
    ({"family": "row"}, "hint family='row'"),
    ({"split": ""}, "hint split"),
])
def test_an_unknown_hint_or_a_bad_value_is_an_error_naming_it(tmp_path, hints, named):
    folder = write(tmp_path, {"l.md": "# L\n## Level 1\n- a thing\n## Level 2\n- b thing\n"})
    with pytest.raises(InputError, match=named.replace("(", r"\(")):
        load([folder], hints=hints)


def test_when_nothing_is_found_each_file_gets_one_line_and_a_licence_says_licence(tmp_path):
    folder = write(tmp_path, {"LICENSE": "MIT License\n\nPermission is hereby granted...\n",
                              "notes.md": "# Notes\nJust some prose.\n"})
    with pytest.raises(InputError) as caught:
        load([folder])
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(str(folder / "LICENSE")) and "licence" in lines[0]
    assert lines[1].startswith(str(folder / "notes.md")) and "no levels found" in lines[1]


def test_a_left_out_section_that_looks_like_a_level_is_a_warning(tmp_path):
    text = ("# L\n## Level 1\n### A\n- one thing\n### B\n- two thing\n## Level 2\n### A\n"
            "- three thing\n### B\n- four thing\n")
    other = "# Other\n## Level 1\nJust prose here.\n"
    loaded = load([write(tmp_path, {"l.md": text, "z.md": other})])
    warnings = [d for d in loaded.diagnostics if d.code == "CP023"]
    assert warnings and "Level 1" in warnings[0].message


def test_headings_naming_area_and_level_at_once_are_split(tmp_path):
    text = "# Guild\n" + "".join(f"## {area} ({level})\n- {area} at {level} level\n"
                                 for area in ("Core", "Frontend")
                                 for level in ("Apprentice", "Journeyman", "Master"))
    family = load([write(tmp_path, {"guild.md": text})]).framework.families[0]
    assert [level.code for level in family.levels] == ["Apprentice", "Journeyman", "Master"]
    assert [area.name for area in family.areas] == ["Core", "Frontend"]
    assert family.expectation("frontend", "master").statements[0].text == \
        "Frontend at Master level"


def test_short_statements_under_numbered_level_columns_are_not_taken_for_names(tmp_path):
    text = ("| Area | Level 1 | Level 2 |\n|---|---|---|\n| Aaa | Aaa Aaa Aaa | Aaa Aaa Aaa |\n"
            "| Aaaa | Aaa Aaa Aaa Aaa | Aaa Aaa Aaa |\n")
    family = load([write(tmp_path, {"grid.md": text})],
                  hints={"level": "table-column"}).framework.families[0]
    assert [level.code for level in family.levels] == ["Level 1", "Level 2"]
    assert len(family.statements) == 4


def test_a_wrapper_heading_repeated_in_every_file_is_neither_a_family_nor_a_level(tmp_path):
    # One file per level, each putting its areas under the same `### Responsibilities`: the
    # wrapper repeats in every file, so the files are the levels of one ladder.
    files = {f"{level}.md": f"# {level}\n\n### Overview\n\nWhat {level} is about.\n\n"
             f"### Responsibilities\n\n#### Impact\n\n- ships {level} impact\n\n"
             f"#### Craft\n\n- writes {level} code\n- reviews {level} code\n"
             for level in ("L1", "L2", "L3")}
    framework = load([write(tmp_path, files)]).framework
    assert len(framework.families) == 1
    family = framework.families[0]
    assert [level.code for level in family.levels] == ["L1", "L2", "L3"]
    assert [area.name for area in family.areas] == ["Impact", "Craft"]
    assert len(family.statements) == 9


def test_a_page_body_is_content_whatever_its_class_says(tmp_path):
    # `<body class="nav-left">` places the menu; the body is still the page, and only the
    # menu inside it is navigation.
    files = {f"{n}-{level.lower()}.html":
             f"<html><body class='nav-left'><div class='sidebar'><ul><li><a href='/'>Home</a>"
             f"</li></ul></div><h1>{level}</h1><h2>Craft</h2><ul><li>writes {level} code</li>"
             f"</ul><h2>Team</h2><ul><li>helps the {level} team</li></ul></body></html>"
             for n, level in enumerate(("Junior", "Senior", "Staff"), start=1)}
    family = load([write(tmp_path, files)]).framework.families[0]
    assert [level.code for level in family.levels] == ["Junior", "Senior", "Staff"]
    assert [area.name for area in family.areas] == ["Craft", "Team"]
    assert sorted(s.text for s in family.statements)[:1] == ["helps the Junior team"]
    assert len(family.statements) == 6


LADDER_MARKUP = "".join(
    f"<div><h2 id='l{n}'>\n  {level}\n  <a href='#l{n}'>#</a>\n</h2>\n"
    f"<p class='italic'>At this point one grows.</p>\n<ul>\n"
    f"  <li>\n    Completes {level} tasks and says when\n    something is blocking.\n  </li>\n"
    f"  <li>Reviews {level} code.</li>\n</ul>\n"
    f"<p><em><strong>Experience</strong>: {n} years.</em></p></div>\n"
    for n, level in enumerate(("Junior Engineer", "Senior Engineer", "Staff Engineer"), start=1))
SIDEBAR = "<div class='sidebar'><ul><li><a>Junior Engineer</a></li><li><a>Misc</a></li></ul></div>"
MISC = "<div><h2>Misc: Tech Lead</h2><p>Anyone can lead.</p><ul><li>Runs the project.</li></ul>"


@pytest.mark.parametrize("name, page", [
    ("engineering.vue", f"<template>\n<section>{SIDEBAR}\n{LADDER_MARKUP}{MISC}</div>\n"
                        "</section>\n</template>\n\n<script>\nexport default { data() {"
                        " return { level: '<h2>Not markup</h2>' } } }\n</script>\n"
                        "<style scoped>h2 { color: red }</style>\n"),
    ("engineering.svelte", f"<script>\n  let level = '<h2>Not markup</h2>';\n</script>\n"
                           f"{SIDEBAR}\n{LADDER_MARKUP}{MISC}</div>\n<style>h2 {{}}</style>\n"),
])
def test_a_component_is_read_through_its_markup_and_a_list_level_keeps_its_prose_out(
        tmp_path, name, page):
    # A Vue or Svelte page: markup in <template> (or around <script>/<style>), a sidebar, a
    # `Misc:` role after the ladder, an intro and a note beside each level's list, and list
    # items hard-wrapped over several source lines.
    loaded = load([write(tmp_path, {name: page})])
    family = loaded.framework.families[0]
    assert [level.code for level in family.levels] == ["Junior Engineer", "Senior Engineer",
                                                       "Staff Engineer"]
    texts = [s.text for s in family.statements]
    assert len(texts) == 6
    assert "Completes Junior Engineer tasks and says when something is blocking." in texts


def test_a_hard_wrapped_html_table_cell_is_one_statement(tmp_path):
    page = ("<table><tr><th>Area</th><th>Level 1</th><th>Level 2</th></tr>\n"
            "<tr><td>Craft</td><td>writes code and\n   tests it</td><td>designs<br>reviews</td>"
            "</tr>\n<tr><td>Team</td><td>pairs with\n others</td><td>mentors</td></tr></table>")
    family = load([write(tmp_path, {"grid.html": page})]).framework.families[0]
    assert sorted(s.text for s in family.statements) == [
        "designs", "mentors", "pairs with others", "reviews", "writes code and tests it"]


def test_a_workbook_of_one_sheet_keeps_its_sheet_as_an_area(tmp_path):
    from openpyxl import Workbook

    for family in ("backend", "frontend"):
        book = Workbook()
        sheet = book.active
        sheet.title = "Delivery"
        sheet.append(["Level", "Expectation"])
        for level in ("Level 1", "Level 2"):
            sheet.append([level, f"ships {family} work at {level}"])
        (tmp_path / family).mkdir()
        book.save(tmp_path / family / "delivery.xlsx")
    framework = load([tmp_path], hints={"area": "sheet"}).framework
    assert [(f.name, [a.name for a in f.areas], len(f.statements))
            for f in framework.families] == [("backend", ["Delivery"], 2),
                                             ("frontend", ["Delivery"], 2)]


def test_an_html_table_in_markdown_survives_blank_lines_between_rows(tmp_path):
    # CommonMark ends an HTML block at a blank line; the table is still one table, and a
    # header cell closed by the wrong tag (`<th>Level 2</td>`) is still a header cell.
    text = ("## Ladder\n\nHow to read the table.\n\n<table>\n  <tr>\n    <th>Skill</th>\n"
            "    <th>Level 1</td>\n    <th>Level 2</th>\n  </tr>\n\n"
            "  <tr>\n    <td>Craft</td>\n    <td>writes code</td>\n\n"
            "    <td><ul><li>designs</li><li>reviews</li></ul></td>\n  </tr>\n\n"
            "  <tr>\n    <td>Team</td>\n    <td>pairs</td>\n    <td>mentors</td>\n  </tr>\n"
            "</table>\n\nAfter the table.\n")
    family = load([write(tmp_path, {"ladder.md": text})]).framework.families[0]
    assert [level.code for level in family.levels] == ["Level 1", "Level 2"]
    assert [area.name for area in family.areas] == ["Craft", "Team"]
    assert len(family.statements) == 5


def test_a_latex_table_inside_a_group_with_colours_and_row_spacing_is_read(tmp_path):
    # The table sits in a group that scopes a setting; colour macros style cells and rows;
    # each row ends `\\ [13em]` (spacing after a space); comments label the cells.
    rows = "".join(
        f"  \\hline\n    % Level\n    {n}\n    &\n    % Craft\n    \\cellcolor{{blue!25}}\n"
        f"    Writes clear level {n} code and tests it.\n    &\n    % Team\n"
        f"    Helps the level {n} team.\n"
        "    \\\\ [13em]\n" for n in (1, 2, 3))
    text = ("\\documentclass{article}\n\\usepackage[table]{xcolor}\n\\pagenumbering{gobble}\n"
            "\\newcolumntype{C}{p{18em}}\n\\begin{document}\n\\rowcolors{2}{gray!80}{gray!50}\n"
            "{\\renewcommand{\\arraystretch}{2}\n\\begin{tabular}{|C|C|C|}\n"
            "  \\rowcolor{blue!10}\n  \\textbf{Level/Skill} & \\textbf{Craft} & "
            "\\textbf{Team} \\\\\n" + rows + "  \\hline\n\\end{tabular}\n}\n\\end{document}\n")
    family = load([write(tmp_path, {"ladder.tex": text})]).framework.families[0]
    assert [level.code for level in family.levels] == ["1", "2", "3"]
    assert [area.name for area in family.areas] == ["Craft", "Team"]
    assert sorted(s.text for s in family.statements)[:2] == ["Helps the level 1 team.",
                                                            "Helps the level 2 team."]
    assert len(family.statements) == 6


def test_a_self_assessment_workbook_with_level_column_groups_is_read(tmp_path):
    # A sheet per area; a title and a description line; level names over column groups,
    # each a column of skills beside a column of answers (`Nope`); a description row set
    # off by an empty row; a `Level result` row of formulas; a summary sheet of weights.
    from openpyxl import Workbook

    levels = ["1/ Junior", "2/ Medior", "3/ Senior"]
    book = Workbook()
    book.remove(book.active)
    for area in ("Delivery", "Know-how"):
        sheet = book.create_sheet(area)
        sheet["B1"], sheet["B2"] = area, f"What {area} covers, in a line."
        for k, level in enumerate(levels):
            column = 2 + 3 * k
            sheet.cell(4, column, level)
            sheet.cell(5, column, f"Being {level} in {area}, with the guidance it needs.")
            for n in range(3 + k):
                sheet.cell(7 + n, column, f"You do skill number {n + 1} of {area} as a "
                                          f"{level[3:]} engineer would do it.")
                sheet.cell(7 + n, column + 1, "Nope")
            sheet.cell(12, column, "Level result")
            sheet.cell(12, column + 1, "=IF(COUNTIF(C7:C11,\"Yes\")>2,1,0)")
    summary = book.create_sheet("Summary")
    summary.append(["Competency", "Weight", "Achieved level"])
    summary.append(["Delivery", 0.4, 0])
    summary.append(["Know-how", 0.6, 0])
    book.save(tmp_path / "assessment.xlsx")
    framework = load([tmp_path / "assessment.xlsx"]).framework
    assert len(framework.families) == 1
    family = framework.families[0]
    assert [level.code for level in family.levels] == levels
    assert [area.name for area in family.areas] == ["Delivery", "Know-how"]
    assert len(family.statements) == 2 * (3 + 4 + 5)
    assert all(s.text.startswith("You do skill") for s in family.statements)


def test_tables_of_points_or_of_next_levels_never_become_families(tmp_path):
    # Beside a ladder of one file per level: a README whose table scores each area with
    # figures per level, and a path page whose table names the next levels.
    files = {f"level{n}.md": f"# Engineer L{n}\n\n### Should have\n\n- writes level {n} "
             f"code with tests\n- reviews level {n} changes\n\n### Is expected to\n\n"
             f"- ship level {n} features\n" for n in (1, 2, 3)}
    files["README.md"] = (
        "# Roles\n\n| scope/level | Level 1 | Level 2 | Level 3 | Skills |\n|---|---|---|---|---|\n"
        "| delivery | 0-1 | 1 | 2 | Scoping, testing and shipping to production |\n"
        "| expertise | 0-1 | 1-2 | 2-4 | Knowledge of the discipline and its tools |\n"
        "| **min SUM** | **2** | **5** | **8** | |\n")
    files["path.md"] = ("# Engineers focus on results\n\n### Craft\n\nWrites good code.\n\n"
                        "## Level Up\n\n| Current Level | Generally | Also |\n|---|---|---|\n"
                        "| L1 | L2 | L3 |\n| L2 | L3 | Architect |\n| L3 | Architect | Manager |\n"
                        "| Manager | Director | VP |\n| Director | VP | |\n")
    framework = load([write(tmp_path, files)]).framework
    assert [(f.name, [level.code for level in f.levels]) for f in framework.families] == [
        ("Roles", ["Engineer L1", "Engineer L2", "Engineer L3"])]
    assert len(framework.families[0].statements) == 9


def test_a_level_whose_page_differs_from_its_siblings_is_still_a_level(tmp_path):
    # One page per level; the first puts its own areas under a tagline heading, the others
    # share theirs; practical examples are examples; a path page beside them is no level.
    files = {"managers/engineering_manager.md": (
        "# Engineering Manager\n\n## The Engineering Manager is accountable for the team.\n\n"
        "### Accountabilities\n\n- hires the team\n- runs the team\n\n### Planning\n\n"
        "- plans the sprints\n\n### Practical Examples\n\n- ran the offsite\n")}
    for name, title in (("director", "Director, Engineering"),
                        ("principal", "Principal Director, Engineering"),
                        ("vp", "VP, Engineering")):
        files[f"managers/{name}.md"] = (f"# {title}\n\n### Should have\n\n- {name} vision\n"
                                        f"- {name} budget\n\n### Is expected to\n\n"
                                        f"- grow {name} leaders\n")
    files["managers/managers_path.md"] = ("# Managers focus on team management and growth\n\n"
                                          "### Leadership\n\nLeads by example.\n")
    write(tmp_path, files)
    framework = load([tmp_path / name for name in files]).framework
    assert len(framework.families) == 1
    family = framework.families[0]
    assert [level.code for level in family.levels] == [
        "Engineering Manager", "Director, Engineering", "Principal Director, Engineering",
        "VP, Engineering"]
    assert [area.name for area in family.areas] == ["Accountabilities", "Planning",
                                                    "Should have", "Is expected to"]
    assert len(family.statements) == 12
