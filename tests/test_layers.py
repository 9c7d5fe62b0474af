"""The layers hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter])
on every run of the test command, so an import across a layer fails here with its chain."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_linter_contract_is_kept():
    # In its own process: import-linter sets up logging for its command line, which in this
    # one would take the app's log lines away from its console handler. No cache: the graph
    # is built from the source as it is now (a few seconds).
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--config", str(ROOT / "pyproject.toml"),
                           "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout
