"""Which statements a check-in covers: those of the person's level (and, if chosen, the next
one) in the areas of their tracks, grouped by area in the framework's own order."""

from __future__ import annotations

from dataclasses import dataclass

from craftpath.core.model import Area, Family, Framework, Level, Statement
from craftpath.core.progress import NOT_APPLICABLE, Scale
from craftpath.web.frameworks.publishing import framework_of


class ScopeError(Exception):
    """The check-in's family or level is not in its framework version (bad data)."""


@dataclass(frozen=True)
class Item:
    statement: Statement
    area: Area
    level: Level
    position: int


@dataclass(frozen=True)
class AreaScope:
    area: Area
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Scope:
    framework: Framework
    family: Family
    level: Level
    next_level: Level | None
    tracks: tuple[str, ...]
    areas: tuple[AreaScope, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for area in self.areas for item in area.items)

    @property
    def scale(self) -> Scale:
        return Scale.of(self.framework.scale)

    @property
    def choices(self) -> tuple[str, ...]:
        """What a rating may say: the framework's scale, then Not applicable."""
        return (*self.framework.scale, NOT_APPLICABLE)

    def area(self, slug: str) -> AreaScope | None:
        return next((a for a in self.areas if a.area.slug == slug), None)

    def item(self, statement_id: str) -> Item | None:
        return next((i for i in self.items if i.statement.id == statement_id), None)


def build(framework: Framework, family_slug: str, level_slug: str, next_level_slug: str = "",
          tracks: tuple[str, ...] = ()) -> Scope:
    family = framework.find_family(family_slug)
    level = family.find_level(level_slug) if family else None
    if family is None or level is None or level.missing:
        raise ScopeError(f"{family_slug}/{level_slug} is not in framework {framework.name}")
    following = family.find_level(next_level_slug) if next_level_slug else None
    levels = [level] + ([following] if following else [])
    known = {track.slug for track in family.tracks}
    wanted = tuple(t for t in tracks if t in known)
    areas, position = [], 0
    for track in family.tracks:
        if wanted and track.slug not in wanted:
            continue
        for area in track.areas:
            items = []
            for at in levels:
                cell = family.expectation(area.slug, at.slug)
                for statement in cell.statements if cell else ():
                    items.append(Item(statement, area, at, position))
                    position += 1
            if items:
                areas.append(AreaScope(area, tuple(items)))
    return Scope(framework, family, level, following, wanted, tuple(areas))


def of_checkin(checkin) -> Scope:
    """The check-in's scope. Versions never change, so scopes are kept per (version id,
    content hash, family, levels, tracks) for the life of the process."""
    version = checkin.version
    key = (version.pk, version.content_hash, checkin.family_slug, checkin.level_slug,
           checkin.next_level_slug, tuple(checkin.track_slugs))
    found = _SCOPES.get(key)
    if found is None:
        if len(_SCOPES) >= 256:
            _SCOPES.pop(next(iter(_SCOPES)))
        found = _SCOPES[key] = build(framework_of(version), *key[2:])
    return found


_SCOPES: dict[tuple, Scope] = {}
