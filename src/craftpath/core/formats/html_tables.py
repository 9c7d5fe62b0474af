"""Exported HTML pages: tables of areas × levels in either orientation, or headings with
lists (levels as headings, bullets or paragraphs as statements) — one family per page.

A table is read as a spreadsheet grid (see `grid`): levels as columns or as rows, `<br>`,
list items and line breaks inside a cell separating statements. Without a grid table, the
page's headings, lists and paragraphs are read as headings-and-bullets Markdown is (see
`headings`), `<strong>` keywords included. Navigation, headers, footers, scripts and styles
are left out, and so is any text repeated on every page of the set (menus, banners, legal
lines) when more than one page is read. A page with neither is skipped with a note.

Hints: those of `grid` (orientation, separator, ignore_columns) for tables and of `headings`
(level_heading, area_heading, bullet_area) for headings, plus level_order and name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..model import Diagnostic, Framework, Severity, Track
from ..text import normalise_space
from . import grid
from .common import (
    family_slugs,
    make_family,
    make_framework,
    note,
    plain_title,
    set_name,
    unique_slug,
)
from .headings import Block, Page, find_level_depth, read_ladder
from .inputs import TextFile

NAME = "html"
SUFFIXES = (".html", ".htm", ".xhtml")
SKIPPED = {"script", "style", "nav", "header", "footer", "aside", "noscript", "template", "svg",
           "form", "button", "select", "head"}
BLOCKS = {"p", "div", "blockquote", "dd", "dt", "section", "article", "main", "body", "ul",
          "ol", "dl", "pre"}
HEADINGS = {f"h{n}": n for n in range(1, 7)}
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "source", "area", "base"}


@dataclass
class Table:
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    heading: str = ""  # the nearest heading above it
    line: int = 0


class _Parser(HTMLParser):
    """Blocks (headings, items, paragraphs) and tables of one page, boilerplate left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.tables: list[Table] = []
        self.title = ""
        self._in_title = False
        self._skip: list[str] = []
        self._kind = ""  # the open block: "heading", "item", "para" or ""
        self._depth = 0
        self._text: list[str] = []
        self._line = 0
        self._table: list[Table] = []
        self._cell: list[str] | None = None

    # Text is gathered into the open block, cell or a new paragraph.
    def _flush(self):
        text = normalise_space("".join(self._text))
        if self._kind and text:
            self.blocks.append(Block(self._kind, text, self._line, self._depth))
        self._kind, self._text = "", []

    def _open(self, kind: str, depth: int = 0):
        self._flush()
        self._kind, self._depth, self._line = kind, depth, self.getpos()[0]

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self._in_title = True
        if self._skip:
            if tag == self._skip[-1] and tag not in VOID:
                self._skip.append(tag)
            return
        if tag in SKIPPED:
            self._skip.append(tag)
            return
        if self._cell is not None:
            if tag in ("td", "th"):
                self._close_cell()
                self._open_cell()
            elif tag == "tr":
                self._close_cell()
                self._new_row()
            elif tag == "table":
                self._cell.append("\n")
            elif tag in VOID or tag in BLOCKS or tag == "li" or tag in HEADINGS:
                self._cell.append("\n")
            return
        if tag == "table":
            self._flush()
            heading = next((b.text for b in reversed(self.blocks) if b.kind == "heading"), "")
            self._table.append(Table(heading=heading, line=self.getpos()[0]))
        elif self._table and tag == "tr":
            self._new_row()
        elif self._table and tag in ("td", "th"):
            if not self._table[-1].rows:
                self._new_row()
            self._open_cell()
        elif tag in HEADINGS:
            self._open("heading", HEADINGS[tag])
        elif tag == "li":
            self._open("item")
        elif tag in BLOCKS:
            self._open("para")
        elif tag == "br":
            self._text.append("<br>")
        elif tag in ("strong", "b") and self._kind == "item":
            self._text.append("**")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
            return
        if self._cell is not None:
            if tag in ("td", "th"):
                self._close_cell()
            elif tag == "table":
                self._close_cell()
                self._end_table()
            return
        if tag == "table" and self._table:
            self._end_table()
        elif tag in HEADINGS or tag == "li" or tag in BLOCKS:
            self._flush()
        elif tag in ("strong", "b") and self._kind == "item":
            self._text.append("**")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._kind:
            self._text.append(data)
        elif data.strip() and not self._table:
            self._open("para")
            self._text.append(data)

    def _new_row(self):
        table = self._table[-1]
        table.rows.append([])
        table.lines.append(self.getpos()[0])

    def _open_cell(self):
        self._cell = []

    def _close_cell(self):
        if self._cell is not None and self._table:
            if not self._table[-1].rows:
                self._new_row()
            self._table[-1].rows[-1].append("".join(self._cell))
        self._cell = None

    def _end_table(self):
        table = self._table.pop()
        if table.rows:
            self.tables.append(table)


def sniff(file: TextFile) -> str | None:
    head = file.text[:2048].lower()
    if file.path.suffix.lower() in SUFFIXES or "<html" in head or "<!doctype html" in head:
        return "HTML page (tables, or headings with lists)"
    return None


def parse(file: TextFile) -> _Parser:
    parser = _Parser()
    try:
        parser.feed(file.text)
        parser.close()
    except (AssertionError, ValueError, IndexError):  # malformed markup: keep what was read
        pass
    parser._flush()
    return parser


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    hints = dict(hints or {})
    notes: list[Diagnostic] = []
    pages = [(file, parse(file)) for file in files]
    repeated = _boilerplate([parsed for _, parsed in pages])
    built = []
    for file, parsed in pages:
        blocks = [block for block in parsed.blocks if _key(block.text) not in repeated]
        name = _page_name(parsed, blocks) or file.path.stem
        parts = _from_tables(file, parsed.tables, hints, notes)
        if parts is None:
            page = Page(file, name, blocks)
            page.level_depth = find_level_depth(blocks, hints)
            if page.level_depth:
                result = read_ladder(page, {}, hints, notes)
                parts = result[1:] if result else None
        if parts is None:
            notes.append(note("CP350", Severity.INFO, file.source(0),
                              "skipped: not framework data (no table of levels and no heading "
                              "that names a level)"))
            continue
        built.append((name, file, parts))
    if not built:
        return None, notes
    slugs = family_slugs([(name, file.path) for name, file, _ in built])
    families = [make_family(name, slug, levels, tracks, cells, file.source(1))
                for slug, (name, file, (levels, tracks, cells)) in zip(slugs, built, strict=True)]
    name = set_name([file.path for _, file, _ in built], hints, families)
    return make_framework(name, families, files[0].source(1)), notes


def _key(text: str) -> str:
    return normalise_space(re.sub(r"<br>|\*\*", " ", text)).casefold()


def _boilerplate(pages: list[_Parser]) -> set[str]:
    """Texts found on every page, when there are several pages: menus, banners, footers."""
    if len(pages) < 2:
        return set()
    counts = Counter(key for parsed in pages for key in {_key(b.text) for b in parsed.blocks})
    return {key for key, count in counts.items() if count == len(pages) and key}


def _page_name(parsed: _Parser, blocks: list[Block]) -> str:
    first = next((b for b in blocks if b.kind == "heading" and b.depth == 1), None)
    return plain_title(first.text if first else parsed.title)


def _from_tables(file: TextFile, tables: list[Table], hints: dict, notes: list[Diagnostic]):
    """(levels, tracks, cells) from the page's grid tables; None when no table is a grid."""
    found = []
    quiet: list[Diagnostic] = []  # a table that is not a grid is common (layout, legend)
    for table in tables:
        where = f"table at line {table.line}"
        lines = table.lines
        parts = grid.family_parts(
            table.rows, lambda row, _l=lines: file.source(_l[row] if row < len(_l) else 0),
            file.source(table.line), where, hints, quiet)
        if parts:
            found.append((table, parts))
    notes += [d for d in quiet if d.severity is not Severity.INFO]
    if not found:
        return None
    levels, tracks, cells = found[0][1]
    if len(found) > 1:  # several grids: each table is a track named by the heading above it
        tracks = [Track(t.slug, plain_title(found[0][0].heading) or t.name, t.areas)
                  for t in tracks]
    slugs = [level.slug for level in levels]
    for table, (more_levels, more_tracks, more_cells) in found[1:]:
        if [level.slug for level in more_levels] != slugs:
            notes.append(note("CP351", Severity.WARNING, file.source(table.line),
                              "this table's levels differ from the first table's; skipped"))
            continue
        taken = {area.slug for track in tracks for area in track.areas}
        areas = tuple(area for track in more_tracks for area in track.areas
                      if area.slug not in taken)
        name = plain_title(table.heading) or f"Table {len(tracks) + 1}"
        taken_tracks = {track.slug for track in tracks}
        tracks.append(Track(unique_slug(name, taken_tracks, "track"), name, areas))
        keep = {area.slug for area in areas}
        cells += [cell for cell in more_cells if cell.area in keep]
    return levels, tracks, cells
