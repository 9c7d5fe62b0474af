"""Tree builders for marked-up text: Markdown (markdown-it-py), HTML (html5lib), reStructuredText
(docutils) and LaTeX (pylatexenc). Each returns a `tree.Document`; none raises on bad input.

Line breaks that separate statements (`<br>`, a LaTeX `\\\\` outside tables) are kept as "\\n"
inside a block's text; soft line breaks become spaces.
"""

from __future__ import annotations

import io
import re

import yaml

from ..text import normalise_space
from .blocks import Block, Cell, Document, clean
from .budget import (
    MAX_MARKUP_DEPTH,
    MAX_MARKUP_NODES,
    check_tree,
    load_yaml,
    too_deep,
    too_many,
)
from .inputs import TextFile

FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^---[ \t]*$\r?\n?",
                          re.DOTALL | re.MULTILINE)
CHECKBOX = re.compile(r"^\[( |x|X)\]\s+")
LEAD_END = re.compile(r"^\s*[:：\-–—]\s*")
NAVIGATION_HINTS = ("nav", "sidebar", "menu", "toc", "breadcrumb", "footer", "header")
BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


# --- front matter --------------------------------------------------------------------------------

def split_front_matter(text: str, name: str) -> tuple[dict, str, int, list[tuple[int, str]]]:
    """(front matter, body, line the body starts on, problems). A tab in the front matter is
    read as spaces, since YAML forbids tabs for indentation and people type them anyway."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1, []
    offset = text[: match.end()].count("\n")
    raw = match.group(1)
    problems = []
    for attempt in (raw, raw.replace("\t", "  ")):
        try:
            data = load_yaml(attempt, name)
            break
        except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
            mark = getattr(error, "problem_mark", None)
            data = None
            problem = (2 + mark.line if mark else 1,
                       f"front matter is not valid YAML: {getattr(error, 'problem', error)}")
    else:
        problems.append(problem)
    return (data if isinstance(data, dict) else {}), text[match.end():], offset + 1, problems


# --- Markdown ------------------------------------------------------------------------------------

def markdown(file: TextFile) -> Document:
    from markdown_it import MarkdownIt

    front, body, first_line, problems = split_front_matter(file.text, file.name)
    parser = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    try:
        tokens = parser.parse(_tables_held_together(body))
    except Exception as error:  # noqa: BLE001 - a parser bug must become a diagnostic
        return Document(file.path, "markdown", [], front,
                        problems + [(first_line, f"Markdown could not be parsed ({error})")])
    if len(tokens) > MAX_MARKUP_NODES:
        raise too_many(file.name, "Markdown elements", MAX_MARKUP_NODES)
    if max((token.level for token in tokens), default=0) > MAX_MARKUP_DEPTH:
        raise too_deep(file.name, "Markdown elements", MAX_MARKUP_DEPTH)
    blocks = MarkdownWalk(tokens, first_line, file.name).blocks()
    return Document(file.path, "markdown", blocks, front, problems)


TABLE_OPEN = re.compile(r"<table\b", re.I)
TABLE_CLOSE = re.compile(r"</table\s*>", re.I)
FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def _tables_held_together(text: str) -> str:
    """Markdown with the blank lines inside an HTML `<table>` filled with an empty comment:
    CommonMark ends an HTML block at a blank line, which would cut a table written with a
    blank line between its rows into pieces. Lines keep their numbers."""
    lines = text.split("\n")
    depth, fenced = 0, False
    for n, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        if fenced:
            continue
        if depth > 0 and not line.strip():
            lines[n] = "<!-- -->"
        depth = max(0, depth + len(TABLE_OPEN.findall(line)) - len(TABLE_CLOSE.findall(line)))
    return "\n".join(lines)


class MarkdownWalk:
    def __init__(self, tokens, first_line: int, name: str = "Markdown"):
        self.tokens = tokens
        self.first_line = first_line
        self.name = name  # the file, for a refusal by the budget
        self.out: list[Block] = []

    def line(self, token) -> int:
        return self.first_line + (token.map[0] if token.map else 0)

    def blocks(self) -> list[Block]:
        tokens, i = self.tokens, 0
        lists: list[bool] = []  # numbered?, per open list
        item: Block | None = None
        links: dict[int, list[tuple[Block, bool]]] = {}  # per list: (item, only a link?)
        opened = 0
        list_of: list[int] = []  # the open lists' numbers
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "heading_open":
                text, _ = inline_text(tokens[i + 1])
                self.out.append(Block("heading", clean(text), self.line(token),
                                      depth=int(token.tag[1])))
                i += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                lists.append(kind == "ordered_list_open")
                opened += 1
                list_of.append(opened)
            elif kind in ("bullet_list_close", "ordered_list_close"):
                lists.pop()
                self._skip_link_lists(links.pop(list_of.pop(), []))
            elif kind == "list_item_open":
                item = Block("item", "", self.line(token), depth=len(lists) - 1,
                             numbered=lists[-1] if lists else False)
                self.out.append(item)
            elif kind == "list_item_close":
                item = None
            elif kind == "inline":
                text, lead = inline_text(token)
                if item is not None and not item.text:
                    checkbox = CHECKBOX.match(text)
                    if checkbox:
                        item.checked = checkbox.group(1) != " "
                        text = text[checkbox.end():]
                    item.text, item.lead = text, lead
                    links.setdefault(list_of[-1], []).append((item, _only_a_link(token)))
                elif item is not None and tokens[i - 1].type == "paragraph_open" and \
                        self.out[-1] is item:
                    item.text += "\n" + text  # a second paragraph of the same item
                else:
                    self.out.append(Block("para", text, self.line(tokens[i - 1]), lead=lead,
                                          title=bold_title(token)))
            elif kind == "table_open":
                i = self.table(i)
                continue
            elif kind in ("fence", "code_block"):
                self.out.append(Block("code", token.content, self.line(token)))
            elif kind == "html_block":
                self.out.extend(html_fragment(token.content, self.line(token), name=self.name))
            i += 1
        return [b for b in self.out if b.kind != "item" or b.text or b.checked is not None]

    @staticmethod
    def _skip_link_lists(items: list[tuple[Block, bool]]) -> None:
        """A list of two or more items that are each only a link is a menu (Home, All
        levels, Contact), not expectations: its items are left out as navigation."""
        if len(items) >= 2 and all(only for _, only in items):
            for block, _ in items:
                block.skip = "navigation (a list of links)"

    def table(self, i: int) -> int:
        tokens = self.tokens
        block = Block("table", "", self.line(tokens[i]))
        row: list[Cell] | None = None
        while i < len(tokens) and tokens[i].type != "table_close":
            token = tokens[i]
            if token.type == "tr_open":
                row = []
                block.rows.append(row)
            elif token.type == "inline" and row is not None:
                text, _ = inline_text(token)
                parts = [normalise_space(p) for p in text.split("\n")]
                row.append(Cell([p for p in parts if p], self.line(token) or block.line,
                                link=_only_a_link(token)))
            i += 1
        self.out.append(block)
        return i + 1


def _only_a_link(token) -> bool:
    """Whether an inline token is one link and nothing else (emphasis inside it allowed)."""
    children = [c for c in token.children or []
                if not (c.type == "text" and not c.content.strip())]
    return len(children) >= 3 and children[0].type == "link_open" and \
        children[-1].type == "link_close" and \
        not any(c.type in ("link_open", "link_close") for c in children[1:-1])


def bold_title(token) -> str:
    """The bold name of a paragraph that is only that name, maybe followed by an emphasised
    description on its own (`**Impact**`, `**Scope**\\n*what it covers*`); else ""."""
    children = [c for c in token.children or [] if not (c.type == "text" and
                                                        not c.content.strip())]
    if len(children) < 3 or children[0].type != "strong_open":
        return ""
    close = next((i for i, c in enumerate(children) if c.type == "strong_close"), None)
    if close is None or any(c.type not in ("text", "code_inline") for c in children[1:close]):
        return ""
    rest = [c.type for c in children[close + 1:] if c.type not in ("softbreak", "hardbreak")]
    if rest and (rest[0] != "em_open" or rest[-1] != "em_close" or
                 rest.count("em_open") != 1):
        return ""
    return _title_name("".join(c.content for c in children[1:close]))


def _title_name(text: str) -> str:
    """A bold line as a name: short, and not a sentence."""
    name = clean(text)
    return name if 0 < len(name) < 80 and not name.endswith((".", "!", "?")) else ""


def inline_text(token) -> tuple[str, str]:
    """The plain text of an inline token ("\\n" for `<br>`), and its bold lead-in if it opens
    with one (`**Area:** text` or `**Area**: text`); the lead-in is then cut from the text."""
    children = [c for c in token.children or [] if not (c.type == "text" and not c.content)]
    pieces: list[str] = []
    lead = ""
    bold_start = bool(children) and children[0].type == "strong_open"
    bold_text: list[str] = []
    in_bold = False
    for index, child in enumerate(children):
        kind = child.type
        if kind == "strong_open":
            in_bold = True
            continue
        if kind == "strong_close":
            in_bold = False
            if bold_start and not lead and index + 1 <= len(children):
                candidate = "".join(bold_text)
                rest = "".join(c.content for c in children[index + 1:] if c.type == "text")
                if candidate.rstrip().endswith((":", "：")) or LEAD_END.match(rest or ""):
                    if (rest.strip() or candidate.rstrip().endswith(":")) and len(candidate) < 80:
                        lead = clean(candidate)
                        pieces = []
                        bold_start = False
                        continue
            bold_start = False
            continue
        if kind in ("text", "code_inline"):
            piece = child.content
        elif kind == "softbreak":
            piece = " "
        elif kind == "hardbreak":
            piece = "\n"
        elif kind == "html_inline":
            piece = "\n" if BR.fullmatch(child.content.strip()) else ""
        elif kind == "image":
            piece = ""
        else:
            continue
        if in_bold and bold_start:
            bold_text.append(piece)
        pieces.append(piece)
    text = "".join(pieces)
    if lead:
        text = LEAD_END.sub("", text, count=1)
    return "\n".join(normalise_space(p) for p in text.split("\n")).strip(), lead


# --- HTML ----------------------------------------------------------------------------------------

def html(file: TextFile) -> Document:
    front, body, first_line, problems = split_front_matter(file.text, file.name)
    return Document(file.path, "html", html_fragment(body, first_line, whole=True, name=file.name),
                    front, problems)


def html_fragment(source: str, first_line: int, whole: bool = False,
                  name: str = "HTML") -> list[Block]:
    """The blocks of HTML `source` (a page, or a fragment inside Markdown); `name`: the file,
    named when the budget refuses it."""
    import html5lib

    check_html_depth(source, name)
    try:
        if whole:
            root = html5lib.parse(source, treebuilder="etree", namespaceHTMLElements=False)
        else:
            root = html5lib.parseFragment(source, treebuilder="etree",
                                          namespaceHTMLElements=False)
    except Exception:  # noqa: BLE001 - html5lib recovers from nearly anything; belt and braces
        return [Block("para", normalise_space(re.sub(r"<[^>]+>", " ", source)), first_line)]
    check_tree(root, list, name, "HTML elements")  # the walk below recurses per element
    walk = HtmlWalk(source, first_line)
    walk.element(root, "")
    walk.flush()
    return walk.out


def component(file: TextFile) -> Document:
    """A Vue or Svelte single-file component: its markup, read as HTML. Vue keeps it in the
    top-level `<template>`; Svelte around its `<script>` and `<style>` blocks. The code is
    never run, and directives (`v-for`, `{#each}`) stay as the text they are."""
    text = file.text
    start, end = 0, len(text)
    opening = re.search(r"^<template\b[^>]*>", text, re.M)
    if opening:
        closing = [m.start() for m in re.finditer(r"^</template\s*>", text, re.M)]
        start = opening.end()
        end = max((c for c in closing if c > start), default=end)
    # code blocks become as many blank lines, so the lines of the markup stay right
    markup = COMPONENT_CODE.sub(lambda m: "\n" * m.group().count("\n"), text[start:end])
    first_line = 1 + text.count("\n", 0, start)
    return Document(file.path, "html", html_fragment(markup, first_line, name=file.name))


COMPONENT_CODE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.I)


HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?(/?)>")
HTML_RAW = re.compile(r"<!--.*?-->|<(script|style|textarea)\b.*?</\1\s*>", re.DOTALL | re.I)
# Elements that never nest (void) or whose end tag may be left out: they are not counted.
HTML_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "param", "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th",
             "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rp", "colgroup",
             "caption", "html", "head", "body"}


def check_html_depth(source: str, name: str) -> None:
    """Refuse HTML whose elements nest beyond the budget, counted from its tags before
    html5lib parses it: html5lib's time grows with the square of the nesting (12,000 nested
    `<div>`s, 72 KB, take it 80 s)."""
    depth = 0
    for match in HTML_TAG.finditer(HTML_RAW.sub("", source)):
        closing, tag, self_closing = match.groups()
        if tag.lower() in HTML_FLAT or self_closing:
            continue
        if closing:
            depth = max(0, depth - 1)
            continue
        depth += 1
        if depth > MAX_MARKUP_DEPTH:
            raise too_deep(name, "HTML elements", MAX_MARKUP_DEPTH)


class HtmlWalk:
    SKIP = {"script", "style", "head", "template", "noscript", "svg", "picture", "img",
            "iframe", "button", "form", "input", "select"}
    BLOCK = {"div", "section", "article", "main", "body", "html", "blockquote", "center",
             "figure", "dl", "dd", "dt", "details", "header", "footer", "aside", "nav"}

    def __init__(self, source: str, first_line: int):
        self.source = source
        self.first_line = first_line
        self.cursor = 0
        self.out: list[Block] = []
        self.loose: list[str] = []
        self.heading_depth = 0

    def line_of(self, text: str) -> int:
        """Where `text` first appears after the last found place: html5lib keeps no lines."""
        probe = normalise_space(text)[:25]
        if probe:
            found = self.source.find(probe, self.cursor)
            if found < 0:
                found = self.source.find(probe.split(" ")[0], self.cursor)
            if found >= 0:
                self.cursor = found
        return self.first_line + self.source.count("\n", 0, self.cursor)

    def add(self, block: Block, skip: str) -> None:
        block.line = self.line_of(block.text or (block.rows[0][0].text if block.rows
                                                 and block.rows[0] else ""))
        block.skip = skip
        self.out.append(block)

    def flush(self, skip: str = "") -> None:
        text = normalise_space(" ".join(self.loose))
        self.loose = []
        if text:
            self.add(Block("para", text), skip)

    def element(self, node, skip: str) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag:  # a comment (or a processing instruction)
            self.flush(skip)
            comment = normalise_space(node.text or "")
            if comment:
                self.add(Block("comment", comment), skip)
            if node.tail and node.tail.strip():
                self.loose.append(node.tail)
            return
        tag = tag.lower()
        if tag in self.SKIP:
            self.tail(node)
            return
        if not skip and is_navigation(node, tag):
            skip = "navigation"
        if re.fullmatch(r"h[1-6]", tag):
            self.flush(skip)
            self.heading_depth = int(tag[1])
            self.add(Block("heading", clean(text_of(node)), depth=int(tag[1])), skip)
        elif tag == "summary":
            self.flush(skip)
            self.add(Block("heading", clean(text_of(node)), depth=min(6, self.heading_depth + 1)),
                     skip)
        elif tag in ("p", "dt") or (tag in ("dd",) and not has_block_child(node)):
            self.flush(skip)
            text, lead = lead_in(node)
            if text or lead:
                self.add(Block("para", text, lead=lead, title=html_bold_title(node)), skip)
        elif tag in ("ul", "ol"):
            self.flush(skip)
            self.items(node, tag == "ol", 0, skip)
        elif tag == "table":
            self.flush(skip)
            self.add(Block("table", rows=table_grid(node)), skip)
        elif tag == "pre":
            self.flush(skip)
            self.add(Block("code", "".join(node.itertext())), skip)
        elif tag in self.BLOCK or tag.startswith(("section", "div", "document")) or \
                has_block_child(node):
            self.flush(skip)
            if node.text and node.text.strip():
                self.loose.append(node.text)
            for child in node:
                self.element(child, skip)
            self.flush(skip)
        elif tag == "br":
            self.flush(skip)
        else:  # inline markup outside a paragraph: loose text
            self.loose.append(text_of(node, keep_breaks=False))
        self.tail(node)

    def tail(self, node) -> None:
        if node.tail and node.tail.strip():
            self.loose.append(node.tail)

    def items(self, node, numbered: bool, depth: int, skip: str) -> None:
        for child in node:
            if not isinstance(child.tag, str) or child.tag.lower() != "li":
                continue
            text, lead = lead_in(child, nested_lists=False)
            checked = None
            box = child.find(".//input")
            if box is not None and (box.get("type") or "").lower() == "checkbox":
                checked = box.get("checked") is not None
            self.add(Block("item", text, depth=depth, lead=lead, numbered=numbered,
                           checked=checked), skip)
            for sub in child.iter():
                if sub is not child and isinstance(sub.tag, str) and sub.tag.lower() in ("ul",
                                                                                         "ol"):
                    if _direct_list(child, sub):
                        self.items(sub, sub.tag.lower() == "ol", depth + 1, skip)


def _direct_list(item, lst) -> bool:
    """Whether `lst` is a list of `item` itself, not of a deeper item."""
    for li in item.iter("li"):
        if li is not item and any(sub is lst for sub in li.iter()):
            return False
    return True


def is_navigation(node, tag: str) -> bool:
    if tag in PAGE_CONTAINERS:  # `<body class="nav-left">` styles the page; it is all of it
        return False
    if tag in ("nav", "aside", "footer", "header"):
        return True
    if (node.get("role") or "").lower() == "navigation":
        return True
    names = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
    return any(re.search(rf"(^|[\s_\-]){hint}($|[\s_\-s])", names) for hint in NAVIGATION_HINTS)


def has_block_child(node) -> bool:
    return any(isinstance(c.tag, str) and c.tag.lower() in BLOCK_TAGS for c in node)


PAGE_CONTAINERS = ("html", "body", "main", "article")
BLOCK_TAGS = ("p", "ul", "ol", "table", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section",
              "details", "pre", "blockquote", "dl")


def text_of(node, keep_breaks: bool = True, nested_lists: bool = True) -> str:
    """The text of an element; `<br>` as "\\n" when `keep_breaks`; without nested lists when
    `nested_lists` is false (a list item's own text)."""
    pieces: list[str] = []

    def add(text: str | None) -> None:
        # a line break in the source is a hard wrap, not a break: only `<br>` and blocks break
        if text:
            pieces.append(text.replace("\r", " ").replace("\n", " "))

    def visit(element, top: bool) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if not tag:
            add(element.tail)
            return
        if tag in HtmlWalk.SKIP or (not nested_lists and not top and tag in ("ul", "ol")):
            add(element.tail)
            return
        if tag == "br":
            pieces.append("\n" if keep_breaks else " ")
        else:
            add(element.text)
        for child in element:
            visit(child, False)
        if tag in ("p", "div", "li") and not top and keep_breaks:
            pieces.append("\n")
        if not top:
            add(element.tail)

    visit(node, True)
    text = "".join(pieces).replace("\xa0", " ")
    return "\n".join(p for p in (normalise_space(x) for x in text.split("\n")) if p)


def html_bold_title(node) -> str:
    """The bold name of a paragraph that is only that name, maybe followed by an emphasised
    description (`<p><strong>Scope</strong> <em>what it covers</em></p>`); else ""."""
    children = [c for c in node if isinstance(c.tag, str)]
    if not children or (node.text or "").strip() or children[0].tag.lower() not in ("strong",
                                                                                     "b"):
        return ""
    first, rest = children[0], children[1:]
    if any(isinstance(c.tag, str) and c.tag.lower() not in ("em", "i") for c in first):
        return ""
    if any(c.tag.lower() not in ("em", "i", "br") or (c.tail or "").strip() for c in rest) or \
            (first.tail or "").strip():
        return ""
    return _title_name("".join(first.itertext()))


def lead_in(node, nested_lists: bool = True) -> tuple[str, str]:
    """(text, bold lead-in) of a paragraph or list item: `<strong>Area:</strong> text`."""
    text = text_of(node, nested_lists=nested_lists)
    first = next((c for c in node if isinstance(c.tag, str)), None)
    starts_bold = first is not None and first.tag.lower() in ("strong", "b") and \
        not (node.text or "").strip()
    if starts_bold:
        bold = normalise_space("".join(first.itertext()))
        rest = text[len(bold):] if text.startswith(bold) else ""
        if bold and len(bold) < 80 and (bold.endswith((":", "：")) or LEAD_END.match(rest)) \
                and rest.strip(" :-–—"):
            return LEAD_END.sub("", rest, count=1).strip(), clean(bold)
    return text, ""


def table_grid(table) -> list[list[Cell]]:
    """The rows of an HTML table with rowspan and colspan spread: a merged cell appears in
    every row and column it covers."""
    rows = [tr for tr in table.iter() if isinstance(tr.tag, str) and tr.tag.lower() == "tr"
            and _owning_table(table, tr)]
    grid: list[list[Cell | None]] = []
    for r, tr in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            cell = Cell(cell_parts(td))
            rowspan = _span(td.get("rowspan"))
            colspan = _span(td.get("colspan"))
            for dr in range(rowspan):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                while len(target) < c + colspan:
                    target.append(None)
                for dc in range(colspan):
                    target[c + dc] = cell
            c += colspan
    return [[cell or Cell([]) for cell in row] for row in grid if row]


def _owning_table(table, tr) -> bool:
    """Whether `tr` belongs to `table` and not to a table nested inside it."""
    for inner in table.iter():
        if inner is not table and isinstance(inner.tag, str) and inner.tag.lower() == "table":
            if any(x is tr for x in inner.iter()):
                return False
    return True


def _span(value) -> int:
    try:
        return max(1, min(int(value), 50))
    except (TypeError, ValueError):
        return 1


def cell_parts(td) -> list[str]:
    """A cell's statements-to-be: its list items, else its `<br>`/paragraph parts."""
    items = [text_of(li, keep_breaks=False, nested_lists=False)
             for li in td.iter() if isinstance(li.tag, str) and li.tag.lower() == "li"]
    items = [i for i in items if i]
    if items:
        return items
    return [p for p in text_of(td).split("\n") if p.strip()]


# --- reStructuredText ----------------------------------------------------------------------------

def rst(file: TextFile) -> Document:
    from docutils import nodes
    from docutils.core import publish_doctree

    warnings = io.StringIO()
    try:
        tree = publish_doctree(file.text, settings_overrides={
            "report_level": 5, "halt_level": 5, "warning_stream": warnings,
            "file_insertion_enabled": False, "raw_enabled": False, "doctitle_xform": False,
            "input_encoding": "unicode"})
    except RecursionError:  # docutils parses nested blocks by recursion
        raise too_deep(file.name, "reStructuredText blocks", MAX_MARKUP_DEPTH) from None
    except Exception as error:  # noqa: BLE001 - docutils raises many kinds on damaged input
        return Document(file.path, "rst", [], problems=[(1, f"reStructuredText could not be "
                                                            f"parsed ({error})")])
    check_tree(tree, lambda node: getattr(node, "children", ()), file.name,
               "reStructuredText elements")
    out: list[Block] = []

    def line(node) -> int:
        while node is not None:
            if getattr(node, "line", None):
                return node.line
            node = node.parent
        return 0

    def walk(node, depth: int, list_depth: int) -> None:
        for child in node.children:
            if isinstance(child, nodes.section):
                walk(child, depth + 1, list_depth)
            elif isinstance(child, nodes.title):
                out.append(Block("heading", clean(child.astext()), line(child), depth=depth))
            elif isinstance(child, nodes.paragraph):
                text, lead = _rst_lead(child, nodes)
                out.append(Block("para", text, line(child), lead=lead))
            elif isinstance(child, nodes.bullet_list | nodes.enumerated_list):
                numbered = isinstance(child, nodes.enumerated_list)
                for item in child.children:
                    first = next((c for c in item.children if isinstance(c, nodes.paragraph)),
                                 None)
                    text, lead = _rst_lead(first, nodes) if first is not None else ("", "")
                    out.append(Block("item", text, line(item) or line(first), depth=list_depth,
                                     lead=lead, numbered=numbered))
                    walk(_without_first_para(item, first), depth, list_depth + 1)
            elif isinstance(child, nodes.table):
                out.append(Block("table", "", line(child), rows=_rst_grid(child, nodes)))
            elif isinstance(child, nodes.literal_block | nodes.comment):
                out.append(Block("code" if isinstance(child, nodes.literal_block) else "comment",
                                 child.astext(), line(child)))
            elif isinstance(child, nodes.system_message):
                continue
            elif isinstance(child, nodes.Element):
                walk(child, depth, list_depth)

    walk(tree, 0, 0)
    problems = [(0, normalise_space(m)) for m in warnings.getvalue().splitlines()[:3] if m]
    return Document(file.path, "rst", out, problems=problems)


def _without_first_para(item, first):
    clone = item.deepcopy()
    clone.children = [c for c, original in zip(clone.children, item.children, strict=False)
                      if original is not first]
    return clone


def _rst_lead(paragraph, nodes) -> tuple[str, str]:
    text = normalise_space(paragraph.astext())
    children = paragraph.children
    if children and isinstance(children[0], nodes.strong):
        bold = normalise_space(children[0].astext())
        rest = text[len(bold):]
        if bold and (bold.endswith(":") or LEAD_END.match(rest)) and rest.strip(" :-–—"):
            return LEAD_END.sub("", rest, count=1).strip(), clean(bold)
    return text, ""


def _rst_grid(table, nodes) -> list[list[Cell]]:
    grid: list[list[Cell | None]] = []
    rows = [row for row in table.findall(nodes.row)]
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for entry in row.children:
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            items = [normalise_space(li.astext()) for li in entry.findall(nodes.list_item)]
            parts = items or [normalise_space(p.astext()) for p in entry.children]
            cell = Cell([p for p in parts if p], entry.line or 0)
            for dr in range(1 + int(entry.get("morerows", 0))):
                while len(grid) <= r + dr:
                    grid.append([])
                target = grid[r + dr]
                span = 1 + int(entry.get("morecols", 0))
                while len(target) < c + span:
                    target.append(None)
                for dc in range(span):
                    target[c + dc] = cell
            c += 1 + int(entry.get("morecols", 0))
    return [[cell or Cell([]) for cell in row] for row in grid]


# --- LaTeX ---------------------------------------------------------------------------------------

SECTION_DEPTH = {"part": 1, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4,
                 "paragraph": 5, "subparagraph": 6}
TABLE_ENVIRONMENTS = ("tabular", "tabular*", "tabularx", "longtable", "tabulary", "tblr")
LIST_ENVIRONMENTS = ("itemize", "enumerate", "description")


def latex(file: TextFile) -> Document:
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.latexwalker import LatexWalker

    check_latex_depth(file)  # pylatexenc parses groups and environments by recursion
    parse_context, text_context = _latex_contexts()
    try:
        nodelist, _, _ = LatexWalker(file.text, latex_context=parse_context,
                                     tolerant_parsing=True).get_latex_nodes()
    except Exception as error:  # noqa: BLE001 - pylatexenc raises its own kinds on damage
        return Document(file.path, "latex", [], problems=[(1, f"LaTeX could not be parsed "
                                                              f"({error})")])
    walk = LatexWalk(file.text, LatexNodes2Text(latex_context=text_context, math_mode="verbatim",
                                                strict_latex_spaces=True))
    walk.nodes(nodelist or [], 0)
    walk.flush()
    return Document(file.path, "latex", walk.out)


# Macros that style or set up a page, with their arguments: markup, never text (without a
# spec pylatexenc renders `\cellcolor{blue!25}` as "blue!25").
LATEX_SETUP_MACROS = {"cellcolor": "[{", "rowcolor": "[{", "columncolor": "[{",
                      "rowcolors": "*[{{{", "arrayrulecolor": "[{", "pagenumbering": "{",
                      "newcolumntype": "{[{", "setlength": "{{", "addtolength": "{{",
                      "renewcommand": "*{[[{", "newcommand": "*{[[{", "usepackage": "[{",
                      "documentclass": "[{", "vspace": "*{", "hspace": "*{",
                      "bigbreak": "", "medbreak": "", "smallbreak": ""}


def _latex_contexts():
    """(parsing, text) contexts: the default ones, with the set-up macros taking their
    arguments and rendering as nothing, and a row break `\\ [13em]` taking its spacing
    even after a space (as LaTeX does)."""
    from pylatexenc.latex2text import MacroTextSpec
    from pylatexenc.latex2text import get_default_latex_context_db as text_defaults
    from pylatexenc.latexwalker import get_default_latex_context_db as parse_defaults
    from pylatexenc.macrospec import MacroSpec, MacroStandardArgsParser

    parse = parse_defaults().filter_context()  # a copy: the defaults are shared
    parse.add_context_category("craftpath-setup", prepend=True, macros=[
        MacroSpec(name, spec) for name, spec in LATEX_SETUP_MACROS.items()] + [
        MacroSpec("\\", MacroStandardArgsParser("*[", optional_arg_no_space=False))])
    text = text_defaults().filter_context()
    text.add_context_category("craftpath-setup", prepend=True, macros=[
        MacroTextSpec(name, simplify_repl="") for name in LATEX_SETUP_MACROS])
    return parse, text


def _holds_blocks(group) -> bool:
    """Whether a LaTeX group holds an environment or a sectioning command (not `{\\bf x}`)."""
    from pylatexenc.latexwalker import LatexEnvironmentNode, LatexGroupNode, LatexMacroNode

    for node in group.nodelist or []:
        if isinstance(node, LatexEnvironmentNode) or \
                isinstance(node, LatexMacroNode) and node.macroname in SECTION_DEPTH or \
                isinstance(node, LatexGroupNode) and _holds_blocks(node):
            return True
    return False


LATEX_NESTING = re.compile(r"\\begin\s*\{[^{}]*\}|\\end\s*\{[^{}]*\}|\\[{}]|[{}]")


def check_latex_depth(file: TextFile) -> None:
    """Refuse LaTeX whose groups and environments nest beyond the budget, counted in the
    source (escaped braces aside) before it is parsed."""
    depth = 0
    for match in LATEX_NESTING.finditer(file.text):
        token = match.group()
        if token.startswith("\\begin") or token == "{":
            depth += 1
            if depth > MAX_MARKUP_DEPTH:
                raise too_deep(file.name, "LaTeX groups and environments", MAX_MARKUP_DEPTH)
        elif token.startswith("\\end") or token == "}":
            depth = max(0, depth - 1)


class LatexWalk:
    def __init__(self, source: str, to_text):
        self.source = source
        self.to_text = to_text
        self.out: list[Block] = []
        self.buffer: list = []
        self.buffer_pos = 0

    def line(self, pos) -> int:
        return self.source.count("\n", 0, pos or 0) + 1

    def text(self, nodes) -> str:
        try:
            return normalise_space(self.to_text.nodelist_to_text(nodes))
        except Exception:  # noqa: BLE001 - a macro pylatexenc cannot render
            return ""

    def flush(self) -> None:
        if self.buffer:
            raw = self.text(self.buffer)
            if raw:
                self.out.append(Block("para", raw, self.line(self.buffer_pos)))
        self.buffer = []

    def nodes(self, nodelist, list_depth: int) -> None:
        from pylatexenc.latexwalker import (
            LatexCharsNode,
            LatexCommentNode,
            LatexEnvironmentNode,
            LatexGroupNode,
            LatexMacroNode,
        )

        for node in nodelist:
            if isinstance(node, LatexMacroNode) and node.macroname in SECTION_DEPTH:
                self.flush()
                args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a]
                title = self.text([args[-1]]) if args else ""
                self.out.append(Block("heading", clean(title), self.line(node.pos),
                                      depth=SECTION_DEPTH[node.macroname]))
            elif isinstance(node, LatexEnvironmentNode):
                name = node.environmentname
                if name in TABLE_ENVIRONMENTS:
                    self.flush()
                    self.out.append(Block("table", "", self.line(node.pos),
                                          rows=self.tabular(node.nodelist)))
                elif name in LIST_ENVIRONMENTS:
                    self.flush()
                    self.items(node.nodelist, name == "enumerate", list_depth)
                else:
                    self.flush()
                    self.nodes(node.nodelist, list_depth)
                    self.flush()
            elif isinstance(node, LatexCommentNode):
                continue
            elif isinstance(node, LatexGroupNode) and _holds_blocks(node):
                # `{\renewcommand{\arraystretch}{2} \begin{tabular}…}`: a group around
                # a table or list scopes its settings; its content is the page's
                self.flush()
                self.nodes(node.nodelist, list_depth)
                self.flush()
            elif isinstance(node, LatexCharsNode) and "\n\n" in node.chars:
                for k, piece in enumerate(re.split(r"\n\s*\n", node.chars)):
                    if k:
                        self.flush()
                    if piece.strip():
                        if not self.buffer:
                            self.buffer_pos = node.pos
                        self.buffer.append(LatexCharsNode(chars=piece, pos=node.pos,
                                                          parsing_state=node.parsing_state))
            else:
                if not self.buffer:
                    self.buffer_pos = node.pos
                self.buffer.append(node)

    def items(self, nodelist, numbered: bool, depth: int) -> None:
        from pylatexenc.latexwalker import LatexEnvironmentNode, LatexMacroNode

        current: list | None = None
        start = 0
        lead = ""

        def close() -> None:
            if current is not None:
                text = self.text(current)
                if text or lead:
                    self.out.append(Block("item", text, self.line(start), depth=depth,
                                          numbered=numbered, lead=lead))

        for node in nodelist:
            if isinstance(node, LatexMacroNode) and node.macroname == "item":
                close()
                current, start = [], node.pos
                args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a]
                lead = clean(self.text(args)) if args else ""
            elif isinstance(node, LatexEnvironmentNode) and \
                    node.environmentname in LIST_ENVIRONMENTS:
                close()
                current = None
                self.items(node.nodelist, node.environmentname == "enumerate", depth + 1)
            elif current is not None:
                current.append(node)
        close()

    def tabular(self, nodelist) -> list[list[Cell]]:
        """Rows split at `\\\\`, cells at `&`; `\\multicolumn{n}` spreads over n columns."""
        from pylatexenc.latexwalker import LatexGroupNode, LatexMacroNode, LatexSpecialsNode

        rows: list[list[Cell]] = []
        row: list[Cell] = []
        cell: list = []
        span = 1
        skip: set[int] = set()  # the count and column spec of a \multicolumn

        def end_cell() -> None:
            nonlocal cell, span
            text = self.text(cell)
            parts = [text] if text else []
            for _ in range(span):
                row.append(Cell(list(parts)))
            cell, span = [], 1

        for k, node in enumerate(nodelist or []):
            if isinstance(node, LatexSpecialsNode) and node.specials_chars == "&":
                end_cell()
            elif isinstance(node, LatexMacroNode) and node.macroname == "\\":
                end_cell()
                if any(c.parts for c in row):
                    rows.append(row)
                row = []
            elif isinstance(node, LatexMacroNode) and node.macroname in (
                    "hline", "toprule", "midrule", "bottomrule", "cline", "centering",
                    "endhead", "endfirsthead", "raggedright"):
                continue
            elif isinstance(node, LatexMacroNode) and node.macroname == "multicolumn":
                args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a]
                if len(args) == 3:
                    span = _span(self.text([args[0]]))
                    cell.append(args[2])
                else:  # arguments not parsed: the next three groups are n, spec, text
                    groups = [n for n in nodelist[k + 1:k + 4] if isinstance(n, LatexGroupNode)]
                    if len(groups) == 3:
                        span = _span(self.text([groups[0]]))
                        skip.update(id(g) for g in groups[:2])
            elif id(node) in skip:
                continue
            else:
                cell.append(node)
        end_cell()
        if any(c.parts for c in row):
            rows.append(row)
        return rows


# --- plain text ----------------------------------------------------------------------------------

def text(file: TextFile) -> Document:
    """Plain text is read as Markdown: its paragraphs and any `-` lists come out the same."""
    document = markdown(file)
    document.kind = "text"
    return document
