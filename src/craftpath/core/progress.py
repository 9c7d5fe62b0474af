"""Progress over ratings: per-area coverage of a level, and readiness toward the next one.

Pure functions over a family and a mapping of statement id → Rating; no database. The results
carry their reasons so a page can show *why* an area reads as it does. Coverage is a
conversation aid, never a verdict: nothing here says "ready" or "not ready".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import Area, Family, Level, Statement
from .text import unmark

NOT_APPLICABLE = "Not applicable"


@dataclass(frozen=True)
class Scale:
    """A rating scale, lowest first; ratings from `covered_from` up count as covering."""

    labels: tuple[str, ...]
    covered_from: int

    @classmethod
    def of(cls, labels: tuple[str, ...]) -> Scale:
        """"Meets" (any case) starts coverage when the scale has it, else the upper half
        (the middle label included, on an odd scale)."""
        lowered = [label.lower() for label in labels]
        start = lowered.index("meets") if "meets" in lowered else len(labels) // 2
        return cls(tuple(labels), start)

    def covers(self, label: str) -> bool:
        return label in self.labels and self.labels.index(label) >= self.covered_from

    @property
    def covering_labels(self) -> tuple[str, ...]:
        return self.labels[self.covered_from:]


@dataclass(frozen=True)
class Rating:
    value: str  # a scale label, or NOT_APPLICABLE
    reason: str = ""  # required with NOT_APPLICABLE


@dataclass(frozen=True)
class StatementStatus:
    statement: Statement
    rating: Rating | None

    def state(self, scale: Scale) -> str:
        if self.rating is None:
            return "unrated"
        if self.rating.value == NOT_APPLICABLE:
            return "not applicable"
        return "covered" if scale.covers(self.rating.value) else "not yet covered"


@dataclass(frozen=True)
class AreaCoverage:
    area: Area
    level: Level
    statuses: tuple[StatementStatus, ...]
    gap: bool  # the framework has no statements for this area at this level
    scale: Scale = field(repr=False)

    def count(self, state: str) -> int:
        return sum(status.state(self.scale) == state for status in self.statuses)

    @property
    def applicable(self) -> int:
        return len(self.statuses) - self.count("not applicable")

    @property
    def share(self) -> float | None:
        """Covered statements over applicable ones; None when nothing applies."""
        return self.count("covered") / self.applicable if self.applicable else None

    @property
    def reasons(self) -> list[str]:
        if self.gap:
            return [f"{self.level.code} has no statements for {self.area.name} yet"]
        covering = " or ".join(self.scale.covering_labels)
        reasons = [f"{self.count('covered')} of {self.applicable} applicable statements rated "
                   f"{covering}"]
        for status in self.statuses:
            state = status.state(self.scale)
            if state == "not yet covered":
                reasons.append(f"rated {status.rating.value}: {unmark(status.statement.text)}")
            elif state == "unrated":
                reasons.append(f"not rated yet: {unmark(status.statement.text)}")
            elif state == "not applicable":
                reasons.append(f"not applicable ({status.rating.reason}): "
                               f"{unmark(status.statement.text)}")
        return reasons


def level_coverage(family: Family, level: Level, ratings: Mapping[str, Rating],
                   scale: Scale, tracks: tuple[str, ...] = ()) -> list[AreaCoverage]:
    """Per area of `level` (within `tracks`, when given), how the ratings cover it."""
    coverage = []
    for track in family.tracks:
        if tracks and track.slug not in tracks:
            continue
        for area in track.areas:
            cell = family.expectation(area.slug, level.slug)
            statements = cell.statements if cell else ()
            coverage.append(AreaCoverage(
                area, level, tuple(StatementStatus(s, ratings.get(s.id)) for s in statements),
                gap=not statements, scale=scale))
    return coverage


@dataclass(frozen=True)
class Readiness:
    """Coverage of the level a person holds and of the next one up, side by side."""

    current: tuple[AreaCoverage, ...]
    next_level: Level | None
    toward_next: tuple[AreaCoverage, ...]


def readiness(family: Family, level: Level, ratings: Mapping[str, Rating], scale: Scale,
              tracks: tuple[str, ...] = ()) -> Readiness:
    following = family.next_level(level)
    return Readiness(
        tuple(level_coverage(family, level, ratings, scale, tracks)),
        following,
        tuple(level_coverage(family, following, ratings, scale, tracks)) if following else (),
    )


def area_trend(family: Family, level: Level, history: list[tuple[object, Mapping[str, Rating]]],
               scale: Scale, tracks: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Area slug → [(when, share covered or None)] across check-ins, oldest first."""
    trend: dict[str, list[tuple]] = {}
    for when, ratings in history:
        for coverage in level_coverage(family, level, ratings, scale, tracks):
            trend.setdefault(coverage.area.slug, []).append((when, coverage.share))
    return trend
