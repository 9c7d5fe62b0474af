"""Turning paths given by a user into decoded text, with clear errors for what cannot be read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Diagnostic, Severity, Source

SNIFF_BYTES = 8192
# Binary formats a reader takes as bytes (in TextFile.data); every other binary file is refused.
BINARY_SUFFIXES = (".xlsx", ".xlsm")
FALLBACK_ENCODINGS = ("utf-16", "cp1252", "latin-1")


class InputError(Exception):
    """A path that cannot be used at all: missing, unreadable or not text."""


@dataclass(frozen=True)
class TextFile:
    path: Path
    text: str
    data: bytes | None = None  # the raw bytes of a binary format such as XLSX; else None

    @property
    def name(self) -> str:
        return str(self.path)

    def source(self, line: int = 0) -> Source:
        return Source(self.name, line)


def expand(paths: list[str | Path]) -> list[Path]:
    """Files named directly, plus the files inside any folder (sorted, hidden ones skipped)."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            inside = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            if not inside:
                raise InputError(f"{path}: the folder holds no files")
            files.extend(inside)
        else:
            files.append(path)
    return files


def _hidden(path: Path, folder: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(folder).parts)


def read_text(path: Path) -> tuple[TextFile, list[Diagnostic]]:
    """Decode a file as UTF-8, or a legacy encoding with a warning; refuse binary files, except
    spreadsheets (BINARY_SUFFIXES), which are passed on as bytes with empty text."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    if path.suffix.lower() in BINARY_SUFFIXES and data.startswith(b"PK"):
        return TextFile(path, "", data), []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_fallback(path, data)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(f"{path}: not a text file (it holds binary data)")
    try:
        return TextFile(path, data.decode("utf-8-sig")), []
    except UnicodeDecodeError:
        return _decode_fallback(path, data)


def _decode_fallback(path: Path, data: bytes) -> tuple[TextFile, list[Diagnostic]]:
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        warning = Diagnostic(
            "CP002", Severity.WARNING,
            f"not UTF-8; read as {encoding}, check accented letters and punctuation",
            Source(str(path)),
        )
        return TextFile(path, text), [warning]
    raise InputError(f"{path}: not a text file (no known text encoding fits)")
