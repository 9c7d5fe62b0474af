"""Relational YAML or JSON: a list of levels, a list of areas (themes) and a flat list of
competencies that point at a level and an area by id — the shape of the Financial Times
engineering progression (`levels[]`, `themes[]`, `competencies[]`).

One file is one family (its `name`). Levels keep the order they are listed in (junior first)
unless every level name carries a number. A competency's text holds one statement, or several
when it is a numbered or bulleted list ("1. … 2. …"); several competencies for one cell add up
in the order they are listed. Fields the model has no place for (FT's `proficiency`) are named
in an info note.

Hints:
  levels_key=KEY    the top-level list of levels (default: levels, grades or bands)
  areas_key=KEY     the list of areas (default: themes, areas, categories, pillars, …)
  items_key=KEY     the flat list of statements (default: competencies, expectations, …)
  separator=REGEX   split a competency's text on REGEX instead of numbered items
  level_order=ascending|descending|document|reversed   how levels are ranked
  name=TEXT         the framework's name
"""

from __future__ import annotations

import re

from ..model import Area, Diagnostic, Framework, Level, Severity, Track
from ..text import normalise_space
from .common import (
    CORE_TRACK,
    LevelLabel,
    level_label,
    level_order,
    line_of,
    load_data,
    make_expectation,
    make_family,
    make_framework,
    note,
    set_name,
    split_hint,
    split_text,
    unique_slug,
    with_distinct_slugs,
)
from .inputs import TextFile

NAME = "relational-yaml"

LEVEL_KEYS = ("levels", "grades", "bands")
AREA_KEYS = ("themes", "areas", "competency_areas", "competencyAreas", "categories", "pillars",
             "dimensions", "axes")
ITEM_KEYS = ("competencies", "expectations", "behaviours", "behaviors", "statements", "items")
LEVEL_REF = ("level", "level_id", "levelId", "grade", "band")
AREA_REF = ("theme", "area", "theme_id", "area_id", "themeId", "areaId", "category", "pillar",
            "dimension", "axis")
ITEM_KEY_LINE = re.compile(r"[\"']?(?:" + "|".join(ITEM_KEYS) + r")[\"']?\s*:", re.M)
TEXT_KEYS = ("summary", "text", "description", "statement", "criteria", "name", "title")
ID_KEYS = ("id", "slug", "key", "code")
NAME_KEYS = ("name", "title", "label")
DESCRIPTION_KEYS = ("summary", "description")


def sniff(file: TextFile) -> str | None:
    if file.path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return None
    if not ITEM_KEY_LINE.search(file.text):
        return None
    data, problems = load_data(file, "CP300")
    if problems or not isinstance(data, dict):
        return None
    levels, _, items = _lists(data, {})
    if levels and items and any(isinstance(item, dict) and _first(item, LEVEL_REF) is not None
                                for item in items[1]):
        return (f"YAML/JSON with `{levels[0]}` and a flat `{items[0]}` list pointing at "
                "levels and areas by id (relational)")
    return None


def _first(mapping: dict, keys: tuple[str, ...]):
    for key in keys:
        if mapping.get(key) not in (None, ""):
            return mapping[key]
    return None


def _lists(data: dict, hints: dict):
    """(key, list) for the levels, the areas and the items, each None when absent."""
    def find(hint: str, keys: tuple[str, ...]):
        wanted = (hints.get(hint),) if hints.get(hint) else keys
        for key in wanted:
            if isinstance(data.get(key), list):
                return key, data[key]
        return None
    return find("levels_key", LEVEL_KEYS), find("areas_key", AREA_KEYS), find("items_key",
                                                                              ITEM_KEYS)


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    hints = dict(hints or {})
    notes: list[Diagnostic] = []
    families = []
    for file in files:
        family = _read_family(file, hints, notes)
        if family is not None:
            families.append(family)
    families = with_distinct_slugs(families, notes, "CP305", "repeats")
    if not families:
        return None, notes
    name = set_name([file.path for file in files], hints, families)
    return make_framework(name, families, files[0].source(1)), notes


def _text(value) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _read_family(file: TextFile, hints: dict, notes: list[Diagnostic]):
    data, problems = load_data(file, "CP300")
    notes += problems
    if problems:
        return None
    if not isinstance(data, dict):
        notes.append(note("CP300", Severity.ERROR, file.source(1),
                          "expected a mapping with levels, areas and competencies at the top"))
        return None
    found_levels, found_areas, found_items = _lists(data, hints)
    if not found_levels or not found_items:
        missing = "levels" if not found_levels else "competencies"
        notes.append(note("CP301", Severity.ERROR, file.source(1),
                          f"no list of {missing} found (looked for: "
                          f"{', '.join(LEVEL_KEYS if not found_levels else ITEM_KEYS)})"))
        return None
    family_name = normalise_space(_text(_first(data, NAME_KEYS))) or file.path.stem

    levels, level_by_id = _levels(file, found_levels, hints, notes)
    if not levels:
        notes.append(note("CP301", Severity.ERROR, file.source(1), "no level has an id"))
        return None
    areas: list[Area] = []
    area_by_id: dict[str, Area] = {}
    area_slugs: set[str] = set()
    key, entries = found_areas or ("areas", [])
    for index, entry in enumerate(entries):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict) or _first(entry, ID_KEYS + NAME_KEYS) is None:
            notes.append(note("CP302", Severity.WARNING, file.source(line_of(entry)),
                              f"{where}: expected an id and a name; skipped"))
            continue
        ref = _text(_first(entry, ID_KEYS) or _first(entry, NAME_KEYS))
        name = normalise_space(_text(_first(entry, NAME_KEYS))) or ref
        slug = unique_slug(ref, area_slugs, f"area-{index + 1}")
        area = Area(slug, name, description=normalise_space(_text(_first(entry,
                                                                         DESCRIPTION_KEYS))),
                    source=file.source(line_of(entry)))
        areas.append(area)
        area_by_id[ref] = area

    texts: dict[tuple[str, str], list[str]] = {}
    raw: dict[tuple[str, str], str] = {}
    sources = {}
    ignored_fields: set[str] = set()
    used = set(LEVEL_REF + AREA_REF + ID_KEYS)
    key, entries = found_items
    for index, entry in enumerate(entries):
        where, line = f"{key}[{index}]", line_of(entry)
        if not isinstance(entry, dict):
            notes.append(note("CP303", Severity.WARNING, file.source(line),
                              f"{where}: expected a mapping; skipped"))
            continue
        level = level_by_id.get(_text(_first(entry, LEVEL_REF)))
        area_ref = _text(_first(entry, AREA_REF))
        if level is None:
            notes.append(note("CP303", Severity.WARNING, file.source(line),
                              f"{where}: level {_first(entry, LEVEL_REF)!r} is not one of the "
                              "listed levels; skipped"))
            continue
        if not area_ref:
            notes.append(note("CP303", Severity.WARNING, file.source(line),
                              f"{where}: names no area ({', '.join(AREA_REF[:2])}); skipped"))
            continue
        if area_ref not in area_by_id:
            notes.append(note("CP304", Severity.WARNING, file.source(line),
                              f"{where}: area {area_ref!r} is not listed; added as an area"))
            area = Area(unique_slug(area_ref, area_slugs, f"area-{len(areas) + 1}"), area_ref,
                        source=file.source(line))
            areas.append(area)
            area_by_id[area_ref] = area
        text_key = hints.get("text_key") or next((k for k in TEXT_KEYS if k in entry), None)
        text = _text(entry.get(text_key)) if text_key else ""
        cell = (area_by_id[area_ref].slug, level.slug)
        texts.setdefault(cell, []).extend(split_text(text, lines=False,
                                                     separator=split_hint(hints)))
        raw.setdefault(cell, text)
        sources.setdefault(cell, file.source(line))
        ignored_fields.update(k for k in entry if k not in used and k != text_key)
    if ignored_fields:
        notes.append(note("CP306", Severity.INFO, file.source(1),
                          f"{key}: fields with no place in the model not read: "
                          f"{', '.join(sorted(map(str, ignored_fields)))}"))

    cells = [make_expectation(area, level, statements, sources[(area, level)],
                              raw[(area, level)])
             for (area, level), statements in texts.items()]
    tracks = [Track("all", CORE_TRACK, tuple(areas))] if areas else []
    return make_family(family_name, unique_slug(family_name, set(), "family"), levels, tracks,
                       cells, file.source(1))


def _levels(file: TextFile, found, hints: dict, notes: list[Diagnostic]):
    key, entries = found
    labels: list[LevelLabel] = []
    refs: list[tuple[str, object]] = []
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            ref = _text(_first(entry, ID_KEYS) or _first(entry, NAME_KEYS))
            name = normalise_space(_text(_first(entry, NAME_KEYS))) or ref
        else:
            ref = name = normalise_space(_text(entry))
        if not ref:
            notes.append(note("CP302", Severity.WARNING, file.source(line_of(entry)),
                              f"{key}[{index}]: a level with no id or name; skipped"))
            continue
        label = level_label(name)
        labels.append(label if label and label.number is not None else LevelLabel(name, None, ""))
        refs.append((ref, entry))
    order = level_order(labels, hints)
    taken: set[str] = set()
    levels: list[Level] = []
    by_id: dict[str, Level] = {}
    for rank, index in enumerate(order):
        ref, entry = refs[index]
        label = labels[index]
        slug = unique_slug(ref, taken, f"level-{rank + 1}")
        level = Level(slug, label.code, rank, label.number, label.name,
                      source=file.source(line_of(entry)))
        if ref in by_id:
            notes.append(note("CP302", Severity.WARNING, level.source,
                              f"{key}: level id {ref!r} repeats; the second is ignored"))
            continue
        levels.append(level)
        by_id[ref] = level
    return levels, by_id
