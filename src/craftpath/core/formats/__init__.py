"""Framework formats, one module each, and the detection that picks a reader for given files.

Every format module has the same shape:
  NAME                          the name users see and pass as a hint
  sniff(file) -> str | None     why this reader fits the file, or None
  read(files, hints=None) -> (Framework | None, [Diagnostic])
                                hints: optional dict of user overrides (e.g. from --hint k=v)
and, where it makes sense, write(framework, ...).

Shapes that name their own roles (DIRECT_READERS: the canonical file, the seeds' pages,
relational YAML, front-matter topics, JSON references) are read directly; every other file
goes to the document reader (`document.py`: one document tree, one inference, an import
report). The older per-format readers (LEGACY_READERS) are tried only when the document
reader finds no framework, and for keyword ladders whose areas a README defines. Every reader
documents the hints it understands (`--hint KEY=VALUE`, or a hints file read by `read_hints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..model import Diagnostic, Framework, Severity, Source
from . import (
    canonical,
    document,
    front_matter,
    grid,
    headings,
    html_tables,
    json_refs,
    jtd,
    relational_yaml,
)
from .budget import load_yaml
from .common import with_distinct_slugs
from .inputs import InputError, TextFile, expand, read_text
from .report import FileReport, ImportReport
from .sections import Entry

DIRECT_READERS = (canonical, jtd, relational_yaml, front_matter, json_refs)
LEGACY_READERS = (grid, html_tables, headings)
READERS = DIRECT_READERS + (document,) + LEGACY_READERS


@dataclass(frozen=True)
class Loaded:
    framework: Framework | None
    diagnostics: list[Diagnostic]
    reader: str
    reasons: dict[str, str] = field(default_factory=dict)  # file -> why the reader was picked
    report: ImportReport | None = None  # every block of every file: imported or left out
    readers: dict[str, str] = field(default_factory=dict)  # file -> the reader that read it

    def reader_of(self, file: str) -> str:
        return self.readers.get(file, self.reader)


def reader_named(name: str):
    for module in READERS:
        if module.NAME == name:
            return module
    known = ", ".join(module.NAME for module in READERS)
    raise InputError(f"unknown format {name!r} (known: {known})")


def detect(file: TextFile) -> tuple[object | None, str]:
    """The reader for one file and the reason, or (None, why none fits)."""
    for module in READERS:
        reason = module.sniff(file)
        if reason:
            return module, reason
    return None, _why_skipped(file)


def _why_skipped(file: TextFile) -> str:
    """What a file no reader takes seems to be, so the note says why it is not framework data."""
    stem = file.path.stem.lower()
    if stem.startswith(("license", "licence", "copying", "notice")):
        return "a licence, not framework data"
    if '"$schema"' in file.text[:2048]:
        return "a JSON Schema, not framework data"
    if file.path.suffix.lower() in headings.SUFFIXES and "#" in file.text:
        return ("not framework data (no heading names a level, no table of levels: a README, "
                "FAQ, legend or comparison page)")
    return "no reader recognises it"


def read_hints(path: str | Path) -> dict[str, str]:
    """Hints from a small YAML mapping file (`level_heading: 2`, `separator: ";"`), as text.

    Raises InputError when the file cannot be read or is not a flat mapping.
    """
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not a YAML mapping of hints ({error})") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or any(isinstance(v, dict | list) for v in data.values()):
        raise InputError(f"{path}: expected `key: value` lines, one hint each")
    return {str(key): "" if value is None else str(value) for key, value in data.items()}


def load(paths: list[str | Path], reader: str | None = None,
         hints: dict[str, str] | None = None) -> Loaded:
    """Read a framework from files or folders, detecting the format unless `reader` names one.

    Files in a shape that names its own roles (canonical, the seed pages, relational YAML,
    front-matter topics, JSON references) go to their readers; every other file goes to the
    document reader, which reads them all as one document tree and infers the structure. When
    that finds nothing, the older per-format readers (grids, HTML tables, headings) get a try.
    Files no reader takes (licences, READMEs, FAQs) are skipped with a note saying what they
    seem to be. Families from several readers are joined into one framework in file order;
    `reader` is then the names joined by `+`. The canonical format holds a whole framework, so
    it is never mixed with others.

    Raises InputError for paths that cannot be used at all, and when no file holds a
    framework (one line per file saying why); everything else comes back as diagnostics.
    """
    if hints:
        try:
            document.check_hints(hints)
        except document.HintError as error:
            raise InputError(str(error)) from None
    files, diagnostics = [], []
    named = {Path(path) for path in paths}
    for path in expand(paths):
        try:
            text_file, decode_notes = read_text(path)
        except InputError as error:
            if path in named:  # the user asked for this very file: say so and stop
                raise
            # a picture or archive in a docs folder is no reason to refuse the folder
            reason = str(error).removeprefix(f"{path}: ")
            diagnostics.append(Diagnostic("CP001", Severity.INFO, f"skipped: {reason}",
                                          Source(str(path))))
            continue
        files.append(text_file)
        diagnostics.extend(decode_notes)

    chosen = reader_named(reader) if reader else None
    picked: dict[str, list[TextFile]] = {}
    reasons: dict[str, str] = {}
    rest: list[TextFile] = []
    structural_hints = any(key in (hints or {}) for key in ("level", "area", "family"))
    for file in files:
        module, reason = (chosen, f"--format {reader}") if chosen else detect_direct(file)
        if module is None and not chosen and not structural_hints:
            reason = grid.sniff(file)  # a sheet of levels × areas: the grid reader knows
            # its extra columns (tracks, notes, titles); a sheet of another shape (lists
            # of skills per level, between answer columns) goes to the document tree
            module = grid if reason and not _lists_per_column(file) else None
        if module is None:
            rest.append(file)
            continue
        picked.setdefault(module.NAME, []).append(file)
        reasons[file.name] = reason
    import_report = ImportReport()
    why_not: dict[str, str] = {}
    document_result = None
    if rest:
        rest = _keyword_ladders(rest, picked, reasons)
    if rest:
        framework, notes, doc_report = document.read_with_report(rest, hints)
        import_report.files.extend(doc_report.files)
        import_report.layout = doc_report.layout
        if framework is not None:
            document_result = (framework, [n for n in notes if n.code != "CP022"])
            for file in rest:
                file_report = doc_report.file(file.name)
                if file_report is None or file_report.status == "read":
                    picked.setdefault(document.NAME, []).append(file)
                    reasons[file.name] = "a document tree: its structure decides the roles"
                else:
                    diagnostics.append(Diagnostic("CP001", Severity.INFO,
                                                  f"skipped: {file_report.reason}", file.source()))
        else:
            why_not = {f.file: f.reason for f in doc_report.files}
            for file in rest:
                module, reason = detect_legacy(file)
                if document.NOT_FRAMEWORK.match(file.path.name):  # a licence is never a ladder
                    module, reason = None, "a licence or project file, not framework data"
                # the reader that takes the file over says what is wrong with it
                diagnostics.extend(n for n in notes if n.code != "CP022" and module is None
                                   and n.source.file == file.name)
                if module is None:
                    diagnostics.append(Diagnostic(
                        "CP001", Severity.INFO,
                        f"skipped: {why_not.get(file.name) or reason}", file.source()))
                    continue
                picked.setdefault(module.NAME, []).append(file)
                reasons[file.name] = reason
    if not picked:
        lines = [f"{file.name}: no framework found ("
                 f"{why_not.get(file.name) or _why_skipped(file)})" for file in files]
        raise InputError("\n".join(lines) or f"{', '.join(str(p) for p in paths)}: no framework "
                         "found (no file could be read)")
    if len(picked) > 1 and canonical.NAME in picked:
        kinds = "; ".join(f"{name}: {len(group)} file(s)" for name, group in picked.items())
        raise InputError(f"the files mix formats ({kinds}); load one framework at a time")

    readers = {file.name: name for name, group in picked.items() for file in group}
    read_ones = []
    for name, group in picked.items():
        if name == document.NAME and document_result and not chosen:
            framework, read_notes = document_result
        elif name == document.NAME:
            framework, read_notes = _document_result(group, hints, import_report)
        else:
            framework, read_notes = reader_named(name).read(group, hints=hints)
            _account_direct(import_report, name, group, framework)
        diagnostics.extend(read_notes)
        if framework is not None:
            read_ones.append((name, framework))
    if len(picked) == 1 or not read_ones:
        framework = read_ones[0][1] if read_ones else None
        return Loaded(framework, diagnostics, "+".join(picked), reasons, import_report, readers)
    if len(read_ones) == 1:
        return Loaded(read_ones[0][1], diagnostics, read_ones[0][0], reasons, import_report,
                      readers)
    order = {file.name: index for index, file in enumerate(files)}
    return Loaded(_joined([fw for _, fw in read_ones], order, hints, diagnostics), diagnostics,
                  "+".join(name for name, _ in read_ones), reasons, import_report, readers)


def _lists_per_column(file: TextFile) -> bool:
    """Whether the document tree reads a sheet of this file as a list per column (the
    skills of each level under its name), a shape the grid reader does not know."""
    from .tree import build, kind_of

    return kind_of(file.path) == "xlsx" and any(
        block.kind == "heading" and block.depth == 2 for block in build(file).blocks)


def detect_direct(file: TextFile) -> tuple[object | None, str]:
    """The reader of a shape that names its own roles, or (None, "")."""
    for module in DIRECT_READERS:
        reason = module.sniff(file)
        if reason:
            return module, reason
    return None, ""


def detect_legacy(file: TextFile) -> tuple[object | None, str]:
    for module in LEGACY_READERS:
        reason = module.sniff(file)
        if reason:
            return module, reason
    return None, _why_skipped(file)


def _keyword_ladders(rest: list[TextFile], picked: dict, reasons: dict) -> list[TextFile]:
    """Ladders whose bullets name their area only through keywords defined on another page of
    the set (a README defining `**Adopts**` under `## Technology`) go to the headings reader,
    which follows those definitions; the rest go on to the document reader."""
    sniffed = {file.name: headings.sniff(file) for file in rest}
    defining = [r for r in sniffed.values() if r and r.startswith("Markdown defining")]
    # definitions with no ladder beside them are not definitions: pages whose area headings
    # hold bold proficiency keywords (`## Craft` / `- **Adopts:** …`) are the ladder itself
    if not defining or len(defining) == len([r for r in sniffed.values() if r]):
        return rest
    keep = []
    for file in rest:
        if sniffed[file.name]:
            picked.setdefault(headings.NAME, []).append(file)
            reasons[file.name] = sniffed[file.name]
        else:
            keep.append(file)
    return keep


def _document_result(group, hints, import_report):
    framework, notes, report = document.read_with_report(group, hints)
    import_report.files = [f for f in import_report.files
                           if f.file not in {g.name for g in group}] + report.files
    import_report.layout = report.layout
    return framework, [n for n in notes if n.code != "CP022"]


def _account_direct(import_report: ImportReport, reader: str, group, framework) -> None:
    """Files read by a direct reader, in the report: their statements as imported text, the
    rest of the file as left out by that reader (it reads fields, not blocks). A file the
    document reader tried first is counted once, as the reader that read it saw it."""
    names = {file.name for file in group}
    import_report.files = [f for f in import_report.files if f.file not in names]
    for file in group:
        statements = [s for f in (framework.families if framework else ())
                      for s in f.statements if s.source.file == file.name]
        size = _text_size(file)
        used = min(size, sum(len(s.text) for s in statements))
        names = min(size - used, sum(len(name) for name in _names_from(file, framework)))
        file_report = FileReport(file.name, reader, "read" if statements else "skipped",
                                 "" if statements else "no statements taken from this file")
        if used:
            file_report.entries.append(Entry(
                file.name, 1, "fields", f"{len(statements)} statements", role="statement",
                reason=f"read by the {reader} reader", chars=used))
        if names:
            file_report.entries.append(Entry(
                file.name, 1, "fields", "names of families, levels, tracks and areas",
                role="structure", reason=f"read by the {reader} reader", chars=names))
        if size - used - names:
            file_report.entries.append(Entry(
                file.name, 1, "fields", "the rest of the file", role="left-out",
                reason=f"fields and markup the {reader} reader does not take as statements",
                chars=size - used - names))
        import_report.files.append(file_report)


def _names_from(file: TextFile, framework: Framework | None) -> set[str]:
    """The distinct names of families, levels, tracks and areas a direct reader took from this
    file (structure, not left-out text), each once."""
    names = set()
    for family in framework.families if framework else ():
        named = [(family.source, [family.name])]
        named += [(level.source, [level.code, level.name, level.title])
                  for level in family.present_levels]
        named += [(track.source, [track.name]) for track in family.tracks]
        named += [(area.source, [area.name]) for area in family.areas]
        for source, texts in named:
            if source.file == file.name:
                names.update(text for text in texts
                             if text and (file.data is not None or text in file.text))
    return names


def _text_size(file: TextFile) -> int:
    """The characters of a file's text: a workbook's (bytes, no text) is its sheets' names and
    cells' text."""
    if file.data is None:
        return len(file.text)
    # an unreadable workbook has been reported by the reader that tried it
    found = grid.sheets(file, {}, [])
    return sum(len(name) + sum(len(str(cell)) for row in rows for cell in row)
               for name, rows in found)


def _joined(frameworks: list[Framework], order: dict[str, int], hints: dict | None,
            diagnostics: list[Diagnostic]) -> Framework:
    """One framework holding the families of several, in the order of their files."""
    families = sorted((family for fw in frameworks for family in fw.families),
                      key=lambda family: order.get(family.source.file, len(order)))
    families = with_distinct_slugs(families, diagnostics, "CP003",
                                   "is used by another reader's family too")
    terms = {}
    for framework in frameworks:
        for term in framework.terms:
            terms.setdefault(term.slug, term)
    biggest = max(frameworks, key=lambda fw: len(fw.families))
    name = (hints or {}).get("name") or biggest.name
    return replace(biggest, name=name, families=tuple(families), terms=tuple(terms.values()))
