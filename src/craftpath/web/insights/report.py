"""What an insights view hands to its page and its exports: tables of cells (some withheld)
and charts. The page and the CSV/XLSX files are drawn from the same Report, so they can only
ever show the same figures."""

from __future__ import annotations

from dataclasses import dataclass, field

WITHHELD_TEXT = "withheld"


def day(date) -> str:
    """A date as the pages show dates ("5 Mar 2026"); exports keep the ISO form."""
    return f"{date.day} {date:%b %Y}"


@dataclass(frozen=True)
class Cell:
    text: str  # as shown on the page
    value: object = None  # as exported and sorted (a number where there is one)
    withheld: bool = False
    href: str = ""
    css: str = ""  # e.g. "heat-7": a shade for a heatmap cell

    @classmethod
    def hidden(cls) -> Cell:
        return cls(WITHHELD_TEXT, None, withheld=True)

    @property
    def export(self) -> object:
        if self.withheld:
            return WITHHELD_TEXT
        return self.text if self.value is None else self.value


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    caption: str = ""
    sortable: bool = False  # column headers link to ?sort=<sort key>
    empty: str = ""  # why there are no rows, when the page knows; else the view says
    sort_keys: list[str] = field(default_factory=list)  # one per column, when sortable
    sorted_by: str = ""
    descending: bool = False
    page: int = 1
    pages: int = 1
    more: int = 0  # rows left off the page (the export has them)


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # drawn by charts.py; its numbers are in the table named by `table`
    table: str


@dataclass
class Report:
    slug: str
    title: str
    intro: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    withheld: int = 0  # how many figures were withheld, said at the top of the page
    # Page-specific choices: (parameter, label, [(value, label)], chosen value)
    selectors: list[tuple[str, str, list[tuple[str, str]], str]] = field(default_factory=list)


def number(value: float | None, places: int = 2) -> Cell:
    if value is None:
        return Cell("—", None)
    return Cell(f"{value:.{places}f}", round(value, places))


def percent(share: float | None) -> Cell:
    if share is None:
        return Cell("—", None)
    return Cell(f"{round(share * 100)}%", round(share * 100))


def interval(estimate, places: int = 2) -> Cell:
    if estimate is None:
        return Cell("too few to say", None)
    return Cell(f"{estimate.value:+.{places}f} ({estimate.low:+.{places}f} to "
                f"{estimate.high:+.{places}f})", round(estimate.value, places))
