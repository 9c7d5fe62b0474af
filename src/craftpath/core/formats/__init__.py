"""Framework formats, one module each, and the detection that picks a reader for given files.

Every format module has the same shape:
  NAME                          the name users see and pass as a hint
  sniff(file) -> str | None     why this reader fits the file, or None
  read(files, hints=None) -> (Framework | None, [Diagnostic])
                                hints: optional dict of user overrides (e.g. from --hint k=v)
and, where it makes sense, write(framework, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..model import Diagnostic, Framework, Severity
from . import canonical, jtd
from .inputs import InputError, TextFile, expand, read_text

READERS = (canonical, jtd)


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
    return None, "no reader recognises it"


def load(paths: list[str | Path], reader: str | None = None,
         hints: dict[str, str] | None = None) -> Loaded:
    """Read a framework from files or folders, detecting the format unless `reader` names one.

    Raises InputError only for paths that cannot be used at all; everything else about the
    content comes back as diagnostics.
    """
    files, diagnostics = [], []
    for path in expand(paths):
        text_file, decode_notes = read_text(path)
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
    if len(picked) > 1:
        kinds = "; ".join(f"{name}: {len(group)} file(s)" for name, group in picked.items())
        raise InputError(f"the files mix formats ({kinds}); load one framework at a time")

    name, group = next(iter(picked.items()))
    framework, read_notes = reader_named(name).read(group, hints=hints)
    return Loaded(framework, diagnostics + read_notes, name, reasons)
