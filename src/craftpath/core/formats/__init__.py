"""Framework formats, one module each, and the detection that picks a reader for given files.

Every format module has the same shape:
  NAME                          the name users see and pass as a hint
  sniff(file) -> str | None     why this reader fits the file, or None
  read(files, hints=None) -> (Framework | None, [Diagnostic])
                                hints: optional dict of user overrides (e.g. from --hint k=v)
and, where it makes sense, write(framework, ...).

Readers are tried in the order of READERS, most specific first: the canonical file and the
seeds' pages, then the foreign formats, with headings-and-bullets Markdown last as it is the
loosest. Every reader documents the hints it understands (`--hint KEY=VALUE`, or a hints file
read by `read_hints`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ..model import Diagnostic, Framework, Severity, Source
from . import (
    canonical,
    front_matter,
    grid,
    headings,
    html_tables,
    json_refs,
    jtd,
    relational_yaml,
)
from .common import with_distinct_slugs
from .inputs import InputError, TextFile, expand, read_text

READERS = (canonical, jtd, relational_yaml, front_matter, json_refs, grid, html_tables, headings)


@dataclass(frozen=True)
class Loaded:
    framework: Framework | None
    diagnostics: list[Diagnostic]
    reader: str
    reasons: dict[str, str] = field(default_factory=dict)  # file -> why the reader was picked


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
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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

    Files no reader takes (licences, READMEs, FAQs) are skipped with an info note saying what
    they seem to be. A set whose files fall to several readers (a company keeping most ladders
    in front matter and a few as plain headings) is read reader by reader and the families
    joined into one framework, in file order; `reader` is then the names joined by `+`. The
    canonical format holds a whole framework, so it is never mixed with others.

    Raises InputError only for paths that cannot be used at all; everything else about the
    content comes back as diagnostics.
    """
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
    for file in files:
        module, reason = (chosen, f"--format {reader}") if chosen else detect(file)
        if module is None:
            diagnostics.append(Diagnostic(
                "CP001", Severity.INFO, f"skipped: {reason}", file.source()))
            continue
        picked.setdefault(module.NAME, []).append(file)
        reasons[file.name] = reason
    if not picked:
        raise InputError(
            f"{', '.join(str(p) for p in paths)}: no framework found "
            f"(no file is in a format craftpath reads)")
    if len(picked) > 1 and canonical.NAME in picked:
        kinds = "; ".join(f"{name}: {len(group)} file(s)" for name, group in picked.items())
        raise InputError(f"the files mix formats ({kinds}); load one framework at a time")

    read_ones = []
    for name, group in picked.items():
        framework, read_notes = reader_named(name).read(group, hints=hints)
        diagnostics.extend(read_notes)
        if framework is not None:
            read_ones.append((name, framework))
    if len(picked) == 1 or not read_ones:
        framework = read_ones[0][1] if read_ones else None
        return Loaded(framework, diagnostics, "+".join(picked), reasons)
    if len(read_ones) == 1:
        return Loaded(read_ones[0][1], diagnostics, read_ones[0][0], reasons)
    order = {file.name: index for index, file in enumerate(files)}
    return Loaded(_joined([fw for _, fw in read_ones], order, hints, diagnostics), diagnostics,
                  "+".join(name for name, _ in read_ones), reasons)


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
