"""Editing a framework: pure functions that take a Framework and return a new one.

Each function names the family it works in by slug and raises EditError, with a message for
the person editing, when the edit cannot be made; nothing is changed then (the input is
frozen anyway). Statement ids follow the rules assessments rely on: rewording and moving keep
a statement's id; a new statement (added, a part of a split, the result of a merge) gets a new
id that is not used in the family and not in `reserved` (the ids of the version the draft was
opened from, so a removed statement's id is never handed to a different one).

Elements made here carry no source; a draft is written out and read back after every edit,
which gives every element its place in the document again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .model import (
    Area,
    Expectation,
    Family,
    Framework,
    Level,
    Statement,
    Term,
    Track,
    in_grid_order,
    slugify,
    statement_id,
)
from .text import find_terms, normalise_space

TEXT_LIMIT = 2000  # one statement, definition or description


class EditError(ValueError):
    """An edit that cannot be made; the message says why, naming the field."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


# --- finding things ---------------------------------------------------------------------------

def family_of(framework: Framework, family_slug: str) -> Family:
    for family in framework.families:
        if family.slug == family_slug:
            return family
    raise EditError(f"there is no family {family_slug!r} in the draft", "family")


def _with_family(framework: Framework, family: Family) -> Framework:
    families = tuple(family if f.slug == family.slug else f for f in framework.families)
    return replace(framework, families=families)


def _level(family: Family, slug: str) -> Level:
    for level in family.levels:
        if level.slug == slug:
            return level
    raise EditError(f"{family.name} has no level {slug!r}", "level")


def _area(family: Family, slug: str) -> Area:
    for area in family.areas:
        if area.slug == slug:
            return area
    raise EditError(f"{family.name} has no area {slug!r}", "area")


def _track(family: Family, slug: str) -> Track:
    for track in family.tracks:
        if track.slug == slug:
            return track
    raise EditError(f"{family.name} has no track {slug!r}", "track")


def find_statement(family: Family, statement_id_: str) -> tuple[Expectation, Statement]:
    for cell in family.expectations:
        for statement in cell.statements:
            if statement.id == statement_id_:
                return cell, statement
    raise EditError(f"{family.name} has no statement {statement_id_!r} (it may have been "
                    "deleted or merged by someone else)", "statement")


def _text(value: str, field: str, what: str, required: bool = True) -> str:
    text = normalise_space(value or "")
    if required and not text:
        raise EditError(f"{what} cannot be empty", field)
    if len(text) > TEXT_LIMIT:
        raise EditError(f"{what} is {len(text)} characters; at most {TEXT_LIMIT}", field)
    return text


def _name(value: str, field: str, what: str) -> str:
    name = _text(value, field, what)
    if len(name) > 200:
        raise EditError(f"{what} is longer than 200 characters", field)
    if not slugify(name):
        raise EditError(f"{what} needs at least one letter or digit (A–Z, 0–9)", field)
    return name


def _free_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- cells and statements ---------------------------------------------------------------------

def _replace_cells(family: Family, cells: list[Expectation]) -> Family:
    return replace(family, expectations=in_grid_order(family.levels, family.tracks, cells))


def _set_cell(family: Family, area: str, level: str, statements: tuple[Statement, ...]) -> Family:
    """The family with cell (area, level) holding `statements` (made when it did not exist)."""
    cells, found = [], False
    for cell in family.expectations:
        if cell.area == area and cell.level == level:
            found = True
            cell = replace(cell, statements=statements,
                           gap_text=cell.gap_text if not statements else "")
        cells.append(cell)
    if not found:
        cells.append(Expectation(area, level, statements))
    return _replace_cells(family, cells)


def _statements_in(family: Family, area: str, level: str) -> tuple[Statement, ...]:
    cell = family.expectation(area, level)
    return cell.statements if cell else ()


def _present_level(family: Family, slug: str) -> Level:
    level = _level(family, slug)
    if level.missing:
        raise EditError(f"{level.code} is marked missing; mark it present before adding "
                        "statements to it", "level")
    return level


def new_statement_id(family: Family, area: str, level: str,
                     reserved: frozenset[str] = frozenset()) -> str:
    """`area.level.N` with N one more than any number already used for that cell's prefix in
    the family or in `reserved`."""
    prefix = f"{area}.{level}."
    used = {s.id for s in family.statements} | set(reserved)
    highest = 0
    for sid in used:
        if sid.startswith(prefix) and sid[len(prefix):].isdigit():
            highest = max(highest, int(sid[len(prefix):]))
    candidate = statement_id(area, level, highest + 1)
    while candidate in used:  # only when someone used a non-numeric tail that collides
        highest += 1
        candidate = statement_id(area, level, highest + 1)
    return candidate


def _statement(sid: str, text: str) -> Statement:
    return Statement(sid, text, tuple(slug for slug, _ in find_terms(text)))


def _position(value: int | None, length: int) -> int:
    """A 0-based insertion index; None or past the end appends."""
    if value is None or value > length:
        return length
    return max(0, value)


def add_statement(framework: Framework, family_slug: str, area: str, level: str, text: str,
                  position: int | None = None,
                  reserved: frozenset[str] = frozenset()) -> tuple[Framework, str]:
    """A new statement in cell (area, level); returns the framework and the new id."""
    family = family_of(framework, family_slug)
    _area(family, area)
    _present_level(family, level)
    text = _text(text, "text", "A statement")
    sid = new_statement_id(family, area, level, reserved)
    statements = list(_statements_in(family, area, level))
    statements.insert(_position(position, len(statements)), _statement(sid, text))
    return _with_family(framework, _set_cell(family, area, level, tuple(statements))), sid


def reword_statement(framework: Framework, family_slug: str, sid: str, text: str) -> Framework:
    family = family_of(framework, family_slug)
    cell, _old = find_statement(family, sid)
    text = _text(text, "text", "A statement")
    statements = tuple(_statement(s.id, text) if s.id == sid else s for s in cell.statements)
    return _with_family(framework, _set_cell(family, cell.area, cell.level, statements))


def delete_statement(framework: Framework, family_slug: str, sid: str) -> Framework:
    family = family_of(framework, family_slug)
    cell, _old = find_statement(family, sid)
    statements = tuple(s for s in cell.statements if s.id != sid)
    return _with_family(framework, _set_cell(family, cell.area, cell.level, statements))


def move_statement(framework: Framework, family_slug: str, sid: str, area: str, level: str,
                   position: int | None = None) -> Framework:
    """To another cell (or another place in its own); the id stays."""
    family = family_of(framework, family_slug)
    cell, statement = find_statement(family, sid)
    _area(family, area)
    _present_level(family, level)
    family = _set_cell(family, cell.area, cell.level,
                       tuple(s for s in cell.statements if s.id != sid))
    target = list(_statements_in(family, area, level))
    target.insert(_position(position, len(target)), statement)
    return _with_family(framework, _set_cell(family, area, level, tuple(target)))


def split_statement(framework: Framework, family_slug: str, sid: str, texts: list[str],
                    reserved: frozenset[str] = frozenset()) -> tuple[Framework, list[str]]:
    """One statement becomes several in its place, each a new statement with a new id (an
    open assessment of the old one carries to every part)."""
    family = family_of(framework, family_slug)
    cell, _old = find_statement(family, sid)
    parts = [_text(text, "parts", "A part of a split") for text in texts if text.strip()]
    if len(parts) < 2:
        raise EditError("a split needs at least two parts (one per line)", "parts")
    reserved = frozenset(reserved) | {sid}
    new_ids, made = [], []
    for text in parts:
        new_id = new_statement_id(family, cell.area, cell.level, reserved | set(new_ids))
        new_ids.append(new_id)
        made.append(_statement(new_id, text))
    statements = []
    for statement in cell.statements:
        statements.extend(made if statement.id == sid else [statement])
    family = _set_cell(family, cell.area, cell.level, tuple(statements))
    return _with_family(framework, family), new_ids


def merge_statements(framework: Framework, family_slug: str, ids: list[str], text: str,
                     reserved: frozenset[str] = frozenset()) -> tuple[Framework, str]:
    """Several statements become one new statement, placed where the first of them was."""
    family = family_of(framework, family_slug)
    ids = list(dict.fromkeys(ids))
    if len(ids) < 2:
        raise EditError("choose at least two statements to merge", "ids")
    found = [find_statement(family, sid) for sid in ids]
    text = _text(text, "text", "The merged statement")
    first_cell = found[0][0]
    new_id = new_statement_id(family, first_cell.area, first_cell.level,
                              frozenset(reserved) | set(ids))
    merged = _statement(new_id, text)
    for cell, statement in found:
        current = _statements_in(family, cell.area, cell.level)
        if statement.id == ids[0]:
            kept = tuple(merged if s.id == ids[0] else s for s in current)
        else:
            kept = tuple(s for s in current if s.id != statement.id)
        family = _set_cell(family, cell.area, cell.level, kept)
    return _with_family(framework, family), new_id


# --- levels -----------------------------------------------------------------------------------

def _ranked(levels: list[Level]) -> tuple[Level, ...]:
    return tuple(replace(level, rank=rank) for rank, level in enumerate(levels))


def _with_levels(family: Family, levels: tuple[Level, ...]) -> Family:
    family = replace(family, levels=levels)
    return replace(family, expectations=in_grid_order(levels, family.tracks,
                                                      family.expectations))


def _check_number(family: Family, number: int | None, level_slug: str = "") -> None:
    if number is None:
        return
    if any(level.number == number and level.slug != level_slug for level in family.levels):
        raise EditError(f"another level of {family.name} has number {number}", "number")


def add_level(framework: Framework, family_slug: str, code: str, name: str = "",
              title: str = "", number: int | None = None,
              position: int | None = None) -> tuple[Framework, str]:
    """A new level (by default the most senior); `position` counts from the most junior."""
    family = family_of(framework, family_slug)
    code = _name(code, "code", "A level's code")
    if any(level.code.casefold() == code.casefold() for level in family.levels):
        raise EditError(f"{family.name} already has a level {code!r}", "code")
    _check_number(family, number)
    slug = _free_slug(code, {level.slug for level in family.levels})
    level = Level(slug, code, 0, number, _text(name, "name", "", False),
                  _text(title, "title", "", False))
    levels = list(family.levels)
    levels.insert(_position(position, len(levels)), level)
    return _with_family(framework, _with_levels(family, _ranked(levels))), slug


def rename_level(framework: Framework, family_slug: str, level_slug: str, code: str,
                 name: str = "", title: str = "", number: int | None = None) -> Framework:
    """New code, name, title or number; the slug (and so every statement id) stays."""
    family = family_of(framework, family_slug)
    level = _level(family, level_slug)
    code = _name(code, "code", "A level's code")
    if any(other.code.casefold() == code.casefold() and other.slug != level_slug
           for other in family.levels):
        raise EditError(f"{family.name} already has a level {code!r}", "code")
    _check_number(family, number, level_slug)
    changed = replace(level, code=code, name=_text(name, "name", "", False),
                      title=_text(title, "title", "", False), number=number)
    levels = tuple(changed if other.slug == level_slug else other for other in family.levels)
    return _with_family(framework, _with_levels(family, levels))


def move_level(framework: Framework, family_slug: str, level_slug: str,
               position: int) -> Framework:
    """Reorder: `position` 0 is the most junior."""
    family = family_of(framework, family_slug)
    level = _level(family, level_slug)
    levels = [other for other in family.levels if other.slug != level_slug]
    levels.insert(_position(position, len(levels)), level)
    return _with_family(framework, _with_levels(family, _ranked(levels)))


def set_level_missing(framework: Framework, family_slug: str, level_slug: str,
                      missing: bool) -> Framework:
    """Mark a level missing (a known hole in the numbering, with no page) or present again.
    A level with statements cannot be marked missing: they would be lost."""
    family = family_of(framework, family_slug)
    level = _level(family, level_slug)
    cells = [cell for cell in family.expectations if cell.level == level_slug]
    if missing and any(cell.statements for cell in cells):
        count = sum(len(cell.statements) for cell in cells)
        raise EditError(f"{level.code} has {count} statement(s); move or delete them before "
                        "marking it missing", "missing")
    changed = replace(level, missing=missing)
    levels = tuple(changed if other.slug == level_slug else other for other in family.levels)
    family = _with_levels(family, levels)
    if missing:
        family = _replace_cells(family, [c for c in family.expectations if c.level != level_slug])
    return _with_family(framework, family)


def remove_level(framework: Framework, family_slug: str, level_slug: str) -> Framework:
    family = family_of(framework, family_slug)
    level = _level(family, level_slug)
    if any(cell.statements for cell in family.expectations if cell.level == level_slug):
        raise EditError(f"{level.code} still has statements; move or delete them first",
                        "level")
    levels = [other for other in family.levels if other.slug != level_slug]
    family = _with_levels(family, _ranked(levels))
    family = _replace_cells(family, [c for c in family.expectations if c.level != level_slug])
    return _with_family(framework, family)


# --- tracks and areas -------------------------------------------------------------------------

def _with_tracks(family: Family, tracks: tuple[Track, ...]) -> Family:
    family = replace(family, tracks=tracks)
    return replace(family, expectations=in_grid_order(family.levels, tracks,
                                                      family.expectations))


def add_track(framework: Framework, family_slug: str, name: str) -> tuple[Framework, str]:
    family = family_of(framework, family_slug)
    name = _name(name, "name", "A track's name")
    slug = _free_slug(name, {track.slug for track in family.tracks})
    tracks = (*family.tracks, Track(slug, name))
    return _with_family(framework, _with_tracks(family, tracks)), slug


def rename_track(framework: Framework, family_slug: str, track_slug: str,
                 name: str) -> Framework:
    family = family_of(framework, family_slug)
    _track(family, track_slug)
    name = _name(name, "name", "A track's name")
    tracks = tuple(replace(t, name=name) if t.slug == track_slug else t for t in family.tracks)
    return _with_family(framework, _with_tracks(family, tracks))


def move_track(framework: Framework, family_slug: str, track_slug: str,
               position: int) -> Framework:
    family = family_of(framework, family_slug)
    track = _track(family, track_slug)
    tracks = [t for t in family.tracks if t.slug != track_slug]
    tracks.insert(_position(position, len(tracks)), track)
    return _with_family(framework, _with_tracks(family, tuple(tracks)))


def remove_track(framework: Framework, family_slug: str, track_slug: str) -> Framework:
    family = family_of(framework, family_slug)
    track = _track(family, track_slug)
    if track.areas:
        raise EditError(f"the track {track.name} still has {len(track.areas)} area(s); move "
                        "or remove them first", "track")
    tracks = tuple(t for t in family.tracks if t.slug != track_slug)
    return _with_family(framework, _with_tracks(family, tracks))


def add_area(framework: Framework, family_slug: str, track_slug: str, name: str,
             description: str = "") -> tuple[Framework, str]:
    family = family_of(framework, family_slug)
    track = _track(family, track_slug)
    name = _name(name, "name", "An area's name")
    slug = _free_slug(name, {area.slug for area in family.areas})
    area = Area(slug, name, "", _text(description, "description", "", False))
    tracks = tuple(replace(t, areas=(*t.areas, area)) if t.slug == track.slug else t
                   for t in family.tracks)
    return _with_family(framework, _with_tracks(family, tracks)), slug


def rename_area(framework: Framework, family_slug: str, area_slug: str, name: str,
                description: str = "") -> Framework:
    """New name or description; the slug (and so statement ids and links) stays."""
    family = family_of(framework, family_slug)
    _area(family, area_slug)
    name = _name(name, "name", "An area's name")
    description = _text(description, "description", "A description", False)
    tracks = tuple(replace(t, areas=tuple(
        replace(a, name=name, description=description) if a.slug == area_slug else a
        for a in t.areas)) for t in family.tracks)
    return _with_family(framework, _with_tracks(family, tracks))


def move_area(framework: Framework, family_slug: str, area_slug: str, track_slug: str,
              position: int | None = None) -> Framework:
    """To another track, or another place in its own."""
    family = family_of(framework, family_slug)
    area = _area(family, area_slug)
    _track(family, track_slug)
    tracks = []
    for track in family.tracks:
        areas = [a for a in track.areas if a.slug != area_slug]
        if track.slug == track_slug:
            areas.insert(_position(position, len(areas)), area)
        tracks.append(replace(track, areas=tuple(areas)))
    return _with_family(framework, _with_tracks(family, tuple(tracks)))


def remove_area(framework: Framework, family_slug: str, area_slug: str) -> Framework:
    family = family_of(framework, family_slug)
    area = _area(family, area_slug)
    count = sum(len(c.statements) for c in family.expectations if c.area == area_slug)
    if count:
        raise EditError(f"{area.name} still has {count} statement(s); move or delete them "
                        "first", "area")
    tracks = tuple(replace(t, areas=tuple(a for a in t.areas if a.slug != area_slug))
                   for t in family.tracks)
    family = _with_tracks(family, tracks)
    family = _replace_cells(family, [c for c in family.expectations if c.area != area_slug])
    return _with_family(framework, family)


# --- terms, scale, name -----------------------------------------------------------------------

def set_term(framework: Framework, name: str, definition: str,
             slug: str = "") -> tuple[Framework, str]:
    """Define a term (new, or the one with `slug`); statements refer to it as `name*`."""
    name = _name(name, "name", "A term")
    definition = _text(definition, "definition", "A definition", False)
    slug = slug or slugify(name)
    terms = list(framework.terms)
    for index, term in enumerate(terms):
        if term.slug == slug:
            terms[index] = replace(term, name=name, definition=definition)
            break
    else:
        terms.append(Term(slug, name, definition))
    return replace(framework, terms=tuple(terms)), slug


def remove_term(framework: Framework, slug: str) -> Framework:
    if framework.find_term(slug) is None:
        raise EditError(f"there is no term {slug!r}", "term")
    used = [s.id for f in framework.families for s in f.statements if slug in s.terms]
    if used:
        raise EditError(f"{len(used)} statement(s) still mark this term (e.g. {used[0]}); "
                        "only its definition can be cleared", "term")
    return replace(framework, terms=tuple(t for t in framework.terms if t.slug != slug))


def set_scale(framework: Framework, labels: list[str]) -> Framework:
    """The rating scale, lowest first: at least two distinct labels."""
    cleaned = [_text(label, "scale", "A scale label") for label in labels if label.strip()]
    if len(cleaned) < 2:
        raise EditError("a rating scale needs at least two labels (one per line)", "scale")
    seen = set()
    for label in cleaned:
        if label.casefold() in seen:
            raise EditError(f"the scale lists {label!r} twice", "scale")
        if len(label) > 60:
            raise EditError(f"the scale label {label!r} is longer than 60 characters", "scale")
        seen.add(label.casefold())
    return replace(framework, scale=tuple(cleaned))


VERSION_NAME = re.compile(r"^[\w .\-]{0,40}$")


def set_name(framework: Framework, name: str, version: str) -> Framework:
    """The framework's name and its own version name (the published label comes from it)."""
    name = _name(name, "name", "The framework's name")
    version = normalise_space(version or "")
    if not VERSION_NAME.match(version):
        raise EditError("a version name is at most 40 letters, digits, spaces, dots or "
                        "hyphens", "version")
    return replace(framework, name=name, version=version)
