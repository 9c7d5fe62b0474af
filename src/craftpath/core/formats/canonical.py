"""The canonical format: one YAML (or JSON) document per framework, with explicit statement ids.

    craftpath: 1
    name: …            version: …          scale: [Not yet, …]
    terms:    [{slug, name, definition}]
    families: [{slug, name, levels: [{slug, code, number, name, title, missing, page}],
                tracks: [{slug, name, areas: [{slug, name, link, description,
                          expectations: {<level slug>: [{id, text}] | TODO | []}}]}]}]

Levels are listed junior first; their position is their rank. Term references are not stored:
they are read from the `*` marks in statement text, as in every other format. YAML is read
with the safe loader only, walking nodes so that every problem names its line.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import yaml

from ..model import (
    DEFAULT_SCALE,
    Area,
    Diagnostic,
    Expectation,
    Family,
    Framework,
    Level,
    PageStyle,
    Severity,
    Statement,
    Term,
    Track,
    in_grid_order,
    statement_id,
)
from ..text import collect_terms, find_terms, is_gap, normalise_space
from .budget import check_yaml_node
from .inputs import TextFile

NAME = "canonical"
FORMAT_VERSION = 1
SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # as Django's <slug:> URL converter


def sniff(file: TextFile) -> str | None:
    if file.path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return None
    head = file.text.lstrip()[:4096]
    if "craftpath:" in head or '"craftpath"' in head:
        return "YAML/JSON document with a `craftpath:` format key (canonical format)"
    return None


# --- reading ----------------------------------------------------------------------------------

class _Problem(Exception):
    """Raised inside the walk for a problem that stops reading the current item."""

    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.node, self.message = node, message


# libyaml's loader when PyYAML was built with it: the same nodes and marks, many times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _value(node: yaml.Node):
    """The plain value of a scalar node, typed as the safe loader types it."""
    if not isinstance(node, yaml.ScalarNode):
        return node
    return yaml.constructor.SafeConstructor().construct_object(node)


class _Fields(dict):
    """The keys of one mapping node, with typed getters that name the field when it is wrong."""

    def __init__(self, node: yaml.Node, where: str, values: dict[str, yaml.Node]):
        super().__init__(values)
        self.node, self.where = node, where

    def text(self, key: str, required: bool = False) -> str:
        node = self.get(key)
        if node is None:
            if required:
                raise _Problem(self.node, f"{self.where}: missing required field {key!r}")
            return ""
        if not isinstance(node, yaml.ScalarNode):
            raise _Problem(node, f"{self.where}.{key}: expected text")
        value = _value(node)
        return "" if value is None else str(value)

    def slug(self) -> str:
        """A slug names files and URLs, so it is held to what a URL's slug may be: ASCII
        letters, digits, hyphens and underscores (never a path such as ../../etc)."""
        value = self.text("slug", required=True)
        if not SLUG.fullmatch(value):
            raise _Problem(self.get("slug"), f"{self.where}.slug: {value!r} is not a slug "
                           "(use letters a-z, digits, '-' and '_' only)")
        return value

    def integer(self, key: str) -> int | None:
        node = self.get(key)
        value = None if node is None else _value(node)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise _Problem(node, f"{self.where}.{key}: expected a whole number, "
                           f"got {node.value!r}")
        return value

    def boolean(self, key: str) -> bool:
        node = self.get(key)
        value = False if node is None else _value(node)
        if not isinstance(value, bool):
            raise _Problem(node, f"{self.where}.{key}: expected true or false")
        return value


class _Reader:
    def __init__(self, file: TextFile):
        self.file = file
        self.notes: list[Diagnostic] = []

    def source(self, node: yaml.Node):
        return self.file.source(node.start_mark.line + 1)

    def note(self, node: yaml.Node, message: str, severity=Severity.ERROR, code="CP020"):
        self.notes.append(Diagnostic(code, severity, message, self.source(node)))

    def fields(self, node, where: str, allowed) -> _Fields:
        if not isinstance(node, yaml.MappingNode):
            raise _Problem(node, f"{where}: expected a mapping of keys")
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
            if name in out:
                self.note(key, f"{where}: key {name!r} appears twice; the first is kept")
                continue
            if name not in allowed:
                self.note(key, f"{where}: unknown key {name!r} ignored "
                          f"(known: {', '.join(sorted(allowed))})", Severity.WARNING, "CP021")
                continue
            out[name] = value
        return _Fields(node, where, out)

    def scalar_text(self, node, where: str) -> str:
        return _Fields(node, where, {"value": node}).text("value")

    def sequence(self, node, where: str) -> list[yaml.Node]:
        if node is None or isinstance(node, yaml.ScalarNode) and _value(node) is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise _Problem(node, f"{where}: expected a list")
        return node.value

    # The document, top down.
    def framework(self, root) -> Framework | None:
        top = self.fields(root, "framework", {"craftpath", "name", "version", "scale", "terms",
                                              "families"})
        version = top.integer("craftpath")
        if version != FORMAT_VERSION:
            raise _Problem(top.get("craftpath", root),
                           f"craftpath: format version {version!r} is not one this version "
                           f"reads (expected {FORMAT_VERSION})")
        name = top.text("name", required=True)
        release = top.text("version")
        scale = tuple(self.scalar_text(item, "scale")
                      for item in self.sequence(top.get("scale"), "scale")) or DEFAULT_SCALE
        terms = self.each(top.get("terms"), "terms", self.term)
        families = self.each(top.get("families"), "families", self.family)
        if not families:
            self.note(root, "framework: no families; nothing to read")
        terms = collect_terms(tuple(families), self.unique(terms, "terms"))
        return Framework(name, tuple(families), terms, release, scale, source=self.source(root))

    def each(self, node, where: str, read_one) -> list:
        """Read every item of a list, skipping (with a diagnostic) the ones that fail."""
        items = []
        for index, item in enumerate(self.sequence(node, where)):
            try:
                items.append(read_one(item, f"{where}[{index}]"))
            except _Problem as problem:
                self.note(problem.node, problem.message)
        return items

    def unique(self, items: list, where: str) -> list:
        seen, kept = set(), []
        for item in items:
            if item.slug in seen:
                self.notes.append(Diagnostic("CP022", Severity.ERROR,
                                             f"{where}: slug {item.slug!r} is used twice; "
                                             "the second is ignored", item.source))
                continue
            seen.add(item.slug)
            kept.append(item)
        return kept

    def term(self, node, where: str) -> Term:
        fields = self.fields(node, where, {"slug", "name", "definition"})
        return Term(fields.slug(),
                    fields.text("name", required=True),
                    normalise_space(fields.text("definition")),
                    source=self.source(node))

    def family(self, node, where: str) -> Family:
        fields = self.fields(node, where, {"slug", "name", "levels", "tracks"})
        slug = fields.slug()
        name = fields.text("name", required=True)
        levels = self.unique(self.each(fields.get("levels"), f"{where}.levels", self.level),
                             f"{where}.levels")
        levels = [dataclasses.replace(level, rank=rank) for rank, level in enumerate(levels)]
        level_slugs = {level.slug for level in levels if not level.missing}
        read_track = lambda node, where: self.track(node, where, level_slugs)  # noqa: E731
        tracks_and_cells = self.each(fields.get("tracks"), f"{where}.tracks", read_track)
        tracks = [track for track, _ in tracks_and_cells]
        expectations = [cell for _, cells in tracks_and_cells for cell in cells]
        tracks = self.unique(tracks, f"{where}.tracks")
        return Family(slug, name, tuple(levels), tuple(tracks),
                      in_grid_order(levels, tracks, expectations), source=self.source(node))

    def level(self, node, where: str) -> Level:
        fields = self.fields(node, where, {"slug", "code", "number", "name", "title", "missing",
                                           "page"})
        page = None
        if "page" in fields:
            page_node = fields["page"]
            page_fields = self.fields(page_node, f"{where}.page",
                                      {"permalink", "nav_order", "layout", "sections"})
            sections = self.fields(page_fields["sections"], f"{where}.page.sections",
                                   _AnyKey()) if "sections" in page_fields else {}
            page = PageStyle(
                permalink=page_fields.text("permalink"),
                nav_order=page_fields.integer("nav_order"),
                layout=page_fields.text("layout"),
                section_headings=tuple((track, sections.text(track)) for track in sections),
                section_sources=tuple(self.source(node) for node in sections.values()),
            )
        return Level(
            slug=fields.slug(),
            code=fields.text("code", required=True),
            rank=0,
            number=fields.integer("number"),
            name=fields.text("name"),
            title=fields.text("title"),
            missing=fields.boolean("missing"),
            page=page,
            source=self.source(node),
        )

    def track(self, node, where: str, level_slugs: set[str]):
        fields = self.fields(node, where, {"slug", "name", "areas"})
        slug = fields.slug()
        name = fields.text("name", required=True)
        read_area = lambda node, where: self.area(node, where, level_slugs)  # noqa: E731
        areas_and_cells = self.each(fields.get("areas"), f"{where}.areas", read_area)
        areas = [area for area, _ in areas_and_cells]
        cells = [cell for _, area_cells in areas_and_cells for cell in area_cells]
        return Track(slug, name, tuple(self.unique(areas, f"{where}.areas")),
                     source=self.source(node)), cells

    def area(self, node, where: str, level_slugs: set[str]):
        fields = self.fields(node, where, {"slug", "name", "link", "description",
                                           "expectations"})
        area = Area(fields.slug(),
                    fields.text("name", required=True),
                    fields.text("link"),
                    normalise_space(fields.text("description")),
                    source=self.source(node))
        cells = []
        if "expectations" in fields:
            by_level = self.fields(fields["expectations"], f"{where}.expectations", _AnyKey())
            for level_slug, cell_node in by_level.items():
                cell_where = f"{where}.expectations.{level_slug}"
                if level_slug not in level_slugs:
                    self.note(cell_node, f"{cell_where}: no present level has slug "
                              f"{level_slug!r}; cell ignored")
                    continue
                cells.append(self.expectation(cell_node, cell_where, area.slug, level_slug))
        return area, cells

    def expectation(self, node, where: str, area: str, level: str) -> Expectation:
        if isinstance(node, yaml.ScalarNode):
            gap = normalise_space(node.value)
            if not is_gap(gap):
                raise _Problem(node, f"{where}: expected a list of statements, or TODO")
            return Expectation(area, level, (), gap, source=self.source(node))
        statements = []
        for position, item in enumerate(self.sequence(node, where), start=1):
            if isinstance(item, yaml.ScalarNode):
                sid, text = statement_id(area, level, position), item.value
            else:
                fields = self.fields(item, f"{where}[{position - 1}]", {"id", "text"})
                sid = fields.text("id") or statement_id(area, level, position)
                text = fields.text("text", required=True)
            text = normalise_space(text)
            if not text:
                self.note(item, f"{where}[{position - 1}]: empty statement ignored",
                          Severity.WARNING)
                continue
            statements.append(Statement(sid, text, tuple(s for s, _ in find_terms(text)),
                                        source=self.source(item)))
        return Expectation(area, level, tuple(statements), source=self.source(node))


class _AnyKey:
    """An `allowed` set that admits every key, for mappings keyed by data (levels, tracks)."""

    def __contains__(self, key) -> bool:
        return True


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    if len(files) != 1:
        names = ", ".join(file.name for file in files)
        return None, [Diagnostic("CP023", Severity.ERROR,
                                 f"one canonical file at a time, got {len(files)}: {names}")]
    return read_text(files[0])


def read_text(file: TextFile, budget: bool = True) -> tuple[Framework | None, list[Diagnostic]]:
    """`budget=False` only for documents craftpath wrote itself (stored versions and drafts):
    they hold no aliases, and a large framework published once must stay readable."""
    reader = _Reader(file)
    try:
        root = yaml.compose(file.text, Loader=SAFE_LOADER)  # nodes only: aliases not expanded
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        return None, [Diagnostic("CP020", Severity.ERROR, f"not valid YAML: {problem}",
                                 file.source(mark.line + 1 if mark else 1))]
    if root is None:
        return None, [Diagnostic("CP020", Severity.ERROR, "the document is empty", file.source(1))]
    if budget:
        check_yaml_node(root, file.name)  # before the walk below, which would expand aliases
    try:
        framework = reader.framework(root)
    except _Problem as problem:
        reader.note(problem.node, problem.message)
        framework = None
    return framework, reader.notes


def read_path(path: str | Path) -> tuple[Framework | None, list[Diagnostic]]:
    path = Path(path)
    return read_text(TextFile(path, path.read_text(encoding="utf-8")))


# --- writing ----------------------------------------------------------------------------------

def to_document(framework: Framework) -> dict:
    """The framework as plain data in the canonical shape (for YAML and JSON alike)."""
    return {
        "craftpath": FORMAT_VERSION,
        "name": framework.name,
        "version": framework.version,
        "scale": list(framework.scale),
        "terms": [_compact({"slug": t.slug, "name": t.name, "definition": t.definition})
                  for t in framework.terms],
        "families": [_family_document(family) for family in framework.families],
    }


def _family_document(family: Family) -> dict:
    return {
        "slug": family.slug,
        "name": family.name,
        "levels": [_level_document(level) for level in family.levels],
        "tracks": [
            {"slug": track.slug, "name": track.name,
             "areas": [_area_document(family, area) for area in track.areas]}
            for track in family.tracks
        ],
    }


def _level_document(level: Level) -> dict:
    document = _compact({"slug": level.slug, "code": level.code, "number": level.number,
                         "name": level.name, "title": level.title,
                         "missing": level.missing or None})
    if level.page:
        page = level.page
        document["page"] = _compact({
            "permalink": page.permalink, "nav_order": page.nav_order, "layout": page.layout,
            "sections": dict(page.section_headings) or None,
        })
    return document


def _area_document(family: Family, area: Area) -> dict:
    expectations = {}
    for level in family.present_levels:
        cell = family.expectation(area.slug, level.slug)
        if cell is None:
            continue
        expectations[level.slug] = (
            [{"id": s.id, "text": s.text} for s in cell.statements] if cell.statements
            else (cell.gap_text or [])
        )
    document = _compact({"slug": area.slug, "name": area.name, "link": area.link,
                         "description": area.description})
    document["expectations"] = expectations
    return document


def _compact(document: dict) -> dict:
    return {key: value for key, value in document.items() if value not in (None, "")}


def dumps(framework: Framework, header: str = "") -> str:
    """The canonical YAML text, with an optional comment header."""
    body = yaml.dump(to_document(framework), Dumper=SAFE_DUMPER, sort_keys=False,
                     allow_unicode=True, width=100, default_flow_style=False)
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comment + body


def dumps_json(framework: Framework) -> str:
    return json.dumps(to_document(framework), indent=2, ensure_ascii=False) + "\n"


def write(framework: Framework, path: str | Path, header: str = "") -> Path:
    path = Path(path)
    text = dumps_json(framework) if path.suffix == ".json" else dumps(framework, header)
    path.write_text(text, encoding="utf-8")
    return path
