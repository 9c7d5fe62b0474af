"""The layers hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter])
on every run of the test command, so an import across a layer fails here with its chain."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_every_import_linter_contract_is_kept(capsys):
    # No cache: the graph is built from the source as it is now (a few seconds).
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
