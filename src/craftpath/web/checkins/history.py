"""A person's closed check-ins read as progress: trends per area, coverage per area at their
level and the next (a radar), readiness toward the next level with reasons. The sums come
from core.progress; this module only gathers the agreed ratings and draws.

Statement ids are stable across framework versions, so ratings from check-ins on older
versions count toward the statements that keep their id in the current one.
"""

from __future__ import annotations

from dataclasses import dataclass

from craftpath.core.model import Family, Level
from craftpath.core.progress import (
    AreaCoverage,
    Rating,
    Readiness,
    Scale,
    area_trend,
    level_coverage,
    readiness,
)
from craftpath.present.charts import radar
from craftpath.web.frameworks.publishing import active_version, framework_of

from .models import CheckIn, Entry

RADAR_STEPS = 10  # rings at every tenth of the applicable statements


@dataclass(frozen=True)
class History:
    family: Family | None
    level: Level | None
    scale: Scale | None
    tracks: tuple[str, ...]
    checkins: list[CheckIn]  # closed, oldest first
    ratings: list[dict[str, Rating]]  # agreed ratings per closed check-in, same order

    @property
    def latest(self) -> dict[str, Rating]:
        """Each statement's most recent agreed rating, across every closed check-in."""
        merged: dict[str, Rating] = {}
        for ratings in self.ratings:
            merged.update(ratings)
        return merged


def closed_agreed_ratings(checkin_ids: list[int]) -> dict[int, dict[str, Rating]]:
    # Unordered: a dict keyed by statement needs no sort of thousands of rows.
    found: dict[int, dict[str, Rating]] = {pk: {} for pk in checkin_ids}
    for pk, sid, value, reason in Entry.objects.filter(checkin_id__in=checkin_ids) \
            .exclude(agreed_value="").order_by() \
            .values_list("checkin_id", "statement_id", "agreed_value", "agreed_reason"):
        found[pk][sid] = Rating(value, reason)
    return found


def of(person) -> History:
    checkins = list(CheckIn.objects.filter(person=person).exclude(closed_at=None)
                    .filter(family_slug=person.family_slug).order_by("closed_at")
                    .select_related("version").defer("version__document", "snapshot"))
    by_id = closed_agreed_ratings([c.pk for c in checkins])
    version = active_version()
    framework = framework_of(version) if version else None
    family = framework.find_family(person.family_slug) if framework and person.family_slug \
        else None
    level = family.find_level(person.level_slug) if family and person.level_slug else None
    known = {t.slug for t in family.tracks} if family else set()
    tracks = tuple(t for t in (person.track_slugs or ()) if t in known)
    return History(family, level, Scale.of(framework.scale) if framework else None, tracks,
                   checkins, [by_id[c.pk] for c in checkins])


def trends(history: History) -> list[tuple]:
    """[(area, [(closed date, share or None)], sparkline svg)] at the person's level."""
    if history.level is None:
        return []
    series = area_trend(history.family, history.level,
                        [(c.closed_at.date(), r) for c, r in
                         zip(history.checkins, history.ratings, strict=True)],
                        history.scale, history.tracks)
    areas = {a.slug: a for a in history.family.areas}
    return [(areas[slug], points, sparkline(points)) for slug, points in series.items()
            if any(share is not None for _, share in points)]


def readiness_of(history: History) -> Readiness | None:
    if history.level is None:
        return None
    return readiness(history.family, history.level, history.latest, history.scale,
                     history.tracks)


def coverage_radar(coverage: tuple[AreaCoverage, ...] | list[AreaCoverage], title: str) -> str:
    """Areas with statements at the level, each as tenths of its applicable statements that
    agreed ratings cover. Areas the level leaves empty are left out rather than drawn as 0."""
    values = [(c.area.name, round(RADAR_STEPS * (c.share or 0))) for c in coverage if not c.gap]
    return radar(values, RADAR_STEPS, title)


def level_summary(family: Family, level: Level, ratings: dict[str, Rating], scale: Scale,
                  tracks: tuple[str, ...]) -> tuple[int, int]:
    """(covered, applicable) over every area of the level: one line on a team page."""
    covered = applicable = 0
    for coverage in level_coverage(family, level, ratings, scale, tracks):
        covered += coverage.count("covered")
        applicable += coverage.applicable
    return covered, applicable


def sparkline(points: list[tuple], width: int = 120, height: int = 24) -> str:
    """A small line of shares (0..1) across check-ins; gaps (None) break the line. Under two
    figures there is no trend to draw (one point is a dot that reads as nothing): ""."""
    if sum(share is not None for _, share in points) < 2:
        return ""
    step = width / max(len(points) - 1, 1)
    segments, current = [], []
    for i, (_, share) in enumerate(points):
        if share is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(f"{i * step:.1f},{height - 2 - share * (height - 4):.1f}")
    if current:
        segments.append(current)
    lines = "".join(f'<polyline points="{" ".join(s)}"/>' if len(s) > 1 else
                    f'<circle cx="{s[0].split(",")[0]}" cy="{s[0].split(",")[1]}" r="2"/>'
                    for s in segments)
    return (f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} '
            f'{height}" aria-hidden="true" focusable="false">{lines}</svg>')
