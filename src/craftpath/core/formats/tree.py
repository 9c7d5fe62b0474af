"""The document tree: every input file, whatever its format, becomes a list of blocks.

A block is a heading (with its depth), a paragraph, a list item (with its nesting depth and
checkbox), a table (a grid of cells with merged cells already spread over the rows and columns
they cover), a comment or a piece of code. Each keeps its line in the file, so the import
report and diagnostics can point at it. Structured data (JSON, YAML, JavaScript object
literals) becomes headings for its keys and paragraphs and items for its values, so one
inference (`infer.py`) reads them all the same way.

The builders live in `tree_markup.py` (Markdown, HTML, Vue and Svelte components,
reStructuredText, LaTeX, plain text)
and `tree_data.py` (JSON, YAML, JavaScript, CSV, XLSX). `build(file)` picks one by suffix.
"""

from __future__ import annotations

from pathlib import Path

from . import tree_data, tree_markup
from .blocks import Block, Cell, Document, clean
from .budget import MAX_DEPTH, MAX_MARKUP_NODES, too_deep, too_many
from .inputs import TextFile

# The pieces (blocks.py) are named here too, for the readers of a tree (sections.py).
__all__ = ["Block", "Cell", "Document", "build", "clean", "kind_of"]

MARKUP_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".mdown": "markdown",
                   ".mkd": "markdown", ".html": "html", ".htm": "html", ".xhtml": "html",
                   ".rst": "rst", ".rest": "rst", ".tex": "latex", ".latex": "latex",
                   ".vue": "component", ".svelte": "component", ".txt": "text", "": "text"}
DATA_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".js": "js", ".mjs": "js",
                 ".cjs": "js", ".jsx": "js", ".ts": "js", ".tsx": "js", ".csv": "csv",
                 ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
SUFFIXES = tuple(MARKUP_SUFFIXES) + tuple(DATA_SUFFIXES)


def kind_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in DATA_SUFFIXES:
        return DATA_SUFFIXES[suffix]
    if suffix in MARKUP_SUFFIXES:
        return MARKUP_SUFFIXES[suffix]
    return None


def build(file: TextFile) -> Document:
    """The document tree of one file. Never raises for bad content: a damaged file gives the
    blocks that could be read and its problems (line, what) in `Document.problems`."""
    kind = kind_of(file.path) or "text"
    builders = {"markdown": tree_markup.markdown, "html": tree_markup.html,
                "rst": tree_markup.rst, "component": tree_markup.component,
                "latex": tree_markup.latex, "text": tree_markup.text,
                "json": tree_data.json_document, "yaml": tree_data.yaml_document,
                "js": tree_data.js_document, "csv": tree_data.csv_document,
                "xlsx": tree_data.xlsx_document}
    try:
        document = builders[kind](file)
    except RecursionError:
        return Document(file.path, kind, [], problems=[(1, "nested too deeply to read")])
    check_blocks(document, file.name)
    return document


def check_blocks(document: Document, name: str) -> None:
    """Refuse a document tree beyond the budget (budget.py), whatever built it: the inference's
    work grows with the tree's size times its depth."""
    if len(document.blocks) > MAX_MARKUP_NODES:
        raise too_many(name, "blocks", MAX_MARKUP_NODES)
    deepest = max((block.depth for block in document.blocks), default=0)
    if deepest > MAX_DEPTH:
        raise too_deep(name, "headings and lists", MAX_DEPTH)
