"""Headings-and-bullets Markdown: one page per ladder (family), a heading per level, and under
each level either sub-headings per area or bullets that name their area with a bold keyword
(`* **Adopts**: actively learns …`), the shape of jorgef/engineeringladders and of prose
ladders (`## Level 1` / `### Knowledge` / a paragraph).

Reading one page:
- The level depth is the heading depth where most headings name a level ("Level 2",
  "D1 - Developer 1", "Senior"); areas are the other headings, below the levels (or above
  them: `## Communication` / `### Level 1`). A shallower heading that is not a level
  ("# Other Pages") ends the levels.
- Under a level, each bullet is one statement and each paragraph is one statement; a level's
  text before its first area heading introduces it and is not a statement.
- A bullet's bold keyword gives its area: a page of the same set that defines keywords under
  area headings (a README's `## Technology` / `1. **Adopts**: …`) is followed, the nearest
  folder first; without one, a keyword that repeats on every level is itself the area.
  Definitions are not levels; the README is named in an info note.
- Pages with no level headings (READMEs, FAQs, comparisons) are skipped with a note.

Hints:
  level_heading=N   the heading depth (1–6) that holds levels
  area_heading=N    the heading depth that holds areas (above or below the levels)
  bullet_area=keyword|position   area of a keyword bullet when no page defines the keywords:
                    the keyword itself, or the bullet's position (1st bullet → 1st area)
  separator=REGEX   split each bullet or paragraph on REGEX
  level_order=ascending|descending|document|reversed
  name=TEXT         the framework's name
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Area, Diagnostic, Framework, Level, Severity, Track
from ..text import normalise_space
from .common import (
    CORE_TRACK,
    LevelLabel,
    family_slugs,
    hint_int,
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
from .front_matter import FRONT_MATTER, parse_front_matter
from .inputs import TextFile

NAME = "headings-markdown"
SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt")

HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
FENCE = re.compile(r"^\s*(```|~~~)")
RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
KEYWORD = re.compile(r"^(?:\*\*|__)(?P<key>[^*_]{1,60}?)(?:\*\*|__)\s*[:：\-–—]\s*(?P<rest>\S.*)$"
                     r"|^(?:\*\*|__)(?P<key2>[^*_]{1,60}?)[:：](?:\*\*|__)\s*(?P<rest2>\S.*)$")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"</?(?!br\b)[a-zA-Z][^>]*>")
BOLD = re.compile(r"\*\*|__")
DEFAULT_AREA = "Expectations"


@dataclass
class Block:
    kind: str  # "heading", "item" or "para"
    text: str  # inline Markdown as written (an item without its marker)
    line: int
    depth: int = 0  # a heading's depth


@dataclass
class Page:
    file: TextFile
    title: str
    blocks: list[Block]
    level_depth: int | None = None
    definitions: dict[str, tuple[str, str]] = field(default_factory=dict)  # keyword → area


def markdown_blocks(text: str, first_line: int = 1) -> list[Block]:
    """Headings, list items and paragraphs; code, HTML, images, tables and rules left out."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    para_line = 0
    fenced = in_html = False
    lines = text.split("\n")

    def flush():
        nonlocal paragraph
        if paragraph:
            blocks.append(Block("para", " ".join(paragraph), para_line))
            paragraph = []

    for offset, raw in enumerate(lines):
        line_no = first_line + offset
        line = raw.rstrip()
        stripped = line.strip()
        if FENCE.match(line):
            flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        if in_html:
            in_html = bool(stripped)
            continue
        if not stripped or RULE.match(line):
            flush()
            continue
        if stripped.startswith("<") and not stripped.startswith("<br"):
            flush()
            in_html = not stripped.endswith(">") or not re.match(r"^<[^>]*>.*</[^>]*>$",
                                                                    stripped)
            continue
        if stripped.startswith("|") or re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", stripped):
            flush()
            continue
        heading = HEADING.match(stripped)
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2), line_no, len(heading.group(1))))
            continue
        item = ITEM.match(line)
        if item:
            flush()
            blocks.append(Block("item", item.group(2), line_no, len(item.group(1))))
            continue
        stripped = stripped.lstrip("> ").strip()
        if blocks and blocks[-1].kind == "item" and not paragraph and raw[:1] in (" ", "\t"):
            blocks[-1].text += " " + stripped  # an item's continuation line
            continue
        if not paragraph:
            para_line = line_no
        paragraph.append(stripped)
    flush()
    return blocks


def clean_inline(text: str) -> str:
    """Plain text from inline Markdown: links keep their words, bold marks and tags go; single
    `*` stay, as they mark glossary terms."""
    return normalise_space(BOLD.sub("", TAG.sub(" ", LINK.sub(r"\1", text))))


def keyword_of(text: str) -> tuple[str, str] | None:
    """(keyword, rest) of a bullet written `**Keyword**: rest`."""
    found = KEYWORD.match(text.strip())
    if not found:
        return None
    key = found["key"] or found["key2"]
    rest = found["rest"] or found["rest2"]
    return clean_inline(key), rest


def _page(file: TextFile) -> tuple[Page, list[Diagnostic]]:
    notes: list[Diagnostic] = []
    title, body, first_line = "", file.text, 1
    match = FRONT_MATTER.match(file.text)
    if match:
        front, first_line = parse_front_matter(file, "CP320", notes)
        title = plain_title((front or {}).get("title"))
        body = file.text[match.end():]
        body = body.split("\n", 1)[1] if "\n" in body else ""
    return Page(file, title, markdown_blocks(body, first_line)), notes


def find_level_depth(blocks: list[Block], hints: dict) -> int | None:
    wanted = hint_int(hints, "level_heading")
    counts = Counter(b.depth for b in blocks if b.kind == "heading" and level_label(b.text))
    if wanted:
        return wanted if counts.get(wanted) else None
    if not counts:
        return None
    depth, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    return depth if count >= 2 else None


def keyword_definitions(blocks: list[Block]) -> dict[str, tuple[str, str]]:
    """keyword (case-folded) → (area name, definition) from keyword bullets under headings."""
    found: dict[str, tuple[str, str]] = {}
    heading = ""
    for block in blocks:
        if block.kind == "heading":
            heading = clean_inline(block.text)
        elif block.kind == "item" and heading:
            keyword = keyword_of(block.text)
            if keyword:
                found.setdefault(keyword[0].casefold(), (heading, clean_inline(keyword[1])))
    return found


def sniff(file: TextFile) -> str | None:
    if file.path.suffix.lower() not in SUFFIXES or "#" not in file.text:
        return None
    match = FRONT_MATTER.match(file.text)
    body = file.text[match.end():] if match else file.text
    blocks = markdown_blocks(body)
    depth = find_level_depth(blocks, {})
    if depth:
        count = sum(1 for b in blocks if b.kind == "heading" and b.depth == depth
                    and level_label(b.text))
        return f"Markdown with {count} level headings at depth {depth} (headings and bullets)"
    definitions = keyword_definitions(blocks)
    areas = {area for area, _ in definitions.values()}
    if len(definitions) >= 3 and len(areas) >= 2:
        return (f"Markdown defining {len(definitions)} bold keywords under {len(areas)} "
                "headings (area definitions for the ladders beside it)")
    return None


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    hints = dict(hints or {})
    notes: list[Diagnostic] = []
    ladders: list[Page] = []
    definers: list[Page] = []
    for file in files:
        page, page_notes = _page(file)
        notes += page_notes
        page.level_depth = find_level_depth(page.blocks, hints)
        if page.level_depth:
            ladders.append(page)
            continue
        page.definitions = keyword_definitions(page.blocks)
        if len(page.definitions) >= 3:
            definers.append(page)
            notes.append(note("CP321", Severity.INFO, file.source(0),
                              f"not a ladder: defines the areas of {len(page.definitions)} bold "
                              "keywords, followed by the ladders in its folder"))
        else:
            notes.append(note("CP322", Severity.INFO, file.source(0),
                              "skipped: not framework data (no heading names a level: an "
                              "introduction, FAQ or comparison page)"))
    built = []
    for page in ladders:
        result = read_ladder(page, _nearest_definitions(page, definers), hints, notes)
        if result:
            built.append((page, result))
    if not built:
        return None, notes
    slugs = family_slugs([(name, page.file.path) for page, (name, *_rest) in built])
    families = [make_family(name, slug, levels, tracks, cells, page.file.source(1))
                for slug, (page, (name, levels, tracks, cells)) in zip(slugs, built,
                                                                       strict=True)]
    name = set_name([page.file.path for page, _ in built], hints, families)
    return make_framework(name, families, files[0].source(1)), notes


def _nearest_definitions(page: Page, definers: list[Page]) -> dict[str, tuple[str, str]]:
    """The definitions of the defining page in the ladder's folder, else the closest above."""
    folder = page.file.path.parent
    ranked = sorted(definers, key=lambda d: _distance(folder, d.file.path.parent))
    return ranked[0].definitions if ranked else {}


def _distance(folder: Path, other: Path) -> int:
    if folder == other:
        return 0
    if other in folder.parents:
        return folder.parts.__len__() - other.parts.__len__()
    return 100


@dataclass
class Entry:
    level: int  # index into the page's level list
    area: str | None  # area name from a heading, or None
    block: Block


def read_ladder(page: Page, definitions: dict, hints: dict, notes: list[Diagnostic]):
    file, blocks, level_depth = page.file, page.blocks, page.level_depth
    area_depth = hint_int(hints, "area_heading") or _area_depth(blocks, level_depth)
    family_name = page.title or _title_heading(blocks, level_depth) or file.path.stem

    labels: list[LevelLabel] = []
    label_lines: list[int] = []
    entries: list[Entry] = []
    level: int | None = None
    area: str | None = None
    seen: dict[str, int] = {}
    for block in blocks:
        if block.kind == "heading":
            text = clean_inline(block.text)
            if block.depth == level_depth:
                label = level_label(text)
                if label is None:
                    level = None  # a heading such as "## Other Pages" among the levels
                    continue
                key = label.code.casefold()
                if key in seen:
                    notes.append(note("CP323", Severity.WARNING, file.source(block.line),
                                      f"{label.code} appears twice; the second is read into "
                                      "the first"))
                    level = seen[key]
                else:
                    seen[key] = level = len(labels)
                    labels.append(label)
                    label_lines.append(block.line)
                if area_depth and area_depth > level_depth:
                    area = None
            elif area_depth and block.depth == area_depth:
                area = text
            elif block.depth < min(level_depth, area_depth or level_depth):
                level, area = None, None
            continue
        if level is None:
            continue
        if area_depth and area_depth < level_depth and area is None:
            continue
        entries.append(Entry(level, area, block))

    if not labels:
        return None
    order = level_order(labels, hints)
    rank_of = {index: rank for rank, index in enumerate(order)}
    taken: set[str] = set()
    levels = [None] * len(labels)
    for index, label in enumerate(labels):
        levels[index] = Level(unique_slug(label.code, taken, f"level-{index + 1}"),
                              label.code, rank_of[index], label.number, label.name,
                              source=file.source(label_lines[index]))
    ordered = sorted(levels, key=lambda level: level.rank)

    areas, cells = _cells(page, entries, levels, definitions, bool(area_depth), hints, notes)
    if not cells:
        notes.append(note("CP325", Severity.WARNING, file.source(label_lines[0]),
                          "level headings found but no bullets or paragraphs under them"))
    tracks = [Track("all", CORE_TRACK, tuple(areas))] if areas else []
    return family_name, ordered, tracks, cells


def _area_depth(blocks: list[Block], level_depth: int) -> int | None:
    """The depth of the area headings: below the levels, else above them when several
    non-level headings each hold level headings (`## Communication` / `### Level 1`)."""
    below: Counter = Counter()
    inside = False
    parents_with_levels: dict[int, set[str]] = {}
    current: dict[int, str] = {}
    for block in blocks:
        if block.kind != "heading":
            continue
        is_level = level_label(block.text) is not None
        if block.depth == level_depth:
            inside = is_level
            if is_level:
                for depth, text in current.items():
                    if depth < level_depth:
                        parents_with_levels.setdefault(depth, set()).add(text)
            continue
        current = {d: t for d, t in current.items() if d < block.depth}
        current[block.depth] = block.text
        if block.depth < level_depth:
            inside = False
        elif inside and not is_level:
            below[block.depth] += 1
    if below:
        return min(below.items(), key=lambda item: (-item[1], item[0]))[0]
    above = [depth for depth, texts in parents_with_levels.items() if len(texts) >= 2]
    return max(above) if above else None


def _title_heading(blocks: list[Block], level_depth: int) -> str:
    for block in blocks:
        if block.kind == "heading":
            if block.depth < level_depth:
                return plain_title(clean_inline(block.text))
            return ""
    return ""


def _cells(page: Page, entries: list[Entry], levels: list[Level], definitions: dict,
           has_area_headings: bool, hints: dict, notes: list[Diagnostic]):
    file = page.file
    separator = split_hint(hints)
    # A level's text before its first area heading introduces the level.
    if has_area_headings:
        entries = [entry for entry in entries if entry.area is not None]

    keyword_mode = _keyword_mode(page, entries, definitions, hints, notes)
    names: list[str] = []
    descriptions: dict[str, str] = {}
    placed: list[tuple[str, Level, str, Block]] = []
    position: Counter = Counter()
    if keyword_mode == "definitions":
        for area, _ in definitions.values():
            if area not in names:
                names.append(area)
        descriptions = {area: text for key, (_, text) in definitions.items()
                        for area in names if area.casefold() == key}
    for entry in entries:
        level = levels[entry.level]
        text = entry.block.text
        area = entry.area
        keyword = keyword_of(text) if entry.block.kind == "item" else None
        if area is None:
            if keyword and keyword_mode == "definitions" and \
                    keyword[0].casefold() in definitions:
                area = definitions[keyword[0].casefold()][0]
                text = f"{keyword[0]}: {keyword[1]}"
            elif keyword and keyword_mode == "position":
                position[entry.level] += 1
                area = f"Area {position[entry.level]}"
                text = f"{keyword[0]}: {keyword[1]}"
            elif keyword:
                area, text = keyword[0], keyword[1]
            else:
                area = DEFAULT_AREA
        if area not in names:
            names.append(area)
        placed.append((area, level, text, entry.block))

    used = [name for name in names if any(area == name for area, *_ in placed)]
    taken: set[str] = set()
    slug_of: dict[str, str] = {}
    areas = []
    for index, name in enumerate(used, start=1):
        slug_of[name] = unique_slug(name, taken, f"area-{index}")
        areas.append(Area(slug_of[name], name, description=descriptions.get(name, ""),
                          source=file.source(next(b.line for a, _, _, b in placed if a == name))))
    texts: dict[tuple[str, str], list[str]] = {}
    sources = {}
    for area, level, text, block in placed:
        key = (slug_of[area], level.slug)
        texts.setdefault(key, []).extend(split_text(clean_inline(text), lines=False,
                                                    separator=separator))
        sources.setdefault(key, file.source(block.line))
    cells = [make_expectation(area, level, statements, sources[(area, level)])
             for (area, level), statements in texts.items() if statements]
    return areas, cells


def _keyword_mode(page: Page, entries: list[Entry], definitions: dict, hints: dict,
                  notes: list[Diagnostic]) -> str:
    """How keyword bullets find their area: "definitions", "keyword" or "position"."""
    keywords = [(entry.level, found[0]) for entry in entries
                if entry.area is None and entry.block.kind == "item"
                and (found := keyword_of(entry.block.text))]
    if not keywords:
        return "keyword"
    wanted = str(hints.get("bullet_area", "")).lower()
    if wanted in ("keyword", "position"):
        return wanted
    known = sum(1 for _, key in keywords if key.casefold() in definitions)
    if definitions and known >= len(keywords) / 2:
        unknown = sorted({key for _, key in keywords if key.casefold() not in definitions})
        if unknown:
            notes.append(note("CP324", Severity.WARNING, page.file.source(0),
                              f"bold keywords not defined by the README: {', '.join(unknown)}; "
                              "each is read as its own area"))
        return "definitions"
    per_level: dict[int, set[str]] = {}
    for level, key in keywords:
        per_level.setdefault(level, set()).add(key.casefold())
    sets = list(per_level.values())
    if len(sets) < 2 or all(keyset == sets[0] for keyset in sets):
        return "keyword"
    counts = Counter(level for level, _ in keywords)
    if len(set(counts.values())) == 1:
        notes.append(note("CP324", Severity.WARNING, page.file.source(0),
                          "bold keywords change from level to level and no page of the set "
                          "defines them; the n-th bullet of each level is read as area n. "
                          "Import the README that defines them with the ladder, or hint "
                          "bullet_area=keyword"))
        return "position"
    notes.append(note("CP324", Severity.WARNING, page.file.source(0),
                      "bold keywords change from level to level and no page of the set "
                      "defines them; each keyword is read as its own area"))
    return "keyword"
