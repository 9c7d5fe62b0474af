"""The section tree over a set of documents: folders, files, headings, sheets and table rows
and columns are sections; paragraphs, items and cell parts are the content under them.

This is the shape the inference reads. Every piece of content is an `Entry`, which the import
report lists with the role it was given (or why it was left out), so nothing is dropped
without a word.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import normalise_key
from ..text import normalise_space
from .tree import Block, Document, clean

# Section names whose content is never statements, and the reason given in the report.
LEFT_OUT_SECTIONS = (
    (re.compile(r"^((practical|real|concrete) examples?|examples?|example (tasks?|projects?|work)|"
                r"for example|e\.g\.|"
                r"for instance|sample tasks?|illustrations?)\b", re.I), "examples"),
    (re.compile(r"^((further|suggested|recommended|additional) )?(reading( list)?|resources?|"
                r"references?|links?|books?|courses?|learning (resources|materials)|"
                r"bibliography|see also|useful links)$", re.I), "reading list"),
    (re.compile(r"^(navigation|nav|menu|contents|table of contents|toc|sidebar|breadcrumbs?|"
                r"other pages|on this page)$", re.I), "navigation"),
    (re.compile(r"^(legend|key|glossary|appendix|appendices|changelog|change log|licen[cs]e|faq|"
                r"frequently asked questions)$", re.I), "not framework content"),
    # `Misc: Tech Lead` after the ladder: a role taken at any level, not a rung of it
    (re.compile(r"^(misc|miscellaneous)\b", re.I), "miscellaneous, outside the ladder"),
    (re.compile(r"^(description|summary of the area|about|overview|introduction|intro|"
                r"notes?|cited[_ ]from|citation|source|category|id|slug|key|url|href|icon|"
                r"colou?r|image|emoji|type|path|weight|order|version|date)$", re.I),
     "a description or metadata"),
)


def left_out_reason(name: str) -> str:
    for pattern, reason in LEFT_OUT_SECTIONS:
        if pattern.search(name or ""):
            return reason
    return ""


@dataclass(eq=False)
class Entry:
    """One piece of content (or one heading/cell name) for the report."""

    file: str
    line: int
    kind: str  # heading | para | item | cell | comment | code | title
    text: str
    block: Block | None = None
    role: str = ""  # statement | family | track | level | area | left-out
    reason: str = ""  # why it was left out, or what it became
    where: str = ""  # family / level / area it went to
    chars: int | None = None  # its size when not its text's (a direct reader's whole file)

    @property
    def size(self) -> int:
        return len(self.text) if self.chars is None else self.chars


@dataclass(eq=False)
class Section:
    name: str
    kind: str  # root | folder | file | heading | sheet | row | column
    file: str = ""
    line: int = 0
    depth: int = 0  # a heading's depth
    order: float | None = None
    number: int | None = None  # a file name's leading number ("01. planning.md")
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)
    content: list[Entry] = field(default_factory=list)
    entry: Entry | None = None  # the heading (or header cell) that names it
    name_lists: list[list[str]] = field(default_factory=list)  # columns of a table of names

    def add(self, child: Section) -> Section:
        child.parent = self
        self.children.append(child)
        return child

    @property
    def key(self) -> str:
        return normalise_key(self.name) or self.name.strip().lower()

    @property
    def ancestors(self) -> list[Section]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def entries(self):
        for section in self.walk():
            yield from section.content

    def statement_like(self) -> int:
        return sum(1 for e in self.entries() if e.kind in ("para", "item", "cell") and not e.role)

    @property
    def descriptor(self) -> str:
        """How hints name this kind of section: heading-2, file-name, sheet, table-row…"""
        if self.kind == "heading" and self.depth == BOLD_DEPTH:
            return "bold-paragraph"
        return {"heading": f"heading-{self.depth}", "file": "file-name", "folder": "folder",
                "sheet": "sheet", "row": "table-row", "column": "table-column"}.get(self.kind,
                                                                                    self.kind)


def build_sections(documents: list[Document]) -> tuple[Section, list[Entry]]:
    """The section tree of the documents, and every entry (content and names) in file order."""
    root = Section("", "root")
    entries: list[Entry] = []
    common = _common_folder([d.path for d in documents])
    repeated = _repeated_texts(documents)
    wrappers = _wrappers(documents)
    folders: dict[tuple[str, ...], Section] = {(): root}
    for document in documents:
        parent = root
        parts = (document.path.resolve().relative_to(common).parts[:-1]
                 if len(documents) > 1 else ())
        for k in range(len(parts)):
            key = parts[: k + 1]
            if key not in folders:
                folders[key] = parent.add(Section(clean(parts[k]), "folder", str(document.path)))
            parent = folders[key]
        _add_document(parent, document, entries, repeated, wrappers)
    for section in list(root.walk()):
        _split_compound_names(section)
    for section in list(root.walk()):
        if section.kind == "file":
            _hoist_tagline(section)
    return root, entries


def _hoist_tagline(file: Section) -> None:
    """A page whose every section sits under one heading that is a sentence (`## The
    Engineering Manager is accountable for building high performing teams.`): that heading
    is a tagline, not a level of the page, and its sections are the page's own, so the page
    lines up with its siblings (a level is never dropped for a wrapper)."""
    if len(file.children) != 1:
        return
    tagline = file.children[0]
    words = tagline.name.split()
    if tagline.kind != "heading" or not tagline.children or \
            not (len(words) > 6 or tagline.name.rstrip().endswith(".")):
        return
    file.children = []
    file.content.extend(tagline.content)
    for child in tagline.children:
        file.add(child)
    if tagline.entry is not None:
        tagline.entry.role, tagline.entry.reason = "left-out", "a tagline around the page"


COMPOUND = re.compile(r"^(?P<outer>[^()\[\]]+?)\s*[(\[](?P<inner>[^()\[\]]+)[)\]]\s*$")


def _split_compound_names(parent: Section) -> None:
    """Sibling headings that name two things at once, `Core (Journeyman)`, `Core (Master)`,
    `Frontend (Journeyman)`…, become nested sections (Core › Journeyman) when both parts
    repeat across the siblings; the inference then decides which part is the level."""
    children = parent.children
    parts = [COMPOUND.match(c.name) for c in children]
    if len(children) < 4 or not all(parts):
        return
    outer = [clean(p["outer"]) for p in parts]
    inner = [clean(p["inner"]) for p in parts]
    if len(set(outer)) < 2 or len(set(inner)) < 2 or \
            any(outer.count(name) < 2 for name in set(outer)):
        return
    groups: dict[str, Section] = {}
    parent.children = []
    for child, outer_name, inner_name in zip(children, outer, inner, strict=True):
        group = groups.get(outer_name)
        if group is None:
            group = groups[outer_name] = parent.add(Section(
                outer_name, child.kind, child.file, child.line, child.depth))
        child.name = inner_name
        group.add(child)


def _common_folder(paths: list[Path]) -> Path:
    if not paths:
        return Path()
    parents = [p.resolve().parent.parts for p in paths]
    common = parents[0]
    for parts in parents[1:]:
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    base = Path(*common) if common else Path("/")
    return base if all(p.resolve().is_relative_to(base) for p in paths) else Path("/")


def _repeated_texts(documents: list[Document]) -> set[str]:
    """Paragraph and item texts found in most of three or more pages: navigation and
    boilerplate repeated on every page (a sidebar `div`), not content."""
    pages = [d for d in documents if d.kind in ("markdown", "html", "rst", "latex", "text")]
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for document in pages:
        counts.update({normalise_space(b.text) for b in _page_edges(document.blocks)
                       if b.kind in ("para", "item") and b.text.strip()})
    return {text for text, n in counts.items() if n >= max(3, 0.6 * len(pages))}


def _top_headings(document: Document) -> list[Block]:
    headings = [b for b in document.blocks if b.kind == "heading" and b.text and not b.skip]
    top = min((h.depth for h in headings), default=0)
    return [h for h in headings if h.depth == top]


def _wrappers(documents: list[Document]) -> set[str]:
    """Top headings repeated on three or more pages, each time beside a top heading of that
    page's own (`# IC3 Engineer` then `# Core Responsibilities` on every level's page): a
    wrapper around the page's content, neither a level nor a family."""
    pages = [d for d in documents if d.kind in ("markdown", "html", "rst", "latex", "text")]
    if len(pages) < 3:
        return set()
    tops = [[normalise_space(h.text) for h in _top_headings(d)] for d in pages]
    counts: Counter[str] = Counter(name for names in tops for name in set(names))
    beside_own: Counter[str] = Counter(
        name for names in tops if any(counts[n] == 1 for n in names)
        for name in set(names) if counts[name] >= 3)
    return {name for name, n in beside_own.items() if n >= 3}


def _page_edges(blocks: list[Block]) -> list[Block]:
    """The blocks before a page's first heading, where a menu rendered on every page sits
    (a footer is found by its tag; after the last heading, repeats are usually content)."""
    heads = [i for i, b in enumerate(blocks) if b.kind == "heading"]
    return blocks[: heads[0]] if heads else []


def _file_name(path: Path) -> str:
    stem = re.sub(r"^\d+[\s._\-]*", "", path.stem) or path.stem
    return clean(re.sub(r"[_\-]+", " ", stem)) or path.stem


def _add_document(parent: Section, document: Document, entries: list[Entry],
                  repeated: set[str], wrappers: set[str] = frozenset()) -> None:
    name = str(document.path)
    blocks = document.blocks
    headings = [b for b in blocks if b.kind == "heading" and b.text and not b.skip
                and normalise_space(b.text) not in wrappers]
    lone_title = None
    if headings and headings[0].depth == min(h.depth for h in headings) and \
            sum(1 for h in headings if h.depth == headings[0].depth) == 1 and \
            headings[0].depth == 1 and document.kind not in ("data", "sheet"):
        # a workbook's one sheet is still a sheet (an area, a level), not the file's title
        lone_title = headings[0]
    title = document.title or (lone_title.text if lone_title else "") or _file_name(document.path)
    file_section = parent.add(Section(title, "file", name, 1, order=document.order,
                                      number=_leading_number(document.path.stem)))
    stack: list[Section] = [file_section]
    for index, block in enumerate(blocks):
        if _names_a_list(blocks, index):
            # a stand-alone bold name before a list heads that list, one step below every
            # heading: the next heading (or bold name) closes it
            while len(stack) > 1 and stack[-1].kind == "heading" and \
                    stack[-1].depth >= BOLD_DEPTH:
                stack.pop()
            entry = Entry(name, block.line, "heading", block.title, block)
            entries.append(entry)
            section = stack[-1].add(Section(block.title, "heading", name, block.line,
                                            BOLD_DEPTH, entry=entry))
            stack.append(section)
            described = normalise_space(block.text)[len(block.title):].strip()
            if described:
                note = Entry(name, block.line, "para", described, None, "left-out",
                             "a description of what follows")
                entries.append(note)
                section.content.append(note)
            continue
        if block.kind == "heading" and block.text and not block.skip:
            entry = Entry(name, block.line, "heading", block.text, block)
            entries.append(entry)
            if normalise_space(block.text) in wrappers:
                # its content belongs to what is around it: the page
                entry.role, entry.reason = "left-out", "a wrapper repeated on every page"
                while len(stack) > 1 and stack[-1].kind in ("heading", "sheet") and \
                        stack[-1].depth >= block.depth:
                    stack.pop()
                continue
            if block is lone_title:
                entry.role, entry.reason = "title", "the page's title"
                file_section.entry = entry
                continue
            while len(stack) > 1 and stack[-1].kind in ("heading", "sheet") and \
                    stack[-1].depth >= block.depth:
                stack.pop()
            kind = "sheet" if document.kind == "sheet" else "heading"
            section = stack[-1].add(Section(block.text, kind, name, block.line, block.depth,
                                            order=block.order, entry=entry))
            stack.append(section)
            continue
        if block.kind == "table":
            _add_table(stack[-1], block, name, entries)
            continue
        entry = Entry(name, block.line, block.kind, block.text, block)
        entries.append(entry)
        if block.skip:
            entry.role, entry.reason = "left-out", block.skip
        elif block.kind in ("para", "item") and normalise_space(block.text) in repeated:
            entry.role, entry.reason = "left-out", "navigation (repeated on most pages)"
        stack[-1].content.append(entry)


BOLD_DEPTH = 7  # a bold name before a list: below headings 1 to 6


def _names_a_list(blocks: list[Block], index: int) -> bool:
    block = blocks[index]
    if block.kind != "para" or not block.title or block.skip:
        return False
    # the next block that counts, without copying the rest of the page for each block
    following = next((blocks[i] for i in range(index + 1, len(blocks)) if not blocks[i].skip),
                     None)
    return following is not None and following.kind == "item" and following.depth == 0


def _leading_number(stem: str) -> int | None:
    found = re.match(r"^(\d+)", stem)
    return int(found.group(1)) if found else None


def _add_table(parent: Section, block: Block, file: str, entries: list[Entry]) -> None:
    """A table as sections: a row section per body row (named by its first cell, or by the
    last of its leading label columns), holding a column section per other column."""
    rows = [row for row in block.rows if any(c.parts for c in row)]
    width = max((len(r) for r in rows), default=0)
    if len(rows) < 2 or width < 2:
        for row in rows:
            for cell in row:
                for part in cell.parts:
                    entry = Entry(file, cell.line or block.line, "item", part, block)
                    entries.append(entry)
                    parent.content.append(entry)
        return
    rows = [row + [type(row[0])([])] * (width - len(row)) for row in rows]
    header, body = rows[0], rows[1:]
    label_columns = _label_columns(header, body)
    if len(label_columns) >= width - 1 and width > 2 or width == 2 and \
            all(len(row[1].text.split()) <= 3 for row in body) or _only_names(body):
        entry = Entry(file, block.line, "cell", " ".join(c.text for r in rows for c in r),
                      block, "left-out", "a table of names or figures, not of expectations")
        entries.append(entry)
        parent.content.append(entry)
        parent.name_lists.extend([clean(row[c].text) for row in body] for c in range(width))
        return
    name_column = max(label_columns) if label_columns else 0
    corner = Entry(file, block.line, "cell", " ".join(c.text for c in header[:name_column + 1]),
                   block, "left-out", "a table's corner (header of the name column)")
    entries.append(corner)
    column_names = {}
    for c in range(width):
        if c in label_columns or c == name_column:
            continue
        entry = Entry(file, block.line, "heading", clean(header[c].text), block)
        entries.append(entry)
        column_names[c] = entry
    if width == 2:
        _add_pairs(parent, body, header, file, block, entries)
        return
    for row in body:
        row_entry = Entry(file, row[0].line or block.line, "heading",
                          clean(row[name_column].text), block)
        entries.append(row_entry)
        row_section = parent.add(Section(row_entry.text, "row", file, row_entry.line,
                                         entry=row_entry))
        for c in label_columns:
            if c != name_column and row[c].text:
                label = Entry(file, row_entry.line, "cell", row[c].text, block, "left-out",
                              f"a label column ({clean(header[c].text) or c + 1})")
                entries.append(label)
                row_section.content.append(label)
        for c, head in column_names.items():
            column = row_section.add(Section(head.text, "column", file, row_entry.line,
                                             entry=head))
            parts = row[c].parts
            for part in parts:
                kind = "cell" if len(parts) == 1 else "item"
                entry = Entry(file, row[c].line or row_entry.line, kind, part, block)
                entries.append(entry)
                column.content.append(entry)


def _only_names(body) -> bool:
    """Whether most cells are figures (`0-1`, `**5**`), or every cell is a short name and
    names come back (`L3`, `VS Architect` in a table of next levels): a table of points,
    titles or paths, never of expectations, whatever its shape."""
    filled = [cell for row in body for cell in row[1:] if cell.text]
    cells = [cell.text for cell in filled]
    figures = [text for text in cells if not any(ch.isalpha() for ch in text)]
    # a cell that is only a link is a title pointing at its section, however long
    names = all(cell.link or _words(cell.text) <= 3 and len(cell.text) <= 30
                for cell in filled) and \
        len(set(cells)) <= 0.8 * len(cells)
    return len(cells) >= 4 and (len(figures) >= 0.6 * len(cells) or names)


def _words(text: str) -> int:
    """Words of a name, neither a dash between its code and title nor a bare number counted
    (`TL4 - Tech Lead 4` has three)."""
    return sum(1 for word in text.split() if any(ch.isalpha() for ch in word))


def _add_pairs(parent: Section, body, header, file: str, block, entries) -> None:
    """A two-column table is a list of (name, text) pairs: a row section per name (rows of one
    merged name together) holding the text."""
    section = None
    # the first row is a header unless its first cell is merged down into the next rows
    merged_header = bool(body) and clean(header[0].text) == clean(body[0][0].text)
    if not merged_header:
        entries.append(Entry(file, block.line, "cell", f"{header[0].text} {header[1].text}",
                             block, "left-out", "a table's header row"))
    for row in ([header] if merged_header else []) + body:
        name = clean(row[0].text)
        if section is None or section.name != name:
            row_entry = Entry(file, row[0].line or block.line, "heading", name, block)
            entries.append(row_entry)
            section = parent.add(Section(name, "row", file, row_entry.line, entry=row_entry))
        parts = row[1].parts
        for part in parts:
            entry = Entry(file, row[1].line or section.line, "cell" if len(parts) == 1
                          else "item", part, block)
            entries.append(entry)
            section.content.append(entry)


def _label_columns(header, body) -> set[int]:
    """Leading columns of short names (a code, a title), not of expectations. When the other
    headers are a numbered series (`Level 1`, `Level 2`…), those columns hold the content
    however short it is, and only the first column names the rows."""
    if len(header) > 2 and all(any(ch.isdigit() for ch in cell.text) for cell in header[1:]):
        return {0}
    labels = set()
    for c in range(len(header) - 1):
        values = [row[c].text for row in body if row[c].text]
        short = values and len(set(values)) == len(values) and all(
            len(v.split()) <= 4 and len(row[c].parts) <= 1 and len(v) <= 40
            for row, v in zip(body, values, strict=False))
        if not short:
            break
        labels.add(c)
    return labels or {0}
