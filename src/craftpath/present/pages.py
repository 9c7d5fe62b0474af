"""The framework's page set: which pages exist, where they live, and what each one shows.

The app and the static site both render these pages with the same templates. Every link is a
path relative to the site root (`ml-engineer/level-3.html`); the template puts `root` in front,
which is `/` or `/v/<label>/` in the app and `../` (as deep as the page is) in the static site.
So the same files work from a server, a static host or opened from disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from craftpath.core.compare import Change, compare_levels
from craftpath.core.model import Area, Expectation, Family, Framework, Level, Statement
from craftpath.core.text import find_terms, unmark

from . import charts

HOME = "index.html"
GLOSSARY = "glossary.html"
SEARCH = "search.html"
PRINT = "print.html"
SEARCH_INDEX = "search-index.js"
JSON_EXPORT = "framework.json"


class PageNotFound(LookupError):
    """No such family, level, area or pair in this framework (the app answers 404)."""


# --- paths -------------------------------------------------------------------------------------

def level_path(family: Family, level: Level) -> str:
    return f"{family.slug}/{level.slug}.html"


def area_path(family: Family, area: Area) -> str:
    return f"{family.slug}/areas/{area.slug}.html"


def compare_path(family: Family, before: Level, after: Level) -> str:
    return f"{family.slug}/compare/{before.slug}/{after.slug}.html"


def compare_index_path(family: Family) -> str:
    return f"{family.slug}/compare/index.html"


def matrix_path(family: Family) -> str:
    return f"{family.slug}/matrix.html"


def root_from(path: str) -> str:
    """The relative way back to the site root from a page at `path`."""
    return "../" * path.count("/")


# --- what the templates get ----------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    path: str  # where the page lives, relative to the site root
    template: str
    title: str
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class TextPart:
    text: str
    term: str = ""  # a term slug when this part is a marked term


@dataclass(frozen=True)
class StatementView:
    statement: Statement
    parts: tuple[TextPart, ...]

    @property
    def id(self) -> str:
        return self.statement.id

    @property
    def plain(self) -> str:
        """The text when it marks no term: the template prints it without walking parts."""
        return "" if self.statement.terms else self.statement.text


@dataclass(frozen=True)
class Cell:
    area: Area
    level: Level
    statements: tuple[StatementView, ...]
    written: bool  # False for a gap or a level with no page
    href: str  # the cell on its level page
    area_href: str  # the area across every level

    @property
    def level_href(self) -> str:
        return self.href.partition("#")[0]


@dataclass(frozen=True)
class LevelLink:
    level: Level
    href: str
    count: int = 0


def statement_parts(statement: Statement) -> tuple[TextPart, ...]:
    """The text split so each marked term (`MLOps goals*`) can link to the glossary."""
    parts: list[TextPart] = []
    rest = statement.text
    for slug, name in find_terms(statement.text):
        marked = f"{name}*"
        at = rest.find(marked)
        if at < 0:
            continue
        if at:
            parts.append(TextPart(rest[:at]))
        parts.append(TextPart(name, slug))
        rest = rest[at + len(marked):]
    if rest:
        parts.append(TextPart(rest))
    return tuple(parts)


def view_of(statement: Statement) -> StatementView:
    return StatementView(statement, statement_parts(statement))


class PageSet:
    """All pages of one framework version, built on demand."""

    def __init__(self, framework: Framework):
        self.framework = framework

    # lookups that turn URL parts into model objects, or PageNotFound
    def family(self, slug: str) -> Family:
        family = next((f for f in self.framework.families if f.slug == slug), None)
        if family is None:
            raise PageNotFound("there is no such career family")
        return family

    @staticmethod
    def level_of(family: Family, slug: str) -> Level:
        level = next((lv for lv in family.levels if lv.slug == slug), None)
        if level is None:
            raise PageNotFound(f"{family.name} has no such level")
        return level

    @staticmethod
    def area_of(family: Family, slug: str) -> Area:
        area = next((a for a in family.areas if a.slug == slug), None)
        if area is None:
            raise PageNotFound(f"{family.name} has no such area")
        return area

    def _page(self, path: str, template: str, title: str, **context) -> Page:
        context.update(framework=self.framework, page_title=title, page_path=path,
                       families=self.framework.families)
        return Page(path, template, title, context)

    # --- the pages --------------------------------------------------------------------------

    def home(self) -> Page:
        ladders = []
        for family in self.framework.families:
            rungs = [LevelLink(level, level_path(family, level), _statement_count(family, level))
                     for level in reversed(family.levels)]  # most senior on top, as a ladder
            tracks = [(track, [(area, area_path(family, area)) for area in track.areas])
                      for track in family.tracks]
            ladders.append({"family": family, "rungs": rungs, "tracks": tracks,
                            "matrix": matrix_path(family),
                            "compare": compare_index_path(family)})
        return self._page(HOME, "pages/home.html", self.framework.name, ladders=ladders)

    def level(self, family_slug: str, level_slug: str) -> Page:
        family = self.family(family_slug)
        level = self.level_of(family, level_slug)
        tracks = [(track, [self._cell(family, area, level) for area in track.areas])
                  for track in family.tracks]
        previous, following = family.previous_level(level), family.next_level(level)
        counts = [(area.name, _count(family.expectation(area.slug, level.slug)))
                  for area in family.areas]
        return self._page(
            level_path(family, level), "pages/level.html", f"{level.label} · {family.name}",
            family=family, level=level, tracks=tracks,
            previous=previous and LevelLink(previous, level_path(family, previous)),
            next=following and LevelLink(following, level_path(family, following)),
            compare_next=following and not level.missing and compare_path(family, level, following),
            chart=None if level.missing else charts.radar(
                counts, _largest_cell(family), f"Statements per area at {level.label}"),
            pdf=f"{family.slug}/{level.slug}.pdf",
            nav=self._family_nav(family))

    def area(self, family_slug: str, area_slug: str) -> Page:
        family = self.family(family_slug)
        area = self.area_of(family, area_slug)
        cells = [self._cell(family, area, level) for level in family.levels]
        return self._page(area_path(family, area), "pages/area.html",
                          f"{area.name} · {family.name}", family=family, area=area,
                          track=family.track_of(area), cells=cells,
                          nav=self._family_nav(family))

    def default_pair(self, family: Family) -> tuple[Level, Level]:
        present = family.present_levels
        if len(present) < 2:
            raise PageNotFound(f"{family.name} has fewer than two written levels")
        return present[0], present[1]

    def compare(self, family_slug: str, before_slug: str, after_slug: str) -> Page:
        family = self.family(family_slug)
        before = self.level_of(family, before_slug)
        after = self.level_of(family, after_slug)
        if before == after:
            raise PageNotFound("a level compared with itself shows nothing")
        if before.missing or after.missing:
            raise PageNotFound("a level with no page has nothing to compare")
        comparison = compare_levels(family, before, after)
        areas = []
        for item in comparison.areas:
            areas.append({
                "area": item.area, "track": item.track,
                "href": area_path(family, item.area),
                "before_gap": item.before is None or item.before.is_gap,
                "after_gap": item.after is None or item.after.is_gap,
                "added": item.of(Change.ADDED), "reworded": item.of(Change.REWORDED),
                "dropped": item.of(Change.DROPPED), "kept": item.of(Change.KEPT),
            })
        return self._page(
            compare_path(family, before, after), "pages/compare.html",
            f"{before.label} → {after.label} · {family.name}",
            family=family, before=before, after=after, areas=areas,
            counts={change.value: comparison.count(change) for change in Change},
            before_href=level_path(family, before), after_href=level_path(family, after),
            chooser=self._chooser(family, before, after), nav=self._family_nav(family))

    def compare_index(self, family_slug: str) -> Page:
        family = self.family(family_slug)
        before, after = self.default_pair(family)
        pairs = [(a, b, compare_path(family, a, b)) for a, b in _forward_pairs(family)]
        return self._page(compare_index_path(family), "pages/compare_index.html",
                          f"Compare levels · {family.name}", family=family, pairs=pairs,
                          chooser=self._chooser(family, before, after),
                          nav=self._family_nav(family))

    def matrix(self, family_slug: str) -> Page:
        family = self.family(family_slug)
        rows = [(track, [(area, area_path(family, area),
                          [self._cell(family, area, level) for level in family.levels])
                         for area in track.areas])
                for track in family.tracks]
        levels = [LevelLink(level, level_path(family, level)) for level in family.levels]
        return self._page(matrix_path(family), "pages/matrix.html",
                          f"Matrix · {family.name}", family=family, rows=rows, levels=levels,
                          nav=self._family_nav(family))

    def glossary(self) -> Page:
        return self._page(GLOSSARY, "pages/glossary.html", "Glossary",
                          terms=self.glossary_entries())

    def search(self, query: str = "") -> Page:
        results = search(self.search_entries(), query) if query else None
        return self._page(SEARCH, "pages/search.html", "Search", query=query,
                          results=results)

    def print_all(self) -> Page:
        families = []
        for family in self.framework.families:
            levels = [(level, [(track, [self._cell(family, area, level) for area in track.areas])
                               for track in family.tracks])
                      for level in family.present_levels]
            families.append((family, levels))
        return self._page(PRINT, "pages/print.html", f"{self.framework.name} (print)",
                          print_families=families)

    def page_specs(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every page of the static site as (method, arguments), in a stable order: cheap to
        list and to split between processes; `make` builds each one."""
        specs = [("home", ()), ("glossary", ()), ("search", ()), ("print_all", ())]
        for family in self.framework.families:
            specs += [("level", (family.slug, level.slug)) for level in family.levels]
            specs += [("area", (family.slug, area.slug)) for area in family.areas]
            specs.append(("matrix", (family.slug,)))
            if len(family.present_levels) >= 2:
                specs.append(("compare_index", (family.slug,)))
                specs += [("compare", (family.slug, before.slug, after.slug))
                          for before, after in _forward_pairs(family)]
        return specs

    def make(self, spec: tuple[str, tuple[str, ...]]) -> Page:
        method, arguments = spec
        return getattr(self, method)(*arguments)

    # --- glossary and search data -------------------------------------------------------------

    def glossary_entries(self) -> list[dict]:
        """Every term: its definition (or none yet) and the statements that use it."""
        uses: dict[str, list[tuple[Family, Level, Area, Statement]]] = {}
        for family in self.framework.families:
            levels = {level.slug: level for level in family.levels}
            areas = {area.slug: area for area in family.areas}
            for cell in family.expectations:
                for statement in cell.statements:
                    for slug in statement.terms:
                        uses.setdefault(slug, []).append(
                            (family, levels[cell.level], areas[cell.area], statement))
        names = {term.slug: term for term in self.framework.terms}
        entries = []
        for slug in sorted(set(names) | set(uses)):
            term = names.get(slug)
            entries.append({
                "slug": slug, "name": term.name if term else slug.replace("-", " "),
                "definition": term.definition if term else "",
                "uses": [{"family": f, "level": lv, "area": a, "statement": view_of(s),
                          "href": f"{level_path(f, lv)}#{s.id}"}
                         for f, lv, a, s in uses.get(slug, [])],
            })
        return entries

    def search_entries(self) -> list[dict]:
        """What search looks through; also written as search-index.js for the static site."""
        entries = []
        for family in self.framework.families:
            for level in family.levels:
                entries.append({"kind": "level", "title": f"{level.label}",
                                "text": f"{level.title} {family.name}".strip(),
                                "href": level_path(family, level)})
            for area in family.areas:
                entries.append({"kind": "area", "title": area.name,
                                "text": f"{family.track_of(area).name} · {family.name}",
                                "href": area_path(family, area)})
            levels = {level.slug: level for level in family.levels}
            areas = {area.slug: area for area in family.areas}
            for cell in family.expectations:
                for statement in cell.statements:
                    entries.append({
                        "kind": "statement",
                        "title": f"{areas[cell.area].name} · {levels[cell.level].label}",
                        "text": unmark(statement.text),
                        "href": f"{level_path(family, levels[cell.level])}#{statement.id}"})
        for entry in self.glossary_entries():
            entries.append({"kind": "term", "title": entry["name"],
                            "text": entry["definition"] or "Not defined in this framework yet",
                            "href": f"{GLOSSARY}#term-{entry['slug']}"})
        return entries

    # --- pieces ------------------------------------------------------------------------------

    @staticmethod
    def _cell(family: Family, area: Area, level: Level) -> Cell:
        cell = family.expectation(area.slug, level.slug)
        statements = tuple(view_of(s) for s in cell.statements) if cell else ()
        return Cell(area, level, statements, bool(statements),
                    f"{level_path(family, level)}#area-{area.slug}", area_path(family, area))

    def _family_nav(self, family: Family) -> dict:
        return {"family": family,
                "levels": [LevelLink(level, level_path(family, level)) for level in family.levels],
                "areas": [(area, area_path(family, area)) for area in family.areas],
                "matrix": matrix_path(family), "compare": compare_index_path(family)}

    @staticmethod
    def _chooser(family: Family, before: Level, after: Level) -> dict:
        return {"action": compare_index_path(family), "levels": family.present_levels,
                "before": before, "after": after,
                "pairs": " ".join(f"{a.slug}/{b.slug}" for a, b in _forward_pairs(family))}


def search_index_script(pages: PageSet) -> str:
    """The search entries as a script that sets a global: loadable from disk, unlike JSON."""
    data = json.dumps({"entries": pages.search_entries()}, ensure_ascii=False)
    return f"window.CRAFTPATH_SEARCH = {data};\n"


def search(entries: list[dict], query: str, limit: int = 100) -> list[dict]:
    """Entries holding every word of the query (any case); the same rule as search.js."""
    words = query.lower().split()
    if not words:
        return []
    found = []
    for entry in entries:
        haystack = f"{entry['title']} {entry['text']}".lower()
        if all(word in haystack for word in words):
            found.append(entry)
            if len(found) == limit:
                break
    return found


def _forward_pairs(family: Family) -> list[tuple[Level, Level]]:
    """Each pair of written levels once, junior first: the static site's compare pages."""
    present = family.present_levels
    return [(a, b) for i, a in enumerate(present) for b in present[i + 1:]]


def _count(cell: Expectation | None) -> int:
    return len(cell.statements) if cell else 0


def _statement_count(family: Family, level: Level) -> int:
    return sum(len(c.statements) for c in family.expectations if c.level == level.slug)


def _largest_cell(family: Family) -> int:
    return max((len(c.statements) for c in family.expectations), default=0)

