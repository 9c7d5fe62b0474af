"""What changed between two frameworks, arranged for reading: per family and area, the
statement mapping of core.compare (kept, reworded with word highlights, moved, split, merged,
removed, added), plus the changes around the statements (levels, tracks, areas, terms, the
rating scale). Used by a draft's review page and by the versions page's comparison."""

from __future__ import annotations

from dataclasses import dataclass, field

from craftpath.core.compare import Mapping, Segment, compare_family_versions, word_diff
from craftpath.core.model import Family, Framework, Statement

SHOWN_ORDER = (Mapping.REWORDED, Mapping.MOVED, Mapping.SPLIT, Mapping.MERGED, Mapping.REMOVED,
               Mapping.ADDED)


@dataclass(frozen=True)
class Placed:
    statement: Statement
    place: str  # "ML Ops · Level 3"


@dataclass(frozen=True)
class Change:
    kind: str
    old: tuple[Placed, ...]
    new: tuple[Placed, ...]
    segments: tuple[Segment, ...] = ()  # word highlights of a rewording


@dataclass
class AreaReview:
    name: str
    track: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class FamilyReview:
    slug: str
    name: str
    counts: dict[str, int]
    areas: list[AreaReview]
    structure: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.structure) or any(self.counts[k.value] for k in SHOWN_ORDER)


@dataclass
class Review:
    families: list[FamilyReview]
    general: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.general) or any(f.changed for f in self.families)

    def total(self, kind: str) -> int:
        return sum(f.counts.get(kind, 0) for f in self.families)


def _places(family: Family) -> dict[str, tuple[str, str]]:
    return {s.id: (cell.area, cell.level) for cell in family.expectations for s in cell.statements}


def _label(family: Family, place: tuple[str, str]) -> str:
    area = family.find_area(place[0])
    level = next((lv for lv in family.levels if lv.slug == place[1]), None)
    return f"{area.name if area else place[0]} · {level.code if level else place[1]}"


def review(old: Framework, new: Framework) -> Review:
    olds = {family.slug: family for family in old.families}
    news = {family.slug: family for family in new.families}
    families = [_family_review(olds[slug], news[slug]) for slug in news if slug in olds]
    general = _general_changes(old, new)
    general += [f"Family added: {news[slug].name}" for slug in news if slug not in olds]
    general += [f"Family removed: {olds[slug].name}" for slug in olds if slug not in news]
    return Review(families, general)


def _family_review(old: Family, new: Family) -> FamilyReview:
    mapping = compare_family_versions(old, new)
    old_places, new_places = _places(old), _places(new)
    areas: dict[str, AreaReview] = {}
    for family in (new, old):
        for track in family.tracks:
            for area in track.areas:
                areas.setdefault(area.slug, AreaReview(area.name, track.name))
    counts = {kind.value: len(mapping.of(kind)) for kind in Mapping}
    for kind in SHOWN_ORDER:
        for item in mapping.of(kind):
            old_side = tuple(Placed(s, _label(old, old_places[s.id])) for s in item.old)
            new_side = tuple(Placed(s, _label(new, new_places[s.id])) for s in item.new)
            segments = ()
            if kind in (Mapping.REWORDED, Mapping.MOVED) and item.old[0].text != \
                    item.new[0].text:
                segments = word_diff(item.old[0].text, item.new[0].text)
            home = (new_places[item.new[0].id] if item.new else old_places[item.old[0].id])[0]
            areas[home].changes.append(Change(kind.value, old_side, new_side, segments))
    return FamilyReview(new.slug, new.name, counts,
                        [area for area in areas.values() if area.changes],
                        _structure_changes(old, new))


def _named(items, key=lambda item: item.slug):
    return {key(item): item for item in items}


def _structure_changes(old: Family, new: Family) -> list[str]:
    said = []
    old_levels, new_levels = _named(old.levels), _named(new.levels)
    for slug, level in new_levels.items():
        before = old_levels.get(slug)
        if before is None:
            said.append(f"Level added: {level.label}")
        elif (before.code, before.name, before.title, before.number) != \
                (level.code, level.name, level.title, level.number):
            said.append(f"Level renamed: {before.label} → {level.label}")
        if before is not None and before.missing != level.missing:
            said.append(f"{level.code} is now {'missing' if level.missing else 'present'}")
    said += [f"Level removed: {lv.label}" for slug, lv in old_levels.items()
             if slug not in new_levels]
    if [lv.slug for lv in old.levels if lv.slug in new_levels] != \
            [lv.slug for lv in new.levels if lv.slug in old_levels]:
        said.append("Levels reordered: " + " < ".join(lv.code for lv in new.levels))
    old_tracks, new_tracks = _named(old.tracks), _named(new.tracks)
    said += [f"Track added: {t.name}" for s, t in new_tracks.items() if s not in old_tracks]
    said += [f"Track removed: {t.name}" for s, t in old_tracks.items() if s not in new_tracks]
    said += [f"Track renamed: {old_tracks[s].name} → {t.name}" for s, t in new_tracks.items()
             if s in old_tracks and old_tracks[s].name != t.name]
    old_areas, new_areas = _named(old.areas), _named(new.areas)
    for slug, area in new_areas.items():
        before = old_areas.get(slug)
        if before is None:
            said.append(f"Area added: {area.name} (in {new.track_of(area).name})")
            continue
        if before.name != area.name:
            said.append(f"Area renamed: {before.name} → {area.name}")
        if before.description != area.description:
            said.append(f"Area description changed: {area.name}")
        if old.track_of(before).slug != new.track_of(area).slug:
            said.append(f"Area moved: {area.name} from {old.track_of(before).name} to "
                        f"{new.track_of(area).name}")
    said += [f"Area removed: {a.name}" for s, a in old_areas.items() if s not in new_areas]
    return said


def _general_changes(old: Framework, new: Framework) -> list[str]:
    said = []
    if old.name != new.name:
        said.append(f"Framework renamed: {old.name} → {new.name}")
    if old.scale != new.scale:
        said.append(f"Rating scale: {' / '.join(old.scale)} → {' / '.join(new.scale)} "
                    "(ratings carried from open check-ins keep their old labels)")
    old_terms, new_terms = _named(old.terms), _named(new.terms)
    for slug, term in new_terms.items():
        before = old_terms.get(slug)
        if before is None:
            said.append(f"Term added: {term.name}")
        elif (before.name, before.definition) != (term.name, term.definition):
            said.append(f"Term changed: {term.name}")
    said += [f"Term removed: {t.name}" for s, t in old_terms.items() if s not in new_terms]
    return said
