"""The document tree's pieces: a Document is a list of Blocks (headings, paragraphs, items,
tables of Cells, comments, code), each with its line in the file. The builders
(`tree_markup.py`, `tree_data.py`) make them; `tree.py` picks a builder for a file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..text import normalise_space


@dataclass
class Cell:
    """One table cell: its parts (list items, `<br>`-separated pieces, or the whole text)."""

    parts: list[str]
    line: int = 0
    link: bool = False  # the cell is one link and nothing else (a title linking to its section)

    @property
    def text(self) -> str:
        return " ".join(self.parts)


@dataclass
class Block:
    kind: str  # heading | para | item | table | comment | code
    text: str = ""
    line: int = 0
    depth: int = 0  # a heading's depth (1 = top); an item's nesting (0 = top level)
    lead: str = ""  # a bold lead-in (`**Area:** text`) or the key a data value sat under
    checked: bool | None = None  # a checkbox item: [x] True, [ ] False
    numbered: bool = False  # an item of a numbered list
    rows: list[list[Cell]] = field(default_factory=list)  # a table's grid, header row first
    order: float | None = None  # a heading's explicit order (front matter weight, a key)
    skip: str = ""  # set by a builder when it knows the block is not content (navigation)
    # a paragraph that is only a bold name, perhaps with an emphasised description
    # (`**Impact**`, `<p><strong>Scope</strong> <em>what it covers</em></p>`): the name
    title: str = ""


@dataclass
class Document:
    path: Path
    kind: str  # markdown | html | rst | latex | text | data | sheet
    blocks: list[Block]
    front: dict = field(default_factory=dict)  # front matter, when there is any
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, what went wrong)

    @property
    def title(self) -> str:
        """The front matter's title, else nothing: a lone H1 is found by the inference."""
        for key in ("title", "linktitle", "name"):
            value = self.front.get(key)
            if isinstance(value, str | int | float) and str(value).strip():
                return clean(str(value))
        return ""

    @property
    def order(self) -> float | None:
        for key in ("weight", "order", "nav_order", "sort", "position", "level", "rank"):
            value = self.front.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
        return None


EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3]+")


def clean(text: str) -> str:
    """Text as a name: emoji and surrounding symbols dropped, spaces normalised."""
    text = normalise_space(EMOJI.sub(" ", str(text)))
    return text.strip(" *_#:|-–—>").strip()
