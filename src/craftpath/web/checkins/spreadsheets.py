"""A check-in as a spreadsheet (XLSX or CSV) and back.

The export keeps statement ids in the first column, so a filled sheet comes back to the same
statements whatever order its rows are in. Import reads a filled sheet as a self-assessment:
every row is checked first, and one bad row refuses the whole file with a report naming each
row and field, so a half-read sheet never lands. Rows left blank are left unrated.

Cells that start like a formula are written as text (and CSV cells get a leading apostrophe),
so a comment such as "=HYPERLINK(...)" never runs in someone's spreadsheet program.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from craftpath.core.archives import ArchiveError, check_zip
from craftpath.core.progress import NOT_APPLICABLE

from ..cells import defuse, undefuse
from . import scope as scopes

COLUMNS = ["statement_id", "area", "level", "statement", "rating", "not_applicable_reason",
           "comment", "evidence"]
EDITABLE = ("rating", "not_applicable_reason", "comment")
MAX_BYTES = 2_000_000
MAX_ROWS = 5_000


class SheetError(Exception):
    """The file cannot be read as a sheet at all (wrong type, damaged, too big)."""


@dataclass(frozen=True)
class Problem:
    row: int  # 1-based, as a spreadsheet program numbers rows (the header is row 1)
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.message}"


@dataclass(frozen=True)
class Parsed:
    ratings: dict[str, dict]  # statement id → {"value", "reason", "comment"}
    problems: list[Problem]
    blank: int  # rows with nothing filled in, left unrated


# --- export -----------------------------------------------------------------------------------

def rows_for(scope: scopes.Scope, voices: dict[str, dict], evidence: dict[str, list[dict]]):
    """The sheet's rows: one per statement, with the voice given for it (if any)."""
    for item in scope.items:
        voice = voices.get(item.statement.id, {})
        yield [item.statement.id, item.area.name, item.level.label, item.statement.text,
               voice.get("value", ""), voice.get("reason", ""), voice.get("comment", ""),
               "; ".join(e["title"] for e in evidence.get(item.statement.id, []))]


def to_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([defuse(cell) for cell in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def to_xlsx(rows, title: str, scale: tuple[str, ...]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Check-in"
    sheet.append(COLUMNS)
    count = 1
    for row in rows:
        count += 1
        sheet.append(row)
        for cell in sheet[count]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
    # A drop-down of the scale on the rating column helps whoever fills it in.
    choices = ",".join((*scale, NOT_APPLICABLE)).replace('"', "")
    if len(choices) < 250:  # Excel's limit for an inline list
        check = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        sheet.add_data_validation(check)
        check.add(f"E2:E{max(count, 2)}")
    for letter, width in zip("ABCDEFGH", (24, 22, 18, 70, 18, 30, 40, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.properties.title = title[:200]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- import -----------------------------------------------------------------------------------

def read_table(data: bytes, filename: str) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise SheetError(f"The file is larger than {MAX_BYTES // 1_000_000} MB.")
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise SheetError("Upload a .xlsx or .csv file (as the check-in's export gives).")


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.") from None
    try:
        # strict: an unterminated quote is an error, not a cell that swallows the rest
        table = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise SheetError(f"The CSV file cannot be read: {error}.") from None
    return table[:MAX_ROWS + 1]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from xml.etree.ElementTree import ParseError
    from zipfile import BadZipFile

    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook

    try:
        check_zip(data)
    except ArchiveError as problem:
        raise SheetError(f"The file is not a readable XLSX workbook: {problem}.") from None
    # openpyxl parses with defusedxml when it is installed (a dependency): entity declarations
    # (billion laughs, external entities) are refused rather than expanded.
    unreadable = (BadZipFile, OSError, KeyError, ValueError, TypeError, ParseError,
                  DefusedXmlException)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except unreadable as error:
        raise SheetError(f"The file is not a readable XLSX workbook ({type(error).__name__})."
                         ) from None
    try:
        sheet = book.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1):
            table.append(["" if v is None else str(v) for v in row])
        return table
    except unreadable as error:  # read-only sheets are parsed while rows are read
        raise SheetError(f"The file is not a readable XLSX workbook ({type(error).__name__})."
                         ) from None
    finally:
        book.close()


def parse(table: list[list[str]], scope: scopes.Scope) -> Parsed:
    """Check every row against the check-in's statements and the framework's scale."""
    problems: list[Problem] = []
    if not table or not any(cell.strip() for cell in table[0]):
        return Parsed({}, [Problem(1, "header", "the sheet is empty; export the check-in "
                                   "and fill that in")], 0)
    header = [cell.strip().lower() for cell in table[0]]
    missing = [name for name in ("statement_id", "rating") if name not in header]
    if missing:
        return Parsed({}, [Problem(1, "header", f"no {name} column (the export's first row "
                                   f"names them: {', '.join(COLUMNS)})") for name in missing], 0)
    if len(table) > MAX_ROWS:
        problems.append(Problem(MAX_ROWS + 1, "rows", f"more than {MAX_ROWS} rows"))
    column = {name: header.index(name) for name in COLUMNS if name in header}
    known = {item.statement.id for item in scope.items}
    choices = {c.lower(): c for c in scope.choices}
    ratings: dict[str, dict] = {}
    blank = 0
    for number, raw in enumerate(table[1:], start=2):
        def cell(name: str, raw=raw) -> str:
            at = column.get(name)
            return undefuse(raw[at].strip()) if at is not None and at < len(raw) else ""

        statement_id = cell("statement_id")
        filled = {name: cell(name) for name in EDITABLE}
        if not statement_id and not any(filled.values()):
            continue  # an empty line
        if not statement_id:
            problems.append(Problem(number, "statement_id", "empty, but the row is filled in"))
            continue
        if statement_id not in known:
            problems.append(Problem(number, "statement_id",
                                    f"“{statement_id}” is not a statement of this check-in"))
            continue
        if statement_id in ratings:
            problems.append(Problem(number, "statement_id",
                                    f"“{statement_id}” appears on an earlier row too"))
            continue
        value = filled["rating"]
        if not value:
            if filled["not_applicable_reason"] or filled["comment"]:
                problems.append(Problem(number, "rating", "empty, but a reason or comment is "
                                        "given; choose a rating"))
            else:
                blank += 1
            continue
        value = choices.get(value.lower())
        if value is None:
            problems.append(Problem(number, "rating", f"“{filled['rating']}” is not on the "
                                    f"scale ({', '.join(scope.choices)})"))
            continue
        if value == NOT_APPLICABLE and not filled["not_applicable_reason"]:
            problems.append(Problem(number, "not_applicable_reason",
                                    "Not applicable needs a reason"))
            continue
        for name, limit in (("not_applicable_reason", 2000), ("comment", 5000)):
            if len(filled[name]) > limit:
                problems.append(Problem(number, name, f"longer than {limit} characters"))
        ratings[statement_id] = {"value": value, "reason": filled["not_applicable_reason"],
                                 "comment": filled["comment"]}
    return Parsed(ratings, problems, blank)
