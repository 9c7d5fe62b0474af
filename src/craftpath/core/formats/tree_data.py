"""Tree builders for data: JSON, YAML (safe loader), JavaScript/TypeScript object literals
(esprima: parsed, never run), CSV and XLSX (openpyxl).

Data becomes the same blocks as a page: a key holding a mapping or a list of mappings is a
heading (named by the mapping's own `name`/`title`/`displayName` when it has one, else by the
key, or by its 1-based position in a list); a text value is a paragraph led by its key; a list
of texts is a list of items led by its key. A sheet is a heading and a table.
"""

from __future__ import annotations

import csv
import io
import json
import re

import yaml

from ..archives import ArchiveError, check_zip
from .blocks import Block, Cell, Document, clean
from .budget import MAX_CELLS, MAX_DEPTH, check_data, load_yaml, too_deep, too_many
from .inputs import TextFile

TITLE_KEYS = ("displayName", "display_name", "title", "name", "label", "heading")


class LineFinder:
    """Lines of values found by searching the source forward: JSON and YAML loaders keep none."""

    def __init__(self, source: str, first_line: int = 1):
        self.source = source
        self.cursor = 0
        self.first_line = first_line

    def __call__(self, text: str) -> int:
        probe = str(text)[:30]
        if probe:
            found = self.source.find(probe, self.cursor)
            if found < 0:
                found = self.source.find(json.dumps(probe)[1:-1], self.cursor)
            if found >= 0:
                self.cursor = found
        return self.first_line + self.source.count("\n", 0, self.cursor)


def title_of(value: dict) -> str:
    for key in TITLE_KEYS:
        if isinstance(value.get(key), str) and value[key].strip():
            return clean(value[key])
    return ""


def data_blocks(value, line_of: LineFinder) -> list[Block]:
    out: list[Block] = []

    def scalar_text(v) -> str | None:
        if isinstance(v, str):
            return v.strip()
        if isinstance(v, bool) or v is None:
            return None
        if isinstance(v, int | float):
            return str(v)
        return None

    def mapping(node: dict, depth: int) -> None:
        titled = title_of(node)
        for key, v in node.items():
            key = str(key)
            if titled and key in TITLE_KEYS and isinstance(v, str):
                continue
            text = scalar_text(v)
            if text is not None:
                if text:
                    out.append(Block("para", text, line_of(text), lead=clean(key)))
            elif isinstance(v, dict):
                out.append(Block("heading", title_of(v) or clean(key), line_of(f'{key}'),
                                 depth=depth))
                mapping(v, depth + 1)
            elif isinstance(v, list):
                sequence(v, depth, clean(key))

    def sequence(items: list, depth: int, key: str) -> None:
        if all(scalar_text(i) is not None or isinstance(i, list) for i in items):
            for i in items:
                for text in _flatten(i):
                    if text:
                        out.append(Block("item", text, line_of(text), lead=key))
            return
        if key:
            out.append(Block("heading", key, line_of(key), depth=depth))
            depth += 1
        for position, i in enumerate(items, start=1):
            if isinstance(i, dict):
                out.append(Block("heading", title_of(i) or str(position), line_of(title_of(i)),
                                 depth=depth, order=float(position)))
                mapping(i, depth + 1)
            elif isinstance(i, list):
                out.append(Block("heading", str(position), 0, depth=depth,
                                 order=float(position)))
                sequence(i, depth + 1, "")
            else:
                text = scalar_text(i)
                if text:
                    out.append(Block("item", text, line_of(text), lead=key))

    if isinstance(value, dict):
        mapping(value, 1)
    elif isinstance(value, list):
        sequence(value, 1, "")
    elif scalar_text(value):
        out.append(Block("para", scalar_text(value), 1))
    return out


def _flatten(value) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _flatten(v)]
    if isinstance(value, str):
        return [value.strip()]
    return [str(value)] if isinstance(value, int | float) and not isinstance(value, bool) else []


def _data_document(file: TextFile, kind: str, value, problems) -> Document:
    blocks = data_blocks(value, LineFinder(file.text))
    front = {"title": title_of(value)} if isinstance(value, dict) and title_of(value) else {}
    return Document(file.path, kind, blocks, front, problems)


def json_document(file: TextFile) -> Document:
    try:
        value = json.loads(file.text)
    except RecursionError:  # the decoder nests by recursion, to a thousand levels or so
        raise too_deep(file.name, "values", MAX_DEPTH) from None
    except ValueError as error:
        return Document(file.path, "data", [], problems=[(getattr(error, "lineno", 1),
                                                          f"not valid JSON: "
                                                          f"{getattr(error, 'msg', error)}")])
    check_data(value, file.name)
    return _data_document(file, "data", value, [])


def yaml_document(file: TextFile) -> Document:
    try:
        documents = [d for d in load_yaml(file.text, file.name, every=True) if d is not None]
    except (yaml.YAMLError, ValueError, TypeError) as error:
        mark = getattr(error, "problem_mark", None)
        return Document(file.path, "data", [], problems=[(mark.line + 1 if mark else 1,
                                                          f"not valid YAML: "
                                                          f"{getattr(error, 'problem', error)}")])
    value = documents[0] if len(documents) == 1 else documents
    return _data_document(file, "data", value, [])


# --- JavaScript / TypeScript object literals ----------------------------------------------------

def js_document(file: TextFile) -> Document:
    """Every `const NAME = {…}` / `[…]`, `export default {…}` and `module.exports = {…}` literal,
    as a heading NAME over its data. Type annotations around them (Flow, TypeScript) are
    skipped because only the literal itself is parsed; code is never run."""
    import esprima

    try:
        tokens = esprima.tokenize(file.text, {"range": True, "loc": True, "tolerant": True})
    except Exception as error:  # noqa: BLE001 - esprima raises its own Error type
        return Document(file.path, "data", [], problems=[(getattr(error, "lineNumber", 1) or 1,
                                                          f"JavaScript could not be read "
                                                          f"({error})")])
    blocks: list[Block] = []
    problems: list[tuple[int, str]] = []
    for name, start, end, line, depth in _literals(tokens):
        if depth > MAX_DEPTH:  # esprima parses by recursion: refuse before it starts
            raise too_deep(file.name, f"values (in the literal {name})", MAX_DEPTH)
        source = file.text[start:end]
        try:
            tree = esprima.parseScript(f"({source})")
            value = _literal_value(tree.body[0].expression)
        except Exception as error:  # noqa: BLE001
            problems.append((line, f"the literal {name} could not be parsed ({error})"))
            continue
        check_data(value, file.name)
        if value in (None, {}, []):
            continue
        blocks.append(Block("heading", name, line, depth=1))
        inner = data_blocks(value, LineFinder(source, line))
        for block in inner:
            if block.kind == "heading":
                block.depth += 1
        blocks.extend(inner)
    return Document(file.path, "data", blocks, problems=problems)


def _literals(tokens):
    """(name, start, end, line, depth) of each literal assigned at the top of the file; depth:
    how deeply its brackets nest."""
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        value = token.value
        if value in ("{", "[", "("):
            if depth == 0 and value in ("{", "[") and index > 0:
                name = _assigned_name(tokens, index)
                if name:
                    end, deepest = _matching(tokens, index)
                    if end is not None:
                        yield (name, token.range[0], tokens[end].range[1], token.loc.start.line,
                               deepest)
                        index = end + 1
                        continue
            depth += 1
        elif value in ("}", "]", ")"):
            depth = max(0, depth - 1)
        index += 1


def _assigned_name(tokens, index: int) -> str:
    before = tokens[index - 1].value
    if before == "default" and index >= 2 and tokens[index - 2].value == "export":
        return "default"
    if before != "=":
        return ""
    for back in range(index - 2, max(-1, index - 40), -1):
        token = tokens[back]
        if token.value in ("const", "let", "var"):
            name = tokens[back + 1]
            return name.value if name.type == "Identifier" else ""
        if token.value == "exports" and back >= 2 and tokens[back - 2].value == "module":
            return "exports"
        if token.value in (";", "}", "{", "type", "interface"):
            return ""
    return ""


def _matching(tokens, index: int) -> tuple[int | None, int]:
    """The index of the bracket closing the one at `index` (None when none does), and how
    deeply the brackets between them nest."""
    pairs = {"{": "}", "[": "]", "(": ")"}
    stack = []
    deepest = 0
    for k in range(index, len(tokens)):
        value = tokens[k].value
        if tokens[k].type == "Punctuator":
            if value in pairs:
                stack.append(pairs[value])
                deepest = max(deepest, len(stack))
            elif stack and value == stack[-1]:
                stack.pop()
                if not stack:
                    return k, deepest
    return None, deepest


def _literal_value(node):
    kind = node.type
    if kind == "ObjectExpression":
        result = {}
        for prop in node.properties:
            if prop.type != "Property" or prop.computed:
                continue
            key = prop.key.name if prop.key.type == "Identifier" else prop.key.value
            result[str(key)] = _literal_value(prop.value)
        return result
    if kind == "ArrayExpression":
        return [_literal_value(e) for e in node.elements if e is not None]
    if kind == "Literal":
        return node.value
    if kind == "TemplateLiteral" and not node.expressions:
        return "".join(q.value.cooked for q in node.quasis)
    if kind == "UnaryExpression" and node.operator == "-" and node.argument.type == "Literal":
        return -node.argument.value if isinstance(node.argument.value, int | float) else None
    return None  # code (functions, references, calls) is not data


# --- sheets --------------------------------------------------------------------------------------

def csv_document(file: TextFile) -> Document:
    text = file.text
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if file.path.suffix.lower() == ".tsv" else csv.excel
    rows, cells = [], 0
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            cells += len(row)
            if cells > MAX_CELLS:  # `,,,,` is a cell a byte: 20 MB would be 20 million
                raise too_many(file.name, "cells", MAX_CELLS)
            rows.append(row)
    except csv.Error as error:
        return Document(file.path, "sheet", [], problems=[(1, f"not valid CSV ({error})")])
    grid = [[Cell(_cell_parts(v), line) for v in row] for line, row in enumerate(rows, start=1)
            if any(v.strip() for v in row)]
    return Document(file.path, "sheet", [Block("table", "", 1, rows=grid)] if grid else [])


def xlsx_document(file: TextFile) -> Document:
    from openpyxl import load_workbook

    try:
        check_zip(file.data or b"")  # a small upload may inflate to gigabytes
    except ArchiveError as error:
        return Document(file.path, "sheet", [], problems=[(0, f"not a usable XLSX workbook: "
                                                              f"{error}")])
    _check_merged_cells(file)
    try:
        book = load_workbook(io.BytesIO(file.data or b""), data_only=True)
    except Exception as error:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        return Document(file.path, "sheet", [], problems=[(0, f"not a readable XLSX workbook "
                                                              f"({type(error).__name__})")])
    blocks: list[Block] = []
    budget = MAX_CELLS
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        merged = {}
        for ranges in sheet.merged_cells.ranges:
            top_left = sheet.cell(ranges.min_row, ranges.min_col).value
            for r in range(ranges.min_row, ranges.max_row + 1):
                for c in range(ranges.min_col, ranges.max_col + 1):
                    merged[(r, c)] = top_left
        grid = []
        for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            budget -= len(row)
            if budget < 0:
                raise too_many(file.name, "cells", MAX_CELLS)
            values = [merged.get((r, c), v) for c, v in enumerate(row, start=1)]
            if any(v not in (None, "") for v in values):
                grid.append([Cell(_cell_parts("" if v is None else str(v)), r) for v in values])
        if grid:
            blocks.append(Block("heading", clean(sheet.title), 1, depth=1))
            blocks.append(Block("table", "", 1, rows=grid))
    return Document(file.path, "sheet", blocks)


ITEM_MARK = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•‣◦▪●–])\s+", re.MULTILINE)
MERGE_CELL = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*\bref=[\"']([^\"']{1,40})[\"']")


def _check_merged_cells(file: TextFile) -> None:
    """Refuse a workbook whose merged ranges name more cells than the budget, before openpyxl
    makes an object for each of them: `A1:XFD1048576` is 30 bytes and 17 billion cells.
    (Cells written out one by one are bounded by the archive's checked size.)"""
    import zipfile

    from openpyxl.utils import range_boundaries

    refs = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(file.data or b""))
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                refs.extend(MERGE_CELL.findall(archive.read(member)))
    except Exception:  # noqa: BLE001 - a damaged archive: openpyxl says so in its own words
        return
    cells = 0
    for ref in refs:
        try:
            bounds = range_boundaries(ref.decode("ascii").upper().replace("$", ""))
        except (TypeError, ValueError, UnicodeDecodeError):
            continue  # openpyxl refuses it in its own words
        # A whole row or column (`A:C`, `2:4`) leaves the other bounds open: a sheet's extent.
        min_col, min_row, max_col, max_row = (b if b is not None else f for b, f in
                                              zip(bounds, (1, 1, 16_384, 1_048_576), strict=True))
        cells += (max_col - min_col + 1) * (max_row - min_row + 1)
        if cells > MAX_CELLS:
            raise too_many(file.name, "cells (merged ones counted)", MAX_CELLS)


def _cell_parts(value: str) -> list[str]:
    """A spreadsheet cell's parts: `<br>` pieces, or bulleted/numbered lines, else the text."""
    had_breaks = bool(re.search(r"<br\s*/?>", str(value or ""), re.IGNORECASE))
    value = re.sub(r"<br\s*/?>", "\n", str(value or ""), flags=re.IGNORECASE)
    lines = [line.strip() for line in value.replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) > 1 and sum(bool(ITEM_MARK.match(line)) for line in lines) >= len(lines) - 1:
        return [ITEM_MARK.sub("", line) for line in lines]
    if had_breaks or len(lines) > 1 and "\n\n" in value:
        return lines
    return [" ".join(lines)] if lines else []
