"""The framework that ships with craftpath: the seed pages converted to the canonical format.

It feeds the demo, the docs and the tests, as datasette's sample data does.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from .formats import canonical
from .model import Framework

BUNDLED_FILE = "vaarst-ml-engineer.yaml"


def bundled_path() -> Path:
    return Path(str(files("craftpath.data") / BUNDLED_FILE))


def load_bundled() -> Framework:
    framework, diagnostics = canonical.read_path(bundled_path())
    errors = [d for d in diagnostics if d.is_error]
    if framework is None or errors:  # a packaging fault, not a user's: fail loudly
        raise RuntimeError(f"bundled framework {bundled_path()} is broken: {errors}")
    return framework
