"""Where writers may write: every file a writer makes from framework data (slugs become file
names) must land inside the folder it was given, whatever the data says."""

from __future__ import annotations

from pathlib import Path

from .inputs import InputError


class OutsideFolderError(InputError):
    """A path made from framework data points outside the output folder."""


def inside(folder: str | Path, relative: str | Path) -> Path:
    base = Path(folder).resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base):
        raise OutsideFolderError(f"refusing to write {relative}: it is outside {folder}")
    return target
