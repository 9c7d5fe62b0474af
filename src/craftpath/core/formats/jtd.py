"""Just-the-docs pages: one Jekyll page per level, a `## Craft - <track>` section per track,
each a `|Area|Description|` table whose cells hold statements separated by `<br><br>`.

Reading follows the seed pages: framework from `grand_parent`, family from `parent`, level from
`title` and the H1, seniority from the numbering and `nav_order` together.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..model import (
    Area,
    Diagnostic,
    Expectation,
    Family,
    Framework,
    Level,
    PageStyle,
    Severity,
    Source,
    Statement,
    Track,
    in_grid_order,
    slugify,
    statement_id,
)
from ..text import collect_terms, find_terms, is_gap, normalise_space, split_statements
from .budget import load_yaml
from .inputs import TextFile
from .paths import inside

NAME = "jtd-markdown"
CORE_TRACK = "All"

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
LEVEL_TITLE = re.compile(r"^(?P<code>\D*?(?P<number>\d+))\s*(?:\((?P<name>[^)]*)\))?\s*$")
H1_WITH_LEVEL = re.compile(r"^(?P<title>.*?)\s+[-–—]\s+(?P<code>\D*\d+)\s*$")
SECTION = re.compile(r"^##\s+(?P<heading>[^#].*?)\s*#*\s*$")
TRACK_HEADING = re.compile(r"^(?P<group>.*?)\s+[-–—]\s+(?P<track>.+)$")
SEPARATOR_ROW = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
AREA_LINK = re.compile(r"^\[(?P<name>[^\]]+)\]\((?P<link>[^)\s]*)\)$")
CELL_SPLIT = re.compile(r"(?<!\\)\|")

# Words that place a level on the ladder when its number alone cannot: junior first.
SENIORITY_WORDS = {
    "intern": 0, "apprentice": 0, "graduate": 1, "junior": 1, "associate": 1, "mid": 2,
    "intermediate": 2, "senior": 3, "staff": 4, "lead": 4, "principal": 5, "head": 6,
    "director": 7, "vp": 8,
}


def sniff(file: TextFile) -> str | None:
    match = FRONT_MATTER.match(file.text)
    if not match or file.path.suffix.lower() in (".yaml", ".yml", ".json"):
        return None
    head = match.group(1)
    if re.search(r"^title:\s*['\"]?\D*\d+", head, re.MULTILINE) and "|" in file.text:
        return "front matter with a numbered level title and Markdown tables (just-the-docs page)"
    return None


@dataclass
class Row:
    area_cell: str
    description: str
    line: int


@dataclass
class Section:
    heading: str
    track: str | None  # None for a bare heading such as `## Craft`: the shared core
    line: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class Page:
    file: TextFile
    front: dict
    number: int
    code: str
    name: str
    title: str
    sections: list[Section]
    line: int


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    notes: list[Diagnostic] = []
    pages = [page for file in files if (page := _read_page(file, notes))]
    if not pages:
        return None, notes

    framework_names = Counter(str(p.front.get("grand_parent") or p.front.get("parent") or "")
                              for p in pages)
    framework_name, _ = framework_names.most_common(1)[0]
    for page in pages:
        name = str(page.front.get("grand_parent") or page.front.get("parent") or "")
        if name != framework_name:
            notes.append(_note("CP011", Severity.WARNING, page.file.source(1),
                               f"grand_parent {name!r} differs from the other pages' "
                               f"{framework_name!r}; read as part of {framework_name!r}"))

    by_family: dict[str, list[Page]] = {}
    for page in pages:
        by_family.setdefault(str(page.front.get("parent") or framework_name), []).append(page)
    families = tuple(_build_family(name, group, notes) for name, group in by_family.items())

    framework = Framework(
        name=framework_name or "Untitled framework",
        families=families,
        terms=collect_terms(families),
        source=pages[0].file.source(1),
    )
    return framework, notes


def _note(code: str, severity: Severity, source: Source, message: str) -> Diagnostic:
    return Diagnostic(code, severity, message, source)


def _read_page(file: TextFile, notes: list[Diagnostic]) -> Page | None:
    match = FRONT_MATTER.match(file.text)
    if not match:
        notes.append(_note("CP010", Severity.ERROR, file.source(1),
                           "no front matter (--- … ---) at the top; not a level page"))
        return None
    try:
        front = load_yaml(match.group(1), file.name) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or "invalid YAML"
        notes.append(_note("CP010", Severity.ERROR, file.source(line),
                           f"front matter is not valid YAML: {problem}"))
        return None
    if not isinstance(front, dict):
        notes.append(_note("CP010", Severity.ERROR, file.source(2),
                           "front matter is not a set of `key: value` lines"))
        return None

    body_start = file.text[: match.end()].count("\n") + 1
    lines = file.text[match.end():].splitlines()
    heading, heading_line = "", 0
    for offset, text in enumerate(lines):
        if text.startswith("# "):
            heading, heading_line = text[2:].strip(), body_start + offset
            break

    level = _level_identity(str(front.get("title") or ""), heading)
    if level is None:
        notes.append(_note("CP012", Severity.ERROR, file.source(2),
                           f"cannot tell which level this page is: title {front.get('title')!r} "
                           "and the H1 carry no level number"))
        return None
    code, number, name, title = level
    sections = _read_sections(file, lines, body_start, notes)
    if not sections:
        notes.append(_note("CP013", Severity.WARNING, file.source(heading_line or 1),
                           f"{code} has no `## …` section with an Area/Description table"))
    return Page(file, front, number, code, name, title, sections, heading_line or 1)


def _level_identity(front_title: str, heading: str) -> tuple[str, int, str, str] | None:
    """(code, number, name, title) from `title: Level 3 (Senior)` and `# Senior … - Level 3`."""
    from_title = LEVEL_TITLE.match(front_title.strip())
    from_heading = H1_WITH_LEVEL.match(heading)
    if from_title:
        code, number, name = (normalise_space(from_title["code"]), int(from_title["number"]),
                              normalise_space(from_title["name"] or ""))
    elif from_heading:
        code = normalise_space(from_heading["code"])
        number, name = int(re.search(r"\d+", code).group()), ""
    else:
        return None
    title = normalise_space(from_heading["title"]) if from_heading else heading
    return code, number, name, title


def _read_sections(file: TextFile, lines: list[str], first_line: int,
                   notes: list[Diagnostic]) -> list[Section]:
    sections: list[Section] = []
    index = 0
    while index < len(lines):
        text, line_no = lines[index], first_line + index
        found = SECTION.match(text)
        if found:
            heading = found["heading"]
            named = TRACK_HEADING.match(heading)
            sections.append(Section(heading, named["track"].strip() if named else None, line_no))
            index += 1
            continue
        if text.lstrip().startswith("|") and sections:
            index = _read_table(file, lines, index, first_line, sections[-1], notes)
            continue
        index += 1
    return [section for section in sections if section.rows]


def _read_table(file: TextFile, lines: list[str], index: int, first_line: int,
                section: Section, notes: list[Diagnostic]) -> int:
    """Read a table starting at `index`; return the index after it."""
    rows: list[tuple[str, int]] = []
    while index < len(lines) and lines[index].lstrip().startswith("|"):
        start = index
        row = lines[index].strip()
        index += 1
        if not row.endswith("|") or row == "|":
            # A row broken across lines: gather until a line closes it with `|`.
            while index < len(lines) and not lines[index].lstrip().startswith(("|", "#")):
                row += " " + lines[index].strip()
                index += 1
                if row.endswith("|"):
                    break
            if index < len(lines) and lines[index].strip() == "|":
                row += " |"
                index += 1
            closed = "closed" if row.endswith("|") else "never closed"
            notes.append(_note("CP105", Severity.WARNING, file.source(first_line + start),
                               f"table row broken across lines {first_line + start}–"
                               f"{first_line + index - 1} ({closed}); read as one row"))
        rows.append((row, first_line + start))

    header, *rest = rows
    if rest and SEPARATOR_ROW.match(rest[0][0]):
        rest = rest[1:]
    else:
        notes.append(_note("CP015", Severity.WARNING, file.source(header[1]),
                           "table has no |:---|:---| separator under its header"))
    for row, line_no in rest:
        cells = [cell.strip() for cell in CELL_SPLIT.split(row.strip().strip("|"))]
        if len(cells) < 2:
            notes.append(_note("CP016", Severity.WARNING, file.source(line_no),
                               "table row has no Description cell; skipped"))
            continue
        if len(cells) > 2 and any(cells[2:]):
            notes.append(_note("CP016", Severity.WARNING, file.source(line_no),
                               f"table row has {len(cells)} cells, expected 2; "
                               "extra cells ignored"))
        section.rows.append(Row(cells[0], cells[1].replace("\\|", "|"), line_no))
    return index


def _area_of(row: Row) -> tuple[str, str, str]:
    """(slug, name, link) from `[ML Ops](/careerframework/mlengineer#ml-ops)` or plain text."""
    linked = AREA_LINK.match(row.area_cell)
    if not linked:
        name = normalise_space(row.area_cell)
        return slugify(name), name, ""
    name, link = normalise_space(linked["name"]), linked["link"]
    anchor = link.partition("#")[2]
    slug = slugify(anchor) if anchor else slugify(name)
    return slug, name, "" if link == f"#{slug}" else link


def _build_family(name: str, pages: list[Page], notes: list[Diagnostic]) -> Family:
    family_slug = slugify(name) or "family"
    pages = _unique_levels(pages, notes)
    levels = _place_levels(pages)
    level_of = {id(page): level for page, level in zip(pages, levels, strict=True)}
    levels = _with_missing_levels(levels)
    placed = {level.slug: level for level in levels}
    level_of = {key: placed[level.slug] for key, level in level_of.items()}
    pages.sort(key=lambda page: level_of[id(page)].rank)

    # Areas keep the track they have under a named heading; a bare heading's areas join them.
    track_of_area: dict[str, str] = {}
    for page in pages:
        for section in page.sections:
            for row in section.rows:
                if section.track:
                    track_of_area.setdefault(_area_of(row)[0], section.track)

    track_sources: dict[str, Source] = {}  # track name -> the heading that first names it
    areas_by_track: dict[str, dict[str, Area]] = {}
    expectations: list[Expectation] = []
    page_levels: list[Level] = []
    for page in pages:
        level = level_of[id(page)]
        seen: set[str] = set()
        headings: dict[str, tuple[str, Source]] = {}
        for section in page.sections:
            for row in section.rows:
                slug, area_name, link = _area_of(row)
                if not slug:
                    notes.append(_note("CP017", Severity.WARNING, page.file.source(row.line),
                                       "table row has no area name; skipped"))
                    continue
                if slug in seen:
                    notes.append(_note("CP018", Severity.WARNING, page.file.source(row.line),
                                       f"area {area_name!r} appears twice on {level.code}; "
                                       "the second row is ignored"))
                    continue
                seen.add(slug)
                track = section.track or track_of_area.get(slug, CORE_TRACK)
                headings.setdefault(slugify(track),
                                    (section.heading, page.file.source(section.line)))
                track_sources.setdefault(track, page.file.source(section.line))
                areas = areas_by_track.setdefault(track, {})
                if slug not in areas and all(slug not in a for a in areas_by_track.values()):
                    areas[slug] = Area(slug, area_name, link, source=page.file.source(row.line))
                expectations.append(_expectation(slug, level, row, page.file))
        page_levels.append(_with_page(level, page, headings))

    by_slug = {level.slug: level for level in page_levels}
    levels = tuple(by_slug.get(level.slug, level) for level in levels)
    tracks = tuple(
        Track(slugify(track) or "track", track, tuple(areas_by_track[track].values()), source)
        for track, source in track_sources.items()
    )
    return Family(family_slug, name, levels, tracks, in_grid_order(levels, tracks, expectations),
                  source=pages[0].file.source(1))


def _expectation(area: str, level: Level, row: Row, file: TextFile) -> Expectation:
    source = file.source(row.line)
    texts = split_statements(row.description)
    statements = tuple(
        Statement(statement_id(area, level.slug, position), text,
                  tuple(slug for slug, _ in find_terms(text)), source)
        for position, text in enumerate(texts, start=1)
    )
    gap_text = "" if statements else normalise_space(row.description)
    return Expectation(area, level.slug, statements, gap_text if is_gap(gap_text) else "", source)


def _unique_levels(pages: list[Page], notes: list[Diagnostic]) -> list[Page]:
    unique: dict[int, Page] = {}
    for page in pages:
        if page.number in unique:
            first = unique[page.number]
            notes.append(_note("CP014", Severity.ERROR, page.file.source(1),
                               f"{page.code} is already defined by {first.file.name}; "
                               "this page is ignored"))
            continue
        unique[page.number] = page
    return list(unique.values())


def _numbers_descend(pages: list[Page]) -> bool:
    """Whether level numbers fall as seniority rises (Level 1 the most senior).

    Known seniority words in level names decide first, then `nav_order` (menus list the
    junior level first); with neither, higher numbers are taken as more senior.
    """
    def votes(key) -> int:
        ranked = [(page.number, key(page)) for page in pages if key(page) is not None]
        score = 0
        for i, (number_a, key_a) in enumerate(ranked):
            for number_b, key_b in ranked[i + 1:]:
                if number_a != number_b and key_a != key_b:
                    score += 1 if (number_a < number_b) == (key_a < key_b) else -1
        return score

    by_words = votes(lambda page: _seniority_word(page.name))
    if by_words:
        return by_words < 0
    by_nav = votes(lambda page: page.front.get("nav_order")
                   if isinstance(page.front.get("nav_order"), int) else None)
    return by_nav < 0


def _seniority_word(name: str) -> int | None:
    for word in slugify(name).split("-"):
        if word in SENIORITY_WORDS:
            return SENIORITY_WORDS[word]
    return None


def _place_levels(pages: list[Page]) -> list[Level]:
    descending = _numbers_descend(pages)
    ordered = sorted(pages, key=lambda page: -page.number if descending else page.number)
    rank = {id(page): position for position, page in enumerate(ordered)}
    return [
        Level(slugify(page.code), page.code, rank[id(page)], page.number, page.name, page.title,
              source=page.file.source(1))
        for page in pages
    ]


def _with_missing_levels(levels: list[Level]) -> tuple[Level, ...]:
    """All levels by rank, with a missing level for each hole in the numbering."""
    if not levels:
        return ()
    by_rank = sorted(levels, key=lambda level: level.rank)
    descending = len(by_rank) > 1 and by_rank[0].number > by_rank[-1].number
    prefix = re.sub(r"\d+\s*$", "", by_rank[0].code)
    numbers = {level.number for level in levels}
    low, high = min(numbers), max(numbers)
    span = range(high, low - 1, -1) if descending else range(low, high + 1)
    placed: list[Level] = []
    present = {level.number: level for level in levels}
    for rank, number in enumerate(span):
        if number in present:
            placed.append(_replace_rank(present[number], rank))
        else:
            code = f"{prefix}{number}"
            placed.append(Level(slugify(code), code, rank, number, missing=True))
    return tuple(placed)


def _replace_rank(level: Level, rank: int) -> Level:
    return replace(level, rank=rank)


def _with_page(level: Level, page: Page, headings: dict[str, tuple[str, Source]]) -> Level:
    nav_order = page.front.get("nav_order")
    style = PageStyle(
        permalink=str(page.front.get("permalink") or ""),
        nav_order=nav_order if isinstance(nav_order, int) else None,
        layout=str(page.front.get("layout") or ""),
        section_headings=tuple((track, heading) for track, (heading, _) in headings.items()),
        section_sources=tuple(source for _, source in headings.values()),
    )
    return replace(level, page=style, source=page.file.source(1))


# --- writing ----------------------------------------------------------------------------------

TABLE_HEADER = "|Area          | Description       |\n|:-------------|:------------------|\n"


def write(framework: Framework, folder: str | Path) -> list[Path]:
    """Write one page per present level, in the seeds' style; returns the files written."""
    written = []
    for family, level, text in render_pages(framework):
        path = inside(folder, Path(family.slug) / f"{level.slug}.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def render_pages(framework: Framework):
    """(family, level, page text) for every present level of every family."""
    for family in framework.families:
        for level in family.present_levels:
            yield family, level, render_page(framework, family, level)


def render_page(framework: Framework, family: Family, level: Level) -> str:
    page = level.page or PageStyle()
    front = {
        "layout": page.layout or "page",
        "title": level.label,
        "permalink": page.permalink or f"/{family.slug}/{level.slug}",
        "nav_order": page.nav_order if page.nav_order is not None else level.rank + 1,
        "parent": family.name,
        "grand_parent": framework.name,
    }
    out = ["---\n"]
    out += [f"{key}: {_front_value(value)}\n" for key, value in front.items()]
    out.append("---\n\n")
    out.append(f"# {level.title} - {level.code}\n" if level.title else f"# {level.code}\n")
    for track in family.tracks:
        cells = [(area, family.expectation(area.slug, level.slug)) for area in track.areas]
        cells = [(area, cell) for area, cell in cells if cell is not None]
        if not cells:
            continue
        out.append(f"\n## {page.section_heading(track)}\n\n")
        out.append(TABLE_HEADER)
        for area, cell in cells:
            link = area.link or f"#{area.slug}"
            text = " <br><br> ".join(s.text for s in cell.statements) or cell.gap_text
            out.append(f"| [{area.name}]({link}) | {text.replace('|', chr(92) + '|')} |\n")
    return "".join(out)


def _front_value(value) -> str:
    if isinstance(value, int):
        return str(value)
    dumped = yaml.safe_dump(str(value), width=10_000, allow_unicode=True)
    return dumped.removesuffix("...\n").strip()
