"""The vocabulary of a career framework as frozen dataclasses.

No I/O and no printing here. Every element keeps where it came from (`Source`) so a diagnostic
can point at it; sources never take part in equality, so the same framework read from two
formats compares equal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_SCALE = ("Not yet", "Working towards", "Meets", "Exceeds")


@dataclass(frozen=True)
class Source:
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        if not self.file:
            return "<input>"
        return f"{self.file}:{self.line}" if self.line else self.file


NOWHERE = Source()


def _source() -> Source:
    return field(default=NOWHERE, compare=False, repr=False)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    source: Source = NOWHERE

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    definition: str = ""
    source: Source = _source()


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    terms: tuple[str, ...] = ()  # slugs of the terms the text marks with `*`
    source: Source = _source()


@dataclass(frozen=True)
class Expectation:
    """The cell (area, level): statements, or a gap when there are none."""

    area: str  # area slug
    level: str  # level slug
    statements: tuple[Statement, ...] = ()
    gap_text: str = ""  # what a gap said, e.g. "TODO", kept so pages can be written back
    source: Source = _source()

    @property
    def is_gap(self) -> bool:
        return not self.statements


@dataclass(frozen=True)
class Area:
    slug: str
    name: str
    link: str = ""
    description: str = ""
    source: Source = _source()


@dataclass(frozen=True)
class Track:
    slug: str
    name: str
    areas: tuple[Area, ...] = ()
    source: Source = _source()


@dataclass(frozen=True)
class PageStyle:
    """How a level's page was written, so a page format can write it back the same way."""

    permalink: str = ""
    nav_order: int | None = None
    layout: str = ""
    section_headings: tuple[tuple[str, str], ...] = ()  # (track slug, heading text)
    section_sources: tuple[Source, ...] = field(default=(), compare=False, repr=False)

    def section_heading(self, track: Track) -> str:
        return dict(self.section_headings).get(track.slug, f"Craft - {track.name}")

    def section_source(self, track_slug: str, fallback: Source) -> Source:
        for (slug, _), source in zip(self.section_headings, self.section_sources, strict=False):
            if slug == track_slug:
                return source
        return fallback


@dataclass(frozen=True)
class Level:
    slug: str  # "level-3"
    code: str  # "Level 3"
    rank: int  # 0 is the most junior, whatever the numbering direction
    number: int | None = None
    name: str = ""  # "Senior"
    title: str = ""  # "Senior ML and Edge ML Engineer"
    missing: bool = False  # known to exist (a hole in the numbering) but not written
    page: PageStyle | None = None
    source: Source = _source()

    @property
    def label(self) -> str:
        return f"{self.code} ({self.name})" if self.name else self.code


@dataclass(frozen=True)
class Family:
    slug: str
    name: str
    levels: tuple[Level, ...] = ()  # by rank, missing levels included
    tracks: tuple[Track, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    source: Source = _source()

    @property
    def present_levels(self) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if not level.missing)

    @property
    def missing_levels(self) -> tuple[Level, ...]:
        return tuple(level for level in self.levels if level.missing)

    @property
    def areas(self) -> tuple[Area, ...]:
        return tuple(area for track in self.tracks for area in track.areas)

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for cell in self.expectations for s in cell.statements)

    def find_level(self, query: str) -> Level | None:
        """A level by code ("Level 3"), number ("3"), name ("Senior") or slug, any case."""
        wanted = normalise_key(query)
        for level in self.levels:
            keys = {level.slug, normalise_key(level.code), normalise_key(level.name)}
            if level.number is not None:
                keys.add(str(level.number))
            if level.name:
                keys.add(normalise_key(level.label))
            if wanted in keys - {""}:
                return level
        return None

    def find_area(self, query: str) -> Area | None:
        wanted = normalise_key(query)
        for area in self.areas:
            if wanted in (area.slug, normalise_key(area.name)):
                return area
        return None

    def track_of(self, area: Area) -> Track:
        return next(track for track in self.tracks if area in track.areas)

    def expectation(self, area: str, level: str) -> Expectation | None:
        for cell in self.expectations:
            if cell.area == area and cell.level == level:
                return cell
        return None

    def next_level(self, level: Level) -> Level | None:
        """The next present level up in seniority, skipping missing ones."""
        above = [other for other in self.present_levels if other.rank > level.rank]
        return above[0] if above else None

    def previous_level(self, level: Level) -> Level | None:
        below = [other for other in self.present_levels if other.rank < level.rank]
        return below[-1] if below else None


@dataclass(frozen=True)
class Framework:
    name: str
    families: tuple[Family, ...] = ()
    terms: tuple[Term, ...] = ()
    version: str = ""
    scale: tuple[str, ...] = DEFAULT_SCALE
    source: Source = _source()

    def find_family(self, query: str) -> Family | None:
        wanted = normalise_key(query)
        for family in self.families:
            if wanted in (family.slug, normalise_key(family.name)):
                return family
        return None

    def find_term(self, slug: str) -> Term | None:
        return next((term for term in self.terms if term.slug == slug), None)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens, as Markdown anchors are made."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def normalise_key(text: str) -> str:
    return slugify(text) if text else ""


def statement_id(area: str, level: str, position: int) -> str:
    """The derived id of the statement at 1-based `position` in cell (area, level)."""
    return f"{area}.{level}.{position}"


def in_grid_order(levels, tracks, cells) -> tuple[Expectation, ...]:
    """Cells sorted by level rank, then by area order in the tracks, so that equal frameworks
    read from different formats compare equal."""
    level_rank = {level.slug: level.rank for level in levels}
    area_position = {area.slug: i for i, area in enumerate(a for t in tracks for a in t.areas)}
    return tuple(sorted(cells, key=lambda cell: (level_rank.get(cell.level, len(level_rank)),
                                                 area_position.get(cell.area, len(area_position)))))
