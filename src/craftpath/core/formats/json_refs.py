"""JSON (or YAML) with references — the MyUNiDAYS competency framework shape:

- catalogues: `{path, title, topics: [{path, title, summary, levels: [{path, title, criteria}]}]}`
- roles: `{title, roles: [...], departments: [{title, roles, departments}]}` where each role has
  `levels: [{path, title, competencies: {required: ["catalogue/topic/level", …], optional}}]`.

Each role is a family; its levels are listed junior first. A reference `catalogue/topic/level`
puts the criteria of that catalogue level into the cell (topic, role level): the topic is the
area, the catalogue its track (optional references go to a track "<catalogue> (optional)").
Each criterion is one statement. Departments nest to any depth; their names are not kept.
A reference that matches no catalogue entry is reported with the field that holds it and the
reference left out. With catalogues alone (no roles), each catalogue is read as a family whose
levels are the catalogue's own levels. JSON Schema files are not framework data.

Hints:
  level_order=document|reversed|ascending|descending
  separator=REGEX   split each criterion on REGEX
  name=TEXT         the framework's name
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Area, Diagnostic, Framework, Level, Severity, Source, Track
from ..text import normalise_space
from .common import (
    LevelLabel,
    level_label,
    level_order,
    load_data,
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
from .inputs import TextFile

NAME = "json-refs"
REF_KINDS = ("required", "optional")
KNOWN_LEVEL_KEYS = {"title", "path", "summary", "competencies", "id", "name"}


def _kind(data) -> str | None:
    """"catalogue", "roles" or None for one parsed document."""
    if not isinstance(data, dict) or "$schema" in data:
        return None
    topics = data.get("topics")
    if isinstance(topics, list) and any(isinstance(t, dict) and isinstance(t.get("levels"), list)
                                        for t in topics):
        return "catalogue"
    if isinstance(data.get("roles"), list) or isinstance(data.get("departments"), list):
        return "roles"
    return None


def sniff(file: TextFile) -> str | None:
    if file.path.suffix.lower() not in (".json", ".yaml", ".yml"):
        return None
    if not re.search(r"[\"']?(?:topics|roles|departments)[\"']?\s*:", file.text):
        return None
    data, problems = load_data(file, "CP330")
    kind = None if problems else _kind(data)
    if kind == "catalogue":
        return "JSON/YAML competency catalogue: topics → levels → criteria (referenced by roles)"
    if kind == "roles":
        return "JSON/YAML roles whose levels reference catalogue entries by path"
    return None


@dataclass
class Entry:
    catalogue: str  # the catalogue's title
    topic_slug: str
    topic: dict
    level: dict
    source: Source


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    hints = dict(hints or {})
    notes: list[Diagnostic] = []
    catalogue: dict[str, Entry] = {}
    topics_by_slug: dict[str, str] = {}
    catalogues: list[tuple[TextFile, dict]] = []
    roles: list[tuple[TextFile, dict]] = []
    for file in files:
        data, problems = load_data(file, "CP330")
        notes += problems
        kind = None if problems else _kind(data)
        if kind == "catalogue":
            catalogues.append((file, data))
            _index_catalogue(file, data, catalogue, topics_by_slug, notes)
        elif kind == "roles":
            roles.append((file, data))
        elif not problems:
            notes.append(note("CP331", Severity.INFO, file.source(0),
                              "skipped: neither a catalogue (topics → levels) nor roles"))
    families = []
    if roles:
        taken: set[str] = set()
        for file, data in roles:
            for where, role in _roles(data, ""):
                family = _role_family(file, where, role, catalogue, taken, hints, notes)
                if family is not None:
                    families.append(family)
    else:
        taken = set()
        for file, data in catalogues:
            family = _catalogue_family(file, data, taken, hints)
            if family is not None:
                families.append(family)
    if not families:
        if files and not notes:
            notes.append(note("CP333", Severity.ERROR, files[0].source(0), "no role has levels"))
        return None, notes
    name = set_name([file.path for file in files], hints, families)
    return make_framework(name, families, files[0].source(1)), notes


def _items(value) -> list:
    return value if isinstance(value, list) else []


def _text(value) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _index_catalogue(file: TextFile, data: dict, catalogue: dict[str, Entry],
                     topics_by_slug: dict[str, str], notes: list[Diagnostic]) -> None:
    prefix = _text(data.get("path")) or file.path.stem
    title = plain_title(data.get("title")) or prefix
    for t_index, topic in enumerate(_items(data.get("topics"))):
        if not isinstance(topic, dict) or not isinstance(topic.get("levels"), list):
            notes.append(note("CP332", Severity.WARNING, file.source(0),
                              f"topics[{t_index}]: expected a mapping with levels; skipped"))
            continue
        topic_path = _text(topic.get("path")) or _text(topic.get("title"))
        # A topic's slug is its path, unless another catalogue already uses it.
        slug = topic_path if topics_by_slug.get(topic_path, prefix) == prefix else \
            f"{prefix}-{topic_path}"
        topics_by_slug[slug] = prefix
        for l_index, level in enumerate(topic["levels"]):
            if not isinstance(level, dict):
                continue
            level_path = _text(level.get("path")) or str(l_index + 1)
            catalogue[f"{prefix}/{topic_path}/{level_path}"] = Entry(
                title, slug, topic, level, file.source(0))


def _roles(node, where: str):
    """(field path, role) for every role, departments walked to any depth."""
    if not isinstance(node, dict):
        return
    for index, role in enumerate(_items(node.get("roles"))):
        if isinstance(role, dict):
            yield f"{where}.roles[{index}]".lstrip("."), role
    for index, department in enumerate(_items(node.get("departments"))):
        yield from _roles(department, f"{where}.departments[{index}]".lstrip("."))


def _role_family(file: TextFile, where: str, role: dict, catalogue: dict[str, Entry],
                 taken: set[str], hints: dict, notes: list[Diagnostic]):
    name = plain_title(role.get("title")) or _text(role.get("path")) or where
    raw_levels = [level for level in _items(role.get("levels")) if isinstance(level, dict)]
    if not raw_levels:
        notes.append(note("CP333", Severity.WARNING, file.source(0),
                          f"{where} ({name}): no levels; skipped"))
        return None
    labels = []
    for level in raw_levels:
        title = plain_title(level.get("title")) or _text(level.get("path"))
        found = level_label(title)
        labels.append(found if found and found.number is not None
                      else LevelLabel(title, None, ""))
    level_slugs: set[str] = set()
    levels: list[Level] = [None] * len(raw_levels)
    for rank, index in enumerate(level_order(labels, hints)):
        raw, label = raw_levels[index], labels[index]
        slug = unique_slug(_text(raw.get("path")) or label.code, level_slugs,
                           f"level-{rank + 1}")
        levels[index] = Level(slug, label.code, rank, label.number, label.name,
                              source=file.source(0))

    tracks: dict[str, list[Area]] = {}
    cells = []
    for index, raw in enumerate(raw_levels):
        level_where = f"{where}.levels[{index}]"
        seen: set[str] = set()
        for kind, refs, ref_where in _references(raw, level_where, file, notes):
            for r_index, ref in enumerate(refs):
                entry = catalogue.get(_text(ref).strip("/"))
                if entry is None:
                    notes.append(note("CP334", Severity.WARNING, file.source(0),
                                      f"{ref_where}[{r_index}]: reference {ref!r} matches no "
                                      "catalogue entry; left out"))
                    continue
                if entry.topic_slug in seen:
                    notes.append(note("CP335", Severity.WARNING, file.source(0),
                                      f"{ref_where}[{r_index}]: {entry.topic_slug!r} is already "
                                      f"referenced by this level; {ref!r} left out"))
                    continue
                seen.add(entry.topic_slug)
                track = entry.catalogue + (" (optional)" if kind == "optional" else "")
                areas = tracks.setdefault(track, [])
                if all(area.slug != entry.topic_slug for t in tracks.values() for area in t):
                    areas.append(_area(entry))
                cells.append(_cell(entry, levels[index].slug, hints))
    taken_tracks: set[str] = set()
    track_list = [Track(unique_slug(track, taken_tracks, "track"), track, tuple(areas))
                  for track, areas in tracks.items() if areas]
    slug = unique_slug(_text(role.get("path")) or name, taken, "family")
    ordered = sorted(levels, key=lambda level: level.rank)
    return make_family(name, slug, ordered, track_list, cells, file.source(0))


def _references(level: dict, where: str, file: TextFile, notes: list[Diagnostic]):
    """(kind, references, field path) of a role level, including lists misplaced beside
    `competencies` (reported, then read)."""
    competencies = level.get("competencies")
    if isinstance(competencies, list):
        yield "required", competencies, f"{where}.competencies"
    elif isinstance(competencies, dict):
        for kind in REF_KINDS:
            refs = competencies.get(kind)
            if isinstance(refs, list):
                yield kind, refs, f"{where}.competencies.{kind}"
    for key in level:
        if key in KNOWN_LEVEL_KEYS:
            continue
        if key in REF_KINDS and isinstance(level[key], list):
            notes.append(note("CP336", Severity.WARNING, file.source(0),
                              f"{where}.{key}: outside `competencies`; read as {key} "
                              "competencies"))
            yield key, level[key], f"{where}.{key}"
        else:
            notes.append(note("CP336", Severity.INFO, file.source(0),
                              f"{where}.{key}: not a field the reader knows; ignored"))


def _area(entry: Entry) -> Area:
    return Area(entry.topic_slug, plain_title(entry.topic.get("title")) or entry.topic_slug,
                description=normalise_space(_text(entry.topic.get("summary"))),
                source=entry.source)


def _cell(entry: Entry, level_slug: str, hints: dict):
    criteria = entry.level.get("criteria")
    criteria = criteria if isinstance(criteria, list) else [criteria]
    texts = [text for item in criteria
             for text in split_text(_text(item), lines=False, separator=split_hint(hints))]
    return make_expectation(entry.topic_slug, level_slug, texts, entry.source)


def _catalogue_family(file: TextFile, data: dict, taken: set[str], hints: dict):
    """A catalogue on its own: topics as areas, the catalogue's levels as levels."""
    index: dict[str, Entry] = {}
    _index_catalogue(file, data, index, {}, [])
    if not index:
        return None
    level_paths: list[str] = []
    for key in index:
        path = key.rsplit("/", 1)[1]
        if path not in level_paths:
            level_paths.append(path)
    labels = [level_label(path) or LevelLabel(path, None, "") for path in level_paths]
    slugs: set[str] = set()
    levels: dict[str, Level] = {}
    for rank, i in enumerate(level_order(labels, hints)):
        path = level_paths[i]
        levels[path] = Level(unique_slug(path, slugs, f"level-{rank + 1}"), labels[i].code,
                             rank, labels[i].number, labels[i].name, source=file.source(0))
    areas: dict[str, Area] = {}
    cells = []
    for key, entry in index.items():
        areas.setdefault(entry.topic_slug, _area(entry))
        cells.append(_cell(entry, levels[key.rsplit("/", 1)[1]].slug, hints))
    title = plain_title(data.get("title")) or file.path.stem
    track = Track("all", title, tuple(areas.values()))
    ordered = sorted(levels.values(), key=lambda level: level.rank)
    return make_family(title, unique_slug(_text(data.get("path")) or title, taken, "family"),
                       ordered, [track], cells, file.source(0))
