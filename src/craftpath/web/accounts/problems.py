"""Errors of the people side, importable before Django is set up (the CLI catches them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    line: int  # in the file, the header being line 1
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class DirectoryError(Exception):
    """A directory file that cannot be imported; `problems` lists every reason."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the file; nothing was imported")


class DemoError(Exception):
    pass
