"""The document reader: any page, sheet or data file, read through the document tree
(`tree.py`), the section tree (`sections.py`) and one inference (`infer.py`).

It takes every file the readers of self-describing shapes (canonical YAML, the seed pages,
relational YAML, front-matter topics, JSON references) do not claim. It returns the framework,
diagnostics, and an import report that accounts for every block of every file.

Hints (apply before detection; an unknown key or a bad value is an error naming it):
  level=DESCRIPTOR    the sections that are levels: heading-1 … heading-6, bold-paragraph,
                      file-name, folder, sheet, table-row, table-column
  area=DESCRIPTOR     the same kinds, or bold-lead-in (`**Area:** text`)
  family=DESCRIPTOR   file-name, folder, sheet, heading-N, or one (everything is one family)
  split=TEXT          split every statement on TEXT (for example ";")
  levels=A,B,C        the level names, junior first (also fixes their order)
  name=TEXT           the framework's name
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..model import Area, Diagnostic, Level, Severity, Source, Track, slugify
from .common import (
    CORE_TRACK,
    LevelLabel,
    make_expectation,
    make_family,
    make_framework,
    unique_slug,
    with_distinct_slugs,
)
from .infer import (
    InferenceError,
    InferredFamily,
    assign,
    choose_axes,
    number_in,
    ordered_levels,
    seniority,
)
from .inputs import TextFile
from .report import FileReport, ImportReport
from .sections import Section, build_sections, left_out_reason
from .tree import SUFFIXES, build, clean, kind_of

NAME = "document"
SECTION_KINDS = ("file-name", "folder", "sheet", "table-row", "table-column") + tuple(
    f"heading-{n}" for n in range(1, 7)) + ("bold-paragraph",)
HINT_VALUES = {
    "level": SECTION_KINDS,
    "area": SECTION_KINDS + ("bold-lead-in",),
    "family": SECTION_KINDS + ("one",),
}
FREE_HINTS = ("split", "levels", "name")
# Keys other readers understand (they are checked there); accepted here so one hints file
# serves whichever reader takes the files.
OTHER_READERS_HINTS = ("level_heading", "area_heading", "bullet_area", "separator",
                       "level_order", "orientation", "family_column", "level_column",
                       "area_column", "statement_column", "sheet")
# a project's own files: the whole name before its suffixes (`LICENSE`, `SECURITY.md`,
# `LICENSE-MIT.txt`), so that `security-engineer.md` is a ladder, not a project file
NOT_FRAMEWORK = re.compile(r"^((licen[cs]e|copying)([_.-].*)?|(notice|authors|contributors|"
                           r"changelog|code[_-]of[_-]conduct|security)(\.[^.]+)*|\..*)$", re.I)


SCHEMA = re.compile(r'^\s*\{\s*"\$schema"\s*:|^\$schema:', re.M)


class HintError(ValueError):
    """A hint the document reader does not know, or a value it cannot use."""


def check_hints(hints: dict | None) -> dict:
    """The hints this reader uses; raises HintError naming the first bad key or value."""
    hints = dict(hints or {})
    for key, value in hints.items():
        if key in HINT_VALUES:
            if value not in HINT_VALUES[key]:
                raise HintError(f"hint {key}={value!r}: expected one of "
                                f"{', '.join(HINT_VALUES[key])}")
        elif key in FREE_HINTS:
            if not str(value).strip():
                raise HintError(f"hint {key}: needs a value")
        elif key not in OTHER_READERS_HINTS:
            known = ", ".join(list(HINT_VALUES) + list(FREE_HINTS) + list(OTHER_READERS_HINTS))
            raise HintError(f"unknown hint {key!r} (known: {known})")
    # the older readers' hints, said the new way
    if "separator" in hints and "split" not in hints:
        hints["split"] = hints["separator"]
    for old, new in (("level_heading", "level"), ("area_heading", "area")):
        if old in hints and new not in hints:
            if not str(hints[old]).isdigit() or not 1 <= int(hints[old]) <= 6:
                raise HintError(f"hint {old}={hints[old]!r}: expected a heading depth, 1 to 6")
            hints[new] = f"heading-{hints[old]}"
    return hints


def sniff(file: TextFile) -> str | None:
    if NOT_FRAMEWORK.match(file.path.name):
        return None
    kind = kind_of(file.path)
    if kind is None or file.path.suffix.lower() not in SUFFIXES:
        return None
    return f"{kind} read as a document tree"


def read(files: list[TextFile], hints: dict | None = None):
    framework, notes, _ = read_with_report(files, hints)
    return framework, notes


def read_with_report(files: list[TextFile], hints: dict | None = None):
    """(Framework or None, diagnostics, ImportReport)."""
    report = ImportReport()
    notes: list[Diagnostic] = []
    try:
        hints = check_hints(hints)
    except HintError as error:
        notes.append(Diagnostic("CP020", Severity.ERROR, str(error)))
        return None, notes, report
    documents = []
    for file in files:
        if NOT_FRAMEWORK.match(file.path.name):
            report.add(FileReport(file.name, NAME, "skipped", "a licence or project file, "
                                  "not framework data"))
            continue
        if SCHEMA.search(file.text[:4096]):
            report.add(FileReport(file.name, NAME, "skipped", "a JSON Schema, not framework "
                                  "data"))
            continue
        document = build(file)
        for line, problem in document.problems:
            notes.append(Diagnostic("CP021", Severity.WARNING, problem, file.source(line)))
        if not document.blocks:
            why = document.problems[0][1] if document.problems else "no content"
            report.add(FileReport(file.name, NAME, "skipped", why))
            continue
        documents.append(document)
        report.add(FileReport(file.name, NAME, "read"))
    if not documents:
        return None, notes, report
    root, entries = build_sections(documents)
    for entry in entries:
        file_report = report.file(entry.file)
        if file_report is not None:
            file_report.entries.append(entry)
    try:
        axes = choose_axes(root, hints)
        families = [f for axis in axes for f in assign(root, axis, hints)]
        order = {id(s): n for n, s in enumerate(root.walk())}
        families.sort(key=lambda f: order.get(id(f.root), 0))
        if not families:
            raise InferenceError("levels were found but no statements under them")
    except InferenceError as error:
        for file_report in report.files:
            if file_report.status == "read":
                file_report.status, file_report.reason = "failed", str(error)
        for entry in entries:
            if not entry.role:
                entry.role, entry.reason = "left-out", "no framework found"
        for file_report in report.files:
            notes.append(Diagnostic("CP022", Severity.ERROR if file_report.status == "failed"
                                    else Severity.INFO,
                                    f"{file_report.status}: {file_report.reason}",
                                    Source(file_report.file)))
        return None, notes, report
    report.layout = "; ".join(axis.how for axis in axes)
    for family in families:
        for section, warning in family.warnings:
            notes.append(Diagnostic("CP025", Severity.WARNING, warning,
                                    Source(section.file, section.line)))
    framework = _framework(families, root, hints, notes)
    _name_roles(root, axes, families)
    _explain_left_out(root, axes, families)
    _warn_left_out_sections(root, families, notes)
    _warn_not_under_a_level(root, notes)
    for file_report in report.files:
        if file_report.status == "read" and not any(e.role == "statement"
                                                    for e in file_report.entries):
            file_report.reason = "no statements taken from this file (context only)"
    return framework, notes, report


def _explain_left_out(root: Section, axes, families: list[InferredFamily]) -> None:
    """Why each block nothing claimed was left out, from where it sits."""
    level_ids = {id(s) for axis in axes for s in axis.levels}
    area_ids = {id(s) for axis in axes for s in axis.areas}
    family_ids = {id(f.root) for f in families}
    for section in root.walk():
        chain = [section] + section.ancestors
        in_level = any(id(s) in level_ids for s in chain)
        in_area = any(id(s) in area_ids for s in chain)
        in_family = any(id(s) in family_ids for s in chain)
        named = next((left_out_reason(s.name) for s in chain if left_out_reason(s.name)), "")
        reason = (named if named else "a level's introduction" if in_level else
                  "an area's description (not under a level)" if in_area else
                  "not under any level" if in_family else "outside every family")
        for entry in section.content:
            if not entry.role:
                entry.role, entry.reason = "left-out", reason


def _name_roles(root: Section, axes, families: list[InferredFamily]) -> None:
    level_ids = {id(s) for axis in axes for s in axis.levels}
    area_ids = {id(s) for axis in axes for s in axis.areas}
    family_ids = {id(f.root) for f in families}
    for section in root.walk():
        entry = section.entry
        if entry is None or entry.role and entry.role != "title":
            continue
        if id(section) in level_ids:
            entry.role = "level"
        elif id(section) in area_ids:
            entry.role = "area"
        elif id(section) in family_ids:
            entry.role = "family"
        elif entry.role == "title":
            continue
        elif any(e.role == "statement" for e in section.entries()):
            entry.role = "area" if not any(s.entry and s.entry.role == "area"
                                           for s in section.walk() if s is not section) \
                else "track"
        else:
            entry.role = "left-out"
            entry.reason = left_out_reason(section.name) or "a section with no statements"


def _warn_not_under_a_level(root: Section, notes: list[Diagnostic]) -> None:
    """List items inside a family that no level could hold: a warning per section, with the
    file and line of the first, so that content is never dropped without a word. (Prose there
    is an introduction, reported but not warned about.)"""
    for section in root.walk():
        items = [e for e in section.content if e.kind == "item" and e.role == "left-out"
                 and e.reason == "not under any level"]
        if items:
            first = items[0]
            notes.append(Diagnostic(
                "CP026", Severity.WARNING,
                f"{len(items)} list item(s) under {section.name or 'the file'!r} are not under "
                f"any level and were left out (first: {first.text[:60]!r})",
                Source(first.file, first.line)))


def _warn_left_out_sections(root: Section, families: list[InferredFamily],
                            notes: list[Diagnostic]) -> None:
    """A section left out although its name reads like one of the levels or areas."""
    level_keys = {slugify(n) for f in families for n in f.levels}
    area_keys = {slugify(a) for f in families for _, a in f.areas}
    for section in root.walk():
        entry = section.entry
        if entry is None or entry.role != "left-out" or section.kind not in ("heading", "sheet"):
            continue
        held = [e for e in section.entries() if e.kind in ("para", "item", "cell")]
        if not held or left_out_reason(section.name):
            continue
        what = ("level" if section.key in level_keys else "area" if section.key in area_keys
                else "")
        if what:
            notes.append(Diagnostic(
                "CP023", Severity.WARNING,
                f"section {section.name!r} looks like a {what} but was left out "
                f"({entry.reason}); {len(held)} block(s) not imported",
                Source(section.file, section.line)))


def _framework(families: list[InferredFamily], root: Section, hints: dict,
               notes: list[Diagnostic]):
    built = []
    name_lists = [names for section in root.walk() for names in section.name_lists]
    for inferred in families:
        levels_in_order = _declared(ordered_levels(inferred, hints), name_lists)
        named = {} if hints.get("levels") else _position_names(levels_in_order, root)
        taken: set[str] = set()
        levels, slug_of = [], {}
        for rank, name in enumerate(levels_in_order):
            shown = named.get(name, name)
            number = number_in(shown)
            whole = int(number) if number is not None and number == int(number) else None
            label = LevelLabel(shown, whole, "")
            slug = unique_slug(shown, taken, f"level-{rank + 1}")
            levels.append(Level(slug, label.code, rank, label.number, "", "",
                                missing=False,
                                source=Source(inferred.root.file, inferred.root.line)))
            slug_of[name] = slug
        tracks: dict[str, list[Area]] = {}
        area_slugs: set[str] = set()
        area_slug_of = {}
        for track, area in inferred.areas:
            slug = unique_slug(area, area_slugs, f"area-{len(area_slugs) + 1}")
            area_slug_of[(track, area)] = slug
            tracks.setdefault(track or CORE_TRACK, []).append(
                Area(slug, area, source=Source(inferred.root.file)))
        track_slugs: set[str] = set()
        model_tracks = [Track(unique_slug(name, track_slugs, "track"), name, tuple(areas))
                        for name, areas in tracks.items()]
        cells = []
        for (track, area, level), items in inferred.cells.items():
            if level not in slug_of:
                continue
            first = items[0][1]
            cells.append(make_expectation(area_slug_of[(track, area)], slug_of[level],
                                          [text for text, _ in items],
                                          Source(first.file, first.line)))
        name = inferred.role or _family_name(inferred.root) or hints.get("name") or \
            _set_name(root)
        family = make_family(name, slugify(name) or "family", levels, model_tracks, cells,
                             Source(inferred.root.file, inferred.root.line))
        built.append(family)
    built = with_distinct_slugs(built, notes, "CP024", "is shared by two families")
    name = hints.get("name") or (built[0].name if len(built) == 1 else _set_name(root))
    framework = make_framework(name, built, Source(root.file))
    return replace(framework, families=tuple(built))


def _position_names(levels: list[str], root: Section) -> dict[str, str]:
    """Names for levels that are only positions (`1`, `2`, `3`: the order of each area's
    list): the one numbered list of as many short names left out elsewhere in the input (a
    README listing the levels in order), else none."""
    if not levels or levels != [str(n) for n in range(1, len(levels) + 1)]:
        return {}
    runs = []
    for section in root.walk():
        run: list[str] = []
        for entry in section.content + [None]:
            block = entry.block if entry is not None else None
            if entry is not None and entry.kind == "item" and block is not None and \
                    block.numbered and block.depth == 0 and entry.role != "statement" and \
                    0 < len(entry.text.split()) <= 5:
                run.append(clean(entry.text))
                continue
            if run:
                runs.append(run)
            run = []
    fitting = [run for run in runs if len(run) == len(levels) and len(set(run)) == len(run)]
    return dict(zip(levels, fitting[0], strict=True)) if len(fitting) == 1 else {}


def _family_name(section: Section) -> str:
    """The family's name: its root section's, or that of the section around it when the root
    is only a wrapper (a `levels:` key that is all its file holds)."""
    while section.parent is not None and section.kind == "heading" and \
            len([c for c in section.parent.children if any(c.entries())]) == 1 and \
            section.parent.kind != "root":
        section = section.parent
    return section.name


def _declared(levels: list[str], name_lists: list[list[str]]) -> list[str]:
    """The levels with those a table of names declares around them (a table of titles listing
    `Intern` … `Principal Engineer` when only some have content): a level declared without
    content still counts, as missing."""
    wanted = [slugify(n) for n in levels]
    for names in name_lists:
        keys = [slugify(n) for n in names if n]
        if len(keys) > len(wanted) and len(set(keys)) == len(keys) and \
                all(w in keys for w in wanted) and \
                [k for k in keys if k in wanted] == wanted:
            by_key = dict(zip(wanted, levels, strict=True))
            return [by_key.get(slugify(n), n) for n in names if n]
    return levels


def _set_name(root: Section) -> str:
    """A name for the whole: the one top-level H1 of a README, else the common folder."""
    for section in root.walk():
        if section.kind == "file" and section.entry is not None and \
                re.match(r"readme", section.file.rsplit("/", 1)[-1], re.I):
            return section.name
    folders = [c for c in root.children if c.kind == "folder"]
    if len(folders) == 1:
        return folders[0].name
    return "Imported framework"


__all__ = ["NAME", "sniff", "read", "read_with_report", "check_hints", "HintError",
           "seniority"]
