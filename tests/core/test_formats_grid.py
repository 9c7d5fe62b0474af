"""Spreadsheet grids (CSV, XLSX): areas × levels either way round, statements split in cells."""

from __future__ import annotations

import csv
import zipfile
from xml.sax.saxutils import escape

import pytest

from craftpath.core.formats import load
from craftpath.core.formats.inputs import InputError

COLUMNS = [
    ["Engineering ladder", "", "", "", ""],
    ["Area", "Level 1", "Level 2", "Notes", "Description"],
    ["Craft", "Writes code\nTests it", "1. Designs\n2. Reviews", "ignore me", "Building."],
    ["", "Pairs", "", "", ""],
    ["Leadership", "", "", "", ""],
    ["Mentoring", "TODO", "Mentors<br>Coaches", "", ""],
]


def write_csv(path, rows):
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def write_xlsx(path, sheets: dict[str, list[list[str]]]):
    """A minimal workbook (inline strings), as spreadsheet programs write them."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as book:
        entries = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, name in enumerate(sheets, start=1))
        book.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}">'
                                         f"<sheets>{entries}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Target="worksheets/sheet{i}.xml" Type="x"/>'
                       for i in range(1, len(sheets) + 1))
        book.writestr("xl/_rels/workbook.xml.rels",
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                      f'relationships">{rels}</Relationships>')
        for i, rows in enumerate(sheets.values(), start=1):
            body = "".join(
                f'<row r="{r}">' + "".join(
                    f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
                    for c, text in enumerate(row) if text) + "</row>"
                for r, row in enumerate(rows, start=1))
            book.writestr(f"xl/worksheets/sheet{i}.xml",
                          f'<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>')
    return path


def test_levels_as_columns_with_tracks_continuations_and_extra_columns(tmp_path):
    loaded = load([write_csv(tmp_path / "ladder.csv", COLUMNS)])
    family = loaded.framework.families[0]
    assert loaded.reader == "grid"
    assert [level.code for level in family.levels] == ["Level 1", "Level 2"]
    assert [(t.name, [a.name for a in t.areas]) for t in family.tracks] == [
        ("All", ["Craft"]), ("Leadership", ["Mentoring"])]
    assert family.areas[0].description == "Building."
    assert [s.text for s in family.expectation("craft", "level-1").statements] == [
        "Writes code", "Tests it", "Pairs"]
    assert [s.text for s in family.expectation("craft", "level-2").statements] == [
        "Designs", "Reviews"]
    assert family.expectation("mentoring", "level-1").gap_text == "TODO"
    assert any(d.code == "CP343" and "Notes" in d.message for d in loaded.diagnostics)


def test_levels_as_rows_reads_the_same_grid_turned_round(tmp_path):
    rows = [["Level", "Title", "Craft", "Team", "Salary"],
            ["Level 1", "Junior", "Writes code; tests it", "Pairs with others", "10"],
            ["Level 2", "Senior", "Designs whole systems", "Mentors the team", "20"]]
    loaded = load([write_csv(tmp_path / "turned.csv", rows)], hints={"separator": ";"})
    family = loaded.framework.families[0]
    assert [(level.code, level.title) for level in family.levels] == [
        ("Level 1", "Junior"), ("Level 2", "Senior")]
    assert [area.name for area in family.areas] == ["Craft", "Team"]
    assert [s.text for s in family.expectation("craft", "level-1").statements] == [
        "Writes code", "tests it"]


def test_orientation_hint_overrides_a_wrong_guess(tmp_path):
    rows = [["", "Apprentice", "Expert"], ["Craft", "Learns the trade", "Teaches the trade"]]
    path = write_csv(tmp_path / "words.csv", rows)
    family = load([path], hints={"orientation": "columns"}).framework.families[0]
    assert [level.code for level in family.levels] == ["Apprentice", "Expert"]


def test_xlsx_sheets_are_families_and_a_legend_sheet_is_skipped(tmp_path):
    path = write_xlsx(tmp_path / "ladders.xlsx", {
        "Engineering": COLUMNS, "Legend": [["Colour", "Meaning"], ["Red", "Gap"]]})
    loaded = load([path])
    assert [f.name for f in loaded.framework.families] == ["Engineering"]
    assert loaded.framework.families[0] == load(
        [write_csv(tmp_path / "Engineering.csv", COLUMNS)]).framework.families[0]
    assert any(d.code == "CP341" and "Legend" in d.message for d in loaded.diagnostics)


def test_a_damaged_workbook_is_a_diagnostic_and_other_binaries_are_refused(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    loaded = load([broken])
    assert loaded.framework is None
    assert loaded.diagnostics[0].code == "CP340"
    image = tmp_path / "chart.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match="binary"):
        load([image])


def test_a_workbook_that_inflates_past_the_cap_is_a_diagnostic(tmp_path):
    from test_formats_tree import inflating_workbook

    path = tmp_path / "big.xlsx"
    path.write_bytes(inflating_workbook(120_000_000))
    loaded = load([path])
    assert loaded.framework is None
    assert loaded.diagnostics[0].code == "CP340"
    assert "120 MB once uncompressed, more than 50 MB" in loaded.diagnostics[0].message
