"""Spreadsheet grids, CSV or XLSX: areas × levels in either orientation.

Levels as columns (`Area | Level 1 | Level 2 | …`) or as rows (`Level | Area A | Area B | …`);
the orientation is the one whose header cells look like levels, or the hint. In a cell,
statements are separated by `<br>`, by numbered or bulleted items, or else by line breaks.

Columns that are not content are left out with a note: with levels as columns, a
`Track`/`Category` column groups areas into tracks and a `Description` column describes them;
any other column that is not a level (notes, owner, id) is ignored. With levels as rows, a
`Title` column gives each level's title and columns whose cells are only a word or two are
labels, not statements. A row with only its first cell filled is a track heading for the rows
below it; a row whose area cell is blank continues the area above (merged cells).

Each sheet of an XLSX workbook is a family (the sheet's name); a sheet that is not a grid (a
legend, a cover) is skipped with a note. XLSX is read with the standard library (zip + XML):
shared strings, inline strings, numbers and booleans; formulas give their cached value.

Hints:
  orientation=columns|rows   where the levels are: in the header row (columns) or down the
                             first column (rows); `levels=` is the same hint
  separator=REGEX   split cells on REGEX instead of items and line breaks
  delimiter=C       the CSV delimiter (default: sniffed among , ; tab |)
  ignore_columns=A,B   header names of further columns to leave out
  level_order=ascending|descending|document|reversed
  name=TEXT         the framework's name
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

from ..archives import check_zip
from ..model import Area, Diagnostic, Framework, Level, Severity, Source, Track
from ..text import normalise_space
from .common import (
    CORE_TRACK,
    LevelLabel,
    family_slugs,
    level_label,
    level_order,
    make_expectation,
    make_family,
    make_framework,
    note,
    plain_title,
    set_name,
    split_hint,
    split_text,
    unique_slug,
)
from .inputs import TextFile

NAME = "grid"
CSV_SUFFIXES = (".csv", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
MAX_CELLS = 200_000
MAX_XML_BYTES = 50_000_000

TRACK_HEADER = re.compile(r"^(tracks?|categor(y|ies)|groups?|themes?|pillars?|sections?|"
                          r"disciplines?|specialisms?)$", re.I)
DESCRIPTION_HEADER = re.compile(r"^(descriptions?|summary|definitions?|about|what it means)$",
                                re.I)
AREA_HEADER = re.compile(r"^(areas?|competenc|skills?|dimensions?|ax[ie]s|attributes?|topics?|"
                         r"behaviou?rs?|capabilit|craft)", re.I)
TITLE_HEADER = re.compile(r"^(titles?|job titles?|roles?|positions?)$", re.I)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

Rows = list[list[str]]


# --- sheets ------------------------------------------------------------------------------------

def sniff(file: TextFile) -> str | None:
    suffix = file.path.suffix.lower()
    if suffix in XLSX_SUFFIXES and file.data:
        return "XLSX workbook (spreadsheet grid of areas × levels)"
    if suffix in CSV_SUFFIXES and file.text.strip():
        return "CSV grid of areas × levels"
    return None


def sheets(file: TextFile, hints: dict,
           notes: list[Diagnostic]) -> list[tuple[str, Rows]]:
    """(sheet name, rows of cell text) for a CSV file or each sheet of a workbook."""
    if file.path.suffix.lower() in XLSX_SUFFIXES:
        try:
            return _xlsx_sheets(file.data or b"")
        except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, OSError,
                EOFError, RuntimeError, NotImplementedError) as error:
            notes.append(note("CP340", Severity.ERROR, file.source(0),
                              f"not a readable XLSX workbook: {error}"))
            return []
    text = file.text
    delimiter = str(hints.get("delimiter") or "")[:1] or _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        notes.append(note("CP340", Severity.ERROR, file.source(0), f"not readable as CSV: {error}"))
        return []
    return [(file.path.stem, rows)]


def _delimiter(text: str) -> str:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return "\t" if sample.count("\t") > sample.count(",") else ","


def _xlsx_sheets(data: bytes) -> list[tuple[str, Rows]]:
    check_zip(data)  # an ArchiveError is a ValueError: reported like any unreadable workbook
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        def xml(name: str):
            info = book.getinfo(name)
            if info.file_size > MAX_XML_BYTES:
                raise ValueError(f"{name} is too large ({info.file_size} bytes)")
            return ElementTree.fromstring(book.read(name))

        names = set(book.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            for item in xml("xl/sharedStrings.xml").findall("m:si", NS):
                shared.append("".join(t.text or "" for t in item.iter(f"{{{NS['m']}}}t")))
        targets = {}
        if "xl/_rels/workbook.xml.rels" in names:
            for rel in xml("xl/_rels/workbook.xml.rels"):
                target = rel.get("Target", "").lstrip("/")
                targets[rel.get("Id")] = target if target.startswith("xl/") else f"xl/{target}"
        found = []
        for sheet in xml("xl/workbook.xml").iter(f"{{{NS['m']}}}sheet"):
            path = targets.get(sheet.get(REL_NS), "")
            if path in names:
                found.append((sheet.get("name") or path, _sheet_rows(xml(path), shared)))
        return found


def _sheet_rows(root, shared: list[str]) -> Rows:
    rows: dict[int, dict[int, str]] = {}
    count = 0
    for row_index, row in enumerate(root.iter(f"{{{NS['m']}}}row")):
        number = int(row.get("r") or row_index + 1) - 1
        for col_index, cell in enumerate(row.findall("m:c", NS)):
            count += 1
            if count > MAX_CELLS:
                raise ValueError(f"more than {MAX_CELLS} cells")
            column = _column(cell.get("r")) if cell.get("r") else col_index
            rows.setdefault(number, {})[column] = _cell_text(cell, shared)
    if not rows:
        return []
    width = max((max(cells) + 1 for cells in rows.values() if cells), default=0)
    return [[rows.get(r, {}).get(c, "") for c in range(width)] for r in range(max(rows) + 1)]


def _column(ref: str) -> int:
    letters = re.match(r"[A-Z]+", ref.upper())
    if not letters:
        raise ValueError(f"bad cell reference {ref!r}")
    number = 0
    for letter in letters.group():
        number = number * 26 + ord(letter) - 64
    return number - 1


def _cell_text(cell, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{{{NS['m']}}}t"))
    value = cell.find("m:v", NS)
    text = value.text if value is not None and value.text else ""
    if kind == "s" and text:
        return shared[int(text)] if 0 <= int(text) < len(shared) else ""
    if kind == "b":
        return "TRUE" if text == "1" else "FALSE" if text else ""
    if kind == "n" and text.endswith(".0"):
        return text[:-2]
    return text


# --- one grid into one family ------------------------------------------------------------------

def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    hints = dict(hints or {})
    notes: list[Diagnostic] = []
    built = []
    for file in files:
        found = sheets(file, hints, notes)
        for sheet_name, rows in found:
            name = sheet_name if len(found) > 1 else file.path.stem
            where = f"sheet {sheet_name!r}" if len(found) > 1 else "the grid"
            result = family_parts(rows, lambda row, _file=file: _file.source(row + 1),
                                  file.source(0), where, hints, notes)
            if result:
                built.append((name, file, result))
    if not built:
        return None, notes
    slugs = family_slugs([(name, file.path) for name, file, _ in built])
    families = [make_family(plain_title(name) or name, slug, levels, tracks, cells,
                            file.source(1))
                for slug, (name, file, (levels, tracks, cells)) in zip(slugs, built, strict=True)]
    name = set_name([file.path for _, file, _ in built], hints, families)
    return make_framework(name, families, files[0].source(1)), notes


def family_parts(rows: Rows, source_of: Callable[[int], Source], page: Source, where: str,
                 hints: dict, notes: list[Diagnostic]):
    """(levels, tracks, cells) from a grid, or None (with a note) when it is not one."""
    rows = [[normalise_cell(cell) for cell in row] for row in rows]
    header_index = next((i for i, row in enumerate(rows) if sum(1 for c in row if c) >= 2), None)
    if header_index is None:
        notes.append(note("CP341", Severity.INFO, page,
                          f"{where}: skipped, not framework data (no header row)"))
        return None
    header = rows[header_index]
    body = [(i, row) for i, row in enumerate(rows) if i > header_index and any(row)]
    wanted = str(hints.get("orientation") or hints.get("levels") or "").lower()
    in_header = [c for c, text in enumerate(header) if level_label(text)]
    level_column = _level_column(body, len(header))
    down_rows = [i for i, row in body if level_column is not None
                 and level_column < len(row) and level_label(row[level_column])]
    if wanted not in ("rows", "columns"):
        if len(in_header) >= 2 and len(in_header) >= len(down_rows):
            wanted = "columns"
        elif len(down_rows) >= 2:
            wanted = "rows"
    if wanted == "columns":
        return _levels_as_columns(header, body, in_header, source_of, page, where, hints, notes)
    if wanted == "rows":
        return _levels_as_rows(header, body, level_column or 0, source_of, page, where, hints,
                               notes)
    notes.append(note("CP341", Severity.INFO, page,
                      f"{where}: skipped, not framework data (neither the header row nor a "
                      "column holds level names; hint orientation=columns|rows if it does)"))
    return None


def normalise_cell(text) -> str:
    return str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _level_column(body, width: int) -> int | None:
    counts = [sum(1 for _, row in body if c < len(row) and level_label(row[c]))
              for c in range(min(width, 4))]
    return counts.index(max(counts)) if counts and max(counts) else None


def _ignored(header: list[str], columns: list[int], hints: dict) -> set[int]:
    extra = {normalise_space(h).casefold() for h in str(hints.get("ignore_columns", "")).split(",")
             if h.strip()}
    return {c for c in columns if normalise_space(header[c]).casefold() in extra}


def _make_levels(labels: list[LevelLabel], lines: list[Source], hints: dict,
                 titles: list[str] | None = None) -> list[Level]:
    taken: set[str] = set()
    levels = [None] * len(labels)
    for rank, index in enumerate(level_order(labels, hints)):
        label = labels[index]
        levels[index] = Level(unique_slug(label.code, taken, f"level-{rank + 1}"), label.code,
                              rank, label.number, label.name,
                              titles[index] if titles else "", source=lines[index])
    return levels


def _label(text: str) -> LevelLabel:
    found = level_label(text)
    return found or LevelLabel(plain_title(text) or text, None, "")


def _levels_as_columns(header, body, level_columns, source_of, page, where, hints, notes):
    width = len(header)
    if len(level_columns) < 2:  # forced by the hint: every non-special column is a level
        level_columns = [c for c in range(1, width) if header[c]]
    ignored = _ignored(header, level_columns, hints)
    level_columns = [c for c in level_columns if c not in ignored]
    others = [c for c in range(width) if c not in level_columns]
    track_col = next((c for c in others if TRACK_HEADER.match(header[c])), None)
    desc_col = next((c for c in others if DESCRIPTION_HEADER.match(header[c])), None)
    candidates = [c for c in others if c not in (track_col, desc_col) and c not in ignored]
    area_col = next((c for c in candidates if AREA_HEADER.match(header[c])),
                    candidates[0] if candidates else None)
    if area_col is None or not level_columns:
        notes.append(note("CP342", Severity.WARNING, page,
                          f"{where}: levels are columns but no column names the areas"))
        return None
    left_out = [header[c] or f"column {c + 1}" for c in others
                if c not in (area_col, track_col, desc_col)]
    if left_out:
        notes.append(note("CP343", Severity.INFO, page,
                          f"{where}: columns that are not content left out: "
                          f"{', '.join(left_out)}"))
    levels = _make_levels([_label(header[c]) for c in level_columns],
                          [page] * len(level_columns), hints)
    separator = split_hint(hints)
    tracks: dict[str, list[Area]] = {}
    taken: set[str] = set()
    texts: dict[tuple[str, str], list[str]] = {}
    raw: dict[tuple[str, str], str] = {}
    sources = {}
    track, area = "", None

    def cell(row, c):
        return row[c] if c is not None and c < len(row) else ""

    for index, row in body:
        filled = [c for c, text in enumerate(row) if text]
        contents = [c for c in level_columns if cell(row, c)]
        if filled == [filled[0]] and not contents and filled[0] in (0, area_col, track_col):
            track, area = plain_title(row[filled[0]]), None  # a section row: a track heading
            continue
        if track_col is not None and cell(row, track_col):
            track = plain_title(cell(row, track_col))
        name = plain_title(cell(row, area_col))
        if name:
            slug = unique_slug(name, taken, f"area-{len(taken) + 1}")
            area = Area(slug, name, description=normalise_space(cell(row, desc_col)),
                        source=source_of(index))
            tracks.setdefault(track or CORE_TRACK, []).append(area)
        elif area is None:
            if contents:
                notes.append(note("CP344", Severity.WARNING, source_of(index),
                                  f"{where}: row {index + 1} has statements but no area; "
                                  "skipped"))
            continue
        for level, c in zip(levels, level_columns, strict=True):
            key = (area.slug, level.slug)
            texts.setdefault(key, []).extend(split_text(cell(row, c), lines=True,
                                                        separator=separator))
            raw[key] = raw.get(key, "") + cell(row, c)
            sources.setdefault(key, source_of(index))
    return _finish(levels, tracks, texts, raw, sources)


def _levels_as_rows(header, body, level_col, source_of, page, where, hints, notes):
    width = max([len(header)] + [len(row) for _, row in body])
    header = header + [""] * (width - len(header))
    title_col = next((c for c in range(width) if c != level_col and TITLE_HEADER.match(header[c])),
                     None)
    ignored = _ignored(header, list(range(width)), hints)
    area_cols, left_out = [], []
    for c in range(width):
        if c in (level_col, title_col):
            continue
        values = [row[c] for _, row in body if c < len(row) and row[c]]
        words = sum(len(v.split()) for v in values) / len(values) if values else 0
        if c in ignored or not header[c] or not values or words < 3 \
                or DESCRIPTION_HEADER.match(header[c]):
            if header[c] or values:
                left_out.append(header[c] or f"column {c + 1}")
            continue
        area_cols.append(c)
    if left_out:
        notes.append(note("CP343", Severity.INFO, page,
                          f"{where}: columns that are not content left out: "
                          f"{', '.join(left_out)}"))
    level_rows = [(i, row) for i, row in body if level_col < len(row) and row[level_col]]
    if not area_cols or not level_rows:
        notes.append(note("CP342", Severity.WARNING, page,
                          f"{where}: levels are rows but no column holds statements"))
        return None
    labels, lines, titles, rows_of = [], [], [], {}
    for index, row in level_rows:
        label = _label(row[level_col])
        key = label.code.casefold()
        if key in rows_of:
            notes.append(note("CP345", Severity.WARNING, source_of(index),
                              f"{where}: level {label.code!r} repeats in row {index + 1}; "
                              "read into the first"))
            rows_of[key].append((index, row))
            continue
        rows_of[key] = [(index, row)]
        labels.append(label)
        lines.append(source_of(index))
        titles.append(plain_title(row[title_col]) if title_col is not None
                      and title_col < len(row) else "")
    levels = _make_levels(labels, lines, hints, titles)
    taken: set[str] = set()
    areas = [Area(unique_slug(plain_title(header[c]), taken, f"area-{n}"),
                  plain_title(header[c]) or header[c], source=page)
             for n, c in enumerate(area_cols, start=1)]
    separator = split_hint(hints)
    texts, raw, sources = {}, {}, {}
    for level, label in zip(levels, labels, strict=True):
        for index, row in rows_of[label.code.casefold()]:
            for area, c in zip(areas, area_cols, strict=True):
                value = row[c] if c < len(row) else ""
                key = (area.slug, level.slug)
                texts.setdefault(key, []).extend(split_text(value, lines=True,
                                                            separator=separator))
                raw[key] = raw.get(key, "") + value
                sources.setdefault(key, source_of(index))
    return _finish(levels, {CORE_TRACK: areas}, texts, raw, sources)


def _finish(levels, tracks, texts, raw, sources):
    track_taken: set[str] = set()
    track_list = [Track(unique_slug(name, track_taken, "track"), name, tuple(areas))
                  for name, areas in tracks.items() if areas]
    cells = [make_expectation(area, level, statements, sources[(area, level)], raw[(area, level)])
             for (area, level), statements in texts.items()
             if statements or normalise_space(raw[(area, level)])]
    ordered = sorted(levels, key=lambda level: level.rank)
    return ordered, track_list, cells
