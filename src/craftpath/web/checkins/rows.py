"""What the check-in pages show per statement: the statement from the framework version, the
voices the viewer may see, and the evidence. Pages get rows; they never query themselves."""

from __future__ import annotations

from dataclasses import dataclass, field

from craftpath.core.model import slugify
from craftpath.core.progress import NOT_APPLICABLE, Rating, Scale

from . import scope as scopes
from .models import SIDES, CheckIn, Entry


def anchor_of(statement_id: str) -> str:
    # Statement ids hold dots, which CSS selectors (and so htmx targets) read as classes.
    return slugify(statement_id)


@dataclass
class Row:
    item: scopes.Item
    entry: Entry
    voices: dict[str, dict] = field(default_factory=dict)  # only the sides the viewer may see
    evidence: list[dict] = field(default_factory=list)
    evidence_ids: set[int] = field(default_factory=set)
    focus: bool = False
    problem: str = ""  # a refused save, shown beside the input it kept (no-JavaScript path)
    stored: dict | None = None  # what is stored now, after a conflict
    difference: int = 0  # see disagreement(); set by the side-by-side page
    editable: bool = False  # the viewer's side of this statement takes a rating now

    @property
    def anchor(self) -> str:
        return anchor_of(self.item.statement.id)

    @property
    def statement(self):
        return self.item.statement

    def disagreement(self, scale: Scale) -> int:
        """How far apart the self and manager ratings are: 0 when they agree; a Not applicable
        on one side only counts as far apart as the scale is long."""
        mine, theirs = self.voices.get("self", {}).get("value"), \
            self.voices.get("manager", {}).get("value")
        if mine == theirs:
            return 0
        if NOT_APPLICABLE in (mine, theirs) or mine not in scale.labels \
                or theirs not in scale.labels:
            return len(scale.labels)
        return abs(scale.labels.index(mine) - scale.labels.index(theirs))


def build(checkin: CheckIn, scope: scopes.Scope, visible_sides: set[str], *,
          area: str | None = None, evidence: dict[str, list[dict]] | None = None,
          focus: set[str] = frozenset()) -> list[Row]:
    items = scope.area(area).items if area else scope.items
    wanted = {item.statement.id for item in items}
    entries = {e.statement_id: e for e in checkin.entries.filter(statement_id__in=wanted)}
    evidence = evidence or {}
    rows = []
    for item in items:
        entry = entries.get(item.statement.id)
        if entry is None:  # a scope that moved on without this entry (should not happen)
            continue
        row = Row(item, entry, {side: entry.voice(side) for side in SIDES
                                if side in visible_sides},
                  focus=item.statement.id in focus)
        if "self" in visible_sides:
            row.evidence = evidence.get(item.statement.id, [])
            row.evidence_ids = {e["id"] for e in row.evidence}
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    per_area: dict[str, tuple[int, int]]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(checkin: CheckIn, scope: scopes.Scope, side: str) -> Progress:
    rated = set(checkin.entries.exclude(**{f"{side}_value": ""})
                .values_list("statement_id", flat=True))
    per_area = {}
    for area in scope.areas:
        ids = [item.statement.id for item in area.items]
        per_area[area.area.slug] = (sum(i in rated for i in ids), len(ids))
    done = sum(done for done, _ in per_area.values())
    return Progress(done, len(scope.items), per_area)


def agreed_ratings(entries) -> dict[str, Rating]:
    return {e.statement_id: Rating(e.agreed_value, e.agreed_reason) for e in entries
            if e.agreed_value}
