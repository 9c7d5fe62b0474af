"""Promotion figures for groups: how many decided cases ended in a promotion (with a 95%
interval) and the median days in level at nomination, per family and target level, or per
team. Group figures follow insights' one rule (insights/privacy.py, `withheld`): a group of
fewer than the minimum size is withheld, and so is the next smallest beside it when taking
the shown parts from a shown total would single out fewer than that (complementary
suppression). The minimum is the insights setting the people team keeps."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from craftpath.web.accounts.models import Team
from craftpath.web.insights.privacy import Group, withheld
from craftpath.web.insights.settings_store import current
from craftpath.web.insights.stats import Estimate, proportion

from .models import Case, Outcome

BY = ("level", "team")


@dataclass(frozen=True)
class RateRow:
    key: tuple
    label: str
    depth: int  # 0 for everyone, 1 a family or team, 2 a target level
    decided: int  # shown only when not withheld
    promoted: int
    rate: Estimate | None
    median_days: float | None
    withheld: bool


def minimum_group_size() -> int:
    return current().min_group_size


def rates(cases=None, by: str = "level", minimum: int | None = None) -> list[RateRow]:
    """One row per group, everyone first, each group followed by its parts."""
    minimum = minimum_group_size() if minimum is None else minimum
    cases = (Case.objects.all() if cases is None else cases).filter(decision__isnull=False)
    if by == "team":
        first_team = Team.objects.filter(members=OuterRef("person_id")).order_by("name") \
            .values("name")[:1]
        rows = cases.annotate(team=Subquery(first_team)).values_list(
            "team", "target_level_slug", "decision__outcome", "snapshot__days_in_level")
        keyed = [((team or "no team",), outcome, days) for team, _, outcome, days in rows]
    else:
        rows = cases.values_list("family_slug", "target_level_slug", "decision__outcome",
                                 "snapshot__days_in_level")
        keyed = [((family, level), outcome, days) for family, level, outcome, days in rows]
    tallies: dict[tuple, list] = {}
    for path, outcome, days in keyed:
        for depth in range(len(path) + 1):
            tally = tallies.setdefault(path[:depth], [0, 0, []])
            tally[0] += 1
            tally[1] += outcome == Outcome.PROMOTE
            if isinstance(days, int):
                tally[2].append(days)

    def group(key: tuple) -> Group:
        children = sorted(k for k in tallies if len(k) == len(key) + 1 and k[:len(key)] == key)
        return Group(key, tallies[key][0], tuple(group(child) for child in children))

    if not tallies:
        return []
    hidden = withheld([group(())], minimum)
    out = []
    for key in sorted(tallies, key=lambda k: (k[:1], len(k), k)):
        decided, promoted, days = tallies[key]
        hide = key in hidden
        out.append(RateRow(key, key[-1] if key else "Everyone", len(key),
                           0 if hide else decided, 0 if hide else promoted,
                           None if hide else proportion(promoted, decided),
                           None if hide or not days else statistics.median(days), hide))
    return out
