"""A person's growth plan: focus statements and goals with dates and actions. Shown on their
progress page and in their next check-in."""

from __future__ import annotations

from dataclasses import dataclass

from craftpath.core.model import Family
from craftpath.core.text import unmark
from craftpath.web.frameworks.publishing import active_version, framework_of

from .models import FocusStatement, Goal


@dataclass(frozen=True)
class Focus:
    record: FocusStatement
    text: str  # the statement as the current framework words it ("" when it is gone)
    where: str  # "Level 3 · ML Ops"


@dataclass(frozen=True)
class Plan:
    focus: list[Focus]
    goals: list[Goal]

    @property
    def empty(self) -> bool:
        return not self.focus and not self.goals


def _family(slug: str) -> Family | None:
    version = active_version()
    return framework_of(version).find_family(slug) if version and slug else None


def statement_places(family: Family | None) -> dict[str, tuple]:
    """Statement id → (level, area, statement) in `family`."""
    if family is None:
        return {}
    levels = {level.slug: level for level in family.levels}
    areas = {area.slug: area for area in family.areas}
    return {s.id: (levels[cell.level], areas[cell.area], s) for cell in family.expectations
            for s in cell.statements if cell.level in levels and cell.area in areas}


GONE = "A statement no longer in the framework"


def statement_words(version, family_slug: str, places: dict) -> dict[str, str]:
    """Statement id → its words, as `version` of the framework puts them, for a check-in of
    `family_slug`; `places` keeps what was read for each (version, family) across calls."""
    key = (version.pk, family_slug)
    if key not in places:
        family = framework_of(version).find_family(family_slug)
        places[key] = {sid: unmark(statement.text)
                       for sid, (_level, _area, statement) in statement_places(family).items()}
    return places[key]


def of(person) -> Plan:
    places = statement_places(_family(person.family_slug))
    focus = []
    for record in FocusStatement.objects.filter(person=person):
        level, area, statement = places.get(record.statement_id, (None, None, None))
        focus.append(Focus(record, unmark(statement.text) if statement else "",
                           f"{level.code} · {area.name}" if level else GONE))
    return Plan(focus, list(Goal.objects.filter(person=person)))


def focus_ids(person, family_slug: str) -> set[str]:
    return set(FocusStatement.objects.filter(person=person, family_slug=family_slug)
               .values_list("statement_id", flat=True))


def choosable(person) -> list[tuple]:
    """Statements of the person's level and the next, as (level, area, statement)."""
    family = _family(person.family_slug)
    level = family.find_level(person.level_slug) if family and person.level_slug else None
    if level is None:
        return []
    wanted = {level.slug} | ({family.next_level(level).slug} if family.next_level(level) else set())
    tracks = set(person.track_slugs or ())
    areas = [a for t in family.tracks if not tracks or t.slug in tracks for a in t.areas]
    return [(lvl, area, s) for lvl in family.present_levels if lvl.slug in wanted
            for area in areas for cell in [family.expectation(area.slug, lvl.slug)] if cell
            for s in cell.statements]
