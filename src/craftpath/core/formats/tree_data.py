"""Tree builders for data: JSON, YAML (safe loader), JavaScript/TypeScript object literals
(tree-sitter: parsed, never run), CSV and XLSX (openpyxl).

Data becomes the same blocks as a page: a key holding a mapping or a list of mappings is a
heading (named by the mapping's own `name`/`title`/`displayName` when it has one, else by the
key, or by its 1-based position in a list); a text value is a paragraph led by its key; a list
of texts is a list of items led by its key. A sheet is a heading and a table.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from dataclasses import dataclass

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
# Parsed with tree-sitter's JavaScript grammar (the `tree-sitter` and `tree-sitter-javascript`
# wheels: maintained, released several times a year, no build step, and a parser that recovers
# from what it does not know instead of stopping, which is what a file with Flow or TypeScript
# types around its literals needs). The file is first cut into tokens, from which the literals
# assigned at the top are found; each literal alone is then parsed and read as data.

@dataclass(frozen=True)
class _Token:
    value: str
    kind: str  # tree-sitter's node type: "{", "const", "identifier", "string", …
    start: int  # byte offsets in the UTF-8 text
    end: int
    line: int


# Read as one token, like a JavaScript tokenizer would: brackets inside them are not brackets.
_ATOMIC = frozenset({"string", "template_string", "regex", "number", "jsx_text"})


@functools.lru_cache(maxsize=1)
def _js_parser():
    import tree_sitter_javascript
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_javascript.language()))


def _tokens(data: bytes) -> list[_Token]:
    """The file's tokens in order, comments left out. Walked with a cursor, not by recursion:
    a long expression nests deeply in the tree."""
    tokens: list[_Token] = []
    cursor = _js_parser().parse(data).walk()
    while True:
        node = cursor.node
        atomic = node.type in _ATOMIC or node.child_count == 0
        if atomic and node.type != "comment" and not node.is_missing and node.end_byte > \
                node.start_byte:
            tokens.append(_Token(data[node.start_byte:node.end_byte].decode("utf-8", "replace"),
                                 node.type, node.start_byte, node.end_byte,
                                 node.start_point.row + 1))
        if not atomic and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return tokens


def js_document(file: TextFile) -> Document:
    """Every `const NAME = {…}` / `[…]`, `export default {…}` and `module.exports = {…}` literal,
    as a heading NAME over its data. Type annotations around them (Flow, TypeScript) are
    skipped because only the literal itself is parsed; code is never run."""
    data = file.text.encode("utf-8", "surrogatepass")
    tokens = _tokens(data)
    blocks: list[Block] = []
    problems: list[tuple[int, str]] = []
    # constants a literal may name (`[KEY]: …`, `levels: LEVELS`): texts and earlier literals
    constants: dict[str, object] = _string_constants(tokens)
    used: set[str] = set()  # constants another literal names: read where they are used
    parsed = []
    for name, start, end, line, depth in _literals(tokens):
        if depth > MAX_DEPTH:  # refused before its value is read (which recurses)
            raise too_deep(file.name, f"values (in the literal {name})", MAX_DEPTH)
        source = data[start:end].decode("utf-8", "replace")
        tree = _js_parser().parse(b"(" + data[start:end] + b")")
        if tree.root_node.has_error:
            problems.append((line, f"the literal {name} could not be parsed (not valid "
                                   f"JavaScript at line {line + _first_error(tree.root_node)})"))
            continue
        value = _literal_value(tree.root_node.named_children[0].named_children[0],  # the ( … )
                               constants, used)
        check_data(value, file.name)
        constants[name] = value
        parsed.append((name, value, source, line))
    for name, value, source, line in parsed:
        if value in (None, {}, []) or name in used:
            continue
        blocks.append(Block("heading", name, line, depth=1))
        inner = data_blocks(value, LineFinder(source, line))
        for block in inner:
            if block.kind == "heading":
                block.depth += 1
        blocks.extend(inner)
    return Document(file.path, "data", blocks, problems=problems)


def _first_error(root) -> int:
    """The row of the first part the parser could not read, counted from 0."""
    cursor = root.walk()
    while True:
        node = cursor.node
        if node.is_error or node.is_missing:
            return node.start_point.row
        if node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return 0


def _literals(tokens: list[_Token]):
    """(name, start, end, line, depth) of each literal assigned at the top of the file; depth:
    how deeply its brackets nest."""
    depth = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        value = token.kind
        if value in ("{", "[", "("):
            if depth == 0 and value in ("{", "[") and index > 0:
                name = _assigned_name(tokens, index)
                if name:
                    end, deepest = _matching(tokens, index)
                    if end is not None:
                        yield name, token.start, tokens[end].end, token.line, deepest
                        index = end + 1
                        continue
            depth += 1
        elif value in ("}", "]", ")"):
            depth = max(0, depth - 1)
        index += 1


def _assigned_name(tokens: list[_Token], index: int) -> str:
    before = tokens[index - 1].value
    if before == "default" and index >= 2 and tokens[index - 2].value == "export":
        return "default"
    if before != "=":
        return ""
    for back in range(index - 2, max(-1, index - 40), -1):
        token = tokens[back]
        if token.value in ("const", "let", "var"):
            name = tokens[back + 1]
            return name.value if _is_name(name.value) else ""
        if token.value == "exports" and back >= 2 and tokens[back - 2].value == "module":
            return "exports"
        if token.value in (";", "}", "{", "type", "interface"):
            return ""
    return ""


# Words that cannot name a variable. A token's own kind does not tell: where the grammar does
# not know the code around it (a type annotation), it recovers by guessing another kind.
_RESERVED = frozenset("""break case catch class const continue debugger default delete do else
enum export extends false finally for function if import in instanceof new null return super
switch this throw true try typeof var void while with let static yield await""".split())


def _is_name(value: str) -> bool:
    return value.replace("$", "_").isidentifier() and value not in _RESERVED


def _matching(tokens: list[_Token], index: int) -> tuple[int | None, int]:
    """The index of the bracket closing the one at `index` (None when none does), and how
    deeply the brackets between them nest."""
    pairs = {"{": "}", "[": "]", "(": ")"}
    stack = []
    deepest = 0
    for k in range(index, len(tokens)):
        kind = tokens[k].kind  # a bracket's kind is itself; a string's is "string"
        if kind in pairs:
            stack.append(pairs[kind])
            deepest = max(deepest, len(stack))
        elif stack and kind == stack[-1]:
            stack.pop()
            if not stack:
                return k, deepest
    return None, deepest


def _string_constants(tokens: list[_Token]) -> dict[str, object]:
    """`const NAME = 'text'` (or a number) at any place in the file: NAME → its value."""
    found: dict[str, object] = {}
    for k in range(len(tokens) - 3):
        if tokens[k].value in ("const", "let", "var") and _is_name(tokens[k + 1].value) and \
                tokens[k + 2].value == "=" and tokens[k + 3].kind in ("string", "number"):
            raw = tokens[k + 3].value
            found[tokens[k + 1].value] = (_unescape(raw[1:-1]) if tokens[k + 3].kind == "string"
                                          else _number(raw))
    return found


def _literal_value(node, constants: dict | None = None, used: set | None = None):
    """The data of a literal; a constant of the file it names (`levels: LEVELS`, `{ LEVELS }`)
    is its value, and is added to `used`; any other reference or code is None."""
    constants = constants if constants is not None else {}
    used = used if used is not None else set()
    kind = node.type
    if kind == "parenthesized_expression":
        inner = [n for n in node.named_children if n.type != "comment"]
        return _literal_value(inner[0], constants, used) if inner else None
    if kind == "object":
        result = {}
        for prop in node.named_children:
            if prop.type == "pair":
                key, value = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                result[_key(key, constants)] = _literal_value(value, constants, used)
            elif prop.type == "shorthand_property_identifier":
                result[_text(prop)] = _constant(_text(prop), constants, used)
            elif prop.type == "method_definition":
                result[_key(prop.child_by_field_name("name"), constants)] = None  # code
        return result
    if kind == "identifier":
        return _constant(_text(node), constants, used)
    if kind == "array":
        return [_literal_value(e, constants, used) for e in node.named_children
                if e.type != "comment"]
    if kind == "string":
        return _unescape(_text(node)[1:-1])
    if kind == "template_string":
        if any(part.type == "template_substitution" for part in node.named_children):
            return None
        return _unescape(_text(node)[1:-1])
    if kind == "number":
        return _number(_text(node))
    if kind in ("true", "false", "null"):
        return {"true": True, "false": False, "null": None}[kind]
    if kind == "unary_expression" and _text(node.child_by_field_name("operator")) == "-":
        argument = node.child_by_field_name("argument")
        if argument.type in ("number", "true", "false"):
            value = _literal_value(argument, constants)
            return -value
    return None  # code (functions, references, calls) is not data


def _text(node) -> str:
    return node.text.decode("utf-8", "replace")


def _constant(name: str, constants: dict, used: set):
    if name in constants:
        used.add(name)
        return constants[name]
    return None  # a variable the file does not define as data


def _key(node, constants: dict | None = None) -> str:
    """A property's name: an identifier as written, a string's value, a number's value; a
    computed name (`[KEY]`, `['people']`) by the string or constant inside, else as written."""
    if node.type == "computed_property_name":
        inner = [n for n in node.named_children if n.type != "comment"]
        if inner and inner[0].type in ("string", "number"):
            return _key(inner[0])
        if inner and inner[0].type == "identifier" and \
                isinstance((constants or {}).get(_text(inner[0])), str | int | float):
            return str(constants[_text(inner[0])])
        return _text(node)[1:-1].strip()
    if node.type == "string":
        return _unescape(_text(node)[1:-1])
    if node.type == "number":
        return str(_number(_text(node)))
    return _text(node)


def _number(text: str) -> int | float:
    """A JavaScript number's value; a whole number as an int, as `0x10`, `1.5e3` are."""
    text = text.replace("_", "").lower()
    if text.endswith("n"):  # BigInt
        return int(text[:-1], 0)
    if text[:2] in ("0x", "0o", "0b"):
        return int(text, 0)
    if re.fullmatch(r"0[0-7]+", text):  # the old octal form: 017 is 15
        return int(text, 8)
    value = float(text)
    return int(value) if value.is_integer() else value


_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|.)",
                     re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
                   "\n": "", "\r": "", "\r\n": "", "\u2028": "", "\u2029": ""}


def _unescape(raw: str) -> str:
    """A string literal's value from its text between the quotes."""
    def one(match) -> str:
        escape = match.group(1)
        if escape[0] == "u":
            code = int(escape[2:-1] if escape[1] == "{" else escape[1:], 16)
            return chr(code) if code <= 0x10FFFF else escape
        if escape[0] == "x":
            return chr(int(escape[1:], 16))
        if escape[0] in "01234567":
            return chr(int(escape, 8))
        return _SIMPLE_ESCAPES.get(escape, escape)

    text = _ESCAPE.sub(one, raw)
    # "\uD83D\uDE00" is one character written as two halves of UTF-16: join them.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


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
            blocks.extend(_sheet_blocks(grid))
    return Document(file.path, "sheet", blocks)


def _sheet_blocks(grid: list[list[Cell]]) -> list[Block]:
    """A sheet's blocks: one table, or, for a self-assessment sheet, its title lines and
    a list per column.

    Before the table: rows of one cell above the first row of several (a title, a line of
    description) are paragraphs. Columns of answers (no header, a few short values
    repeated: `Nope`, `Not there yet`) are a form's, not content. When every header cell
    names a column (no corner) and the first column holds sentences, not names, each
    column is a list under its header (`1/ Junior` over the skills of that level)."""
    blocks = []
    while len(grid) > 1 and sum(1 for c in grid[0] if c.parts) == 1:
        cell = next(c for c in grid[0] if c.parts)
        blocks.append(Block("para", cell.text, cell.line))
        grid = grid[1:]
    answers = [c for c in range(max(len(r) for r in grid)) if _answer_column(grid, c)]
    for c in answers:
        values = [r[c].text for r in grid if c < len(r) and r[c].parts]
        blocks.append(Block("comment", f"answers ({', '.join(dict.fromkeys(values))})",
                            grid[0][0].line))
    kept = [c for c in range(max(len(r) for r in grid)) if c not in answers and
            any(c < len(r) and r[c].parts for r in grid)]
    grid = [[r[c] if c < len(r) else Cell([], r[0].line) for c in kept] for r in grid]
    header, body = grid[0], grid[1:]
    if not _columns_of_lists(header, body):
        return blocks + [Block("table", "", 1, rows=grid)]
    # a first body row set off by an empty row describes the columns
    described = len(body) > 1 and body[1][0].line - body[0][0].line > 1
    for c, head in enumerate(header):
        blocks.append(Block("heading", clean(head.text), head.line, depth=2))
        for k, row in enumerate(body):
            filled = [r.text for r in row if r.parts]
            if not row[c].parts or len(filled) > 1 and len(set(filled)) == 1:
                continue  # a label repeated across every column (`Level result`)
            skip = "a description of the column" if k == 0 and described else ""
            blocks.extend(Block("item", part, row[c].line, skip=skip) for part in row[c].parts)
    return blocks


def _answer_column(grid: list[list[Cell]], c: int) -> bool:
    """No header, and a few short values repeated down the column."""
    if c < len(grid[0]) and grid[0][c].parts:
        return False
    values = [r[c].text for r in grid if c < len(r) and r[c].parts]
    distinct = set(values)
    return len(values) >= 3 and len(distinct) <= 3 and len(distinct) * 2 <= len(values) and \
        all(len(v.split()) <= 4 for v in distinct)


def _columns_of_lists(header: list[Cell], body: list[list[Cell]]) -> bool:
    if len(header) < 2 or not body or not all(c.parts for c in header):
        return False
    first = [r[0].text for r in body if r[0].parts]
    return bool(first) and sum(len(t.split()) for t in first) / len(first) > 6


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
