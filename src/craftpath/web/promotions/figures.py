"""Promotion figures for groups: how many decided cases ended in a promotion (with a 95%
interval) and the median days in level at nomination; and how long the people at each level
have been in it now. Grouped by family and level, by team, or by one optional attribute people
recorded with consent (insights' fairness attributes).

Group figures follow insights' one rule (insights/privacy.py, `withheld`): a group of fewer
than the minimum size is withheld, and so is the next smallest beside it when taking the shown
parts from a shown total would single out fewer than that (complementary suppression). The
minimum is the insights setting the people team keeps. A withheld attribute group is left out,
name and all, as on the fairness page: that a rare value was recorded is itself a figure.
Attributes are read as they stand now: these figures change with every decision anyway."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery

from craftpath.web.accounts.models import Team, User
from craftpath.web.insights.models import AttributeKind, PersonAttribute
from craftpath.web.insights.pages.fairness import NOT_RECORDED, grouping_key
from craftpath.web.insights.privacy import Group, withheld
from craftpath.web.insights.settings_store import current
from craftpath.web.insights.stats import Estimate, proportion

from .models import Case, Outcome

BY = ("level", "team", "attribute")
ATTRIBUTES = tuple(AttributeKind.values)


@dataclass(frozen=True)
class RateRow:
    key: tuple
    label: str
    depth: int  # 0 for everyone, 1 a family, team or attribute group, 2 a target level
    decided: int  # shown only when not withheld
    promoted: int
    rate: Estimate | None
    median_days: float | None
    withheld: bool


@dataclass(frozen=True)
class TimeRow:
    key: tuple
    label: str
    depth: int  # 0 for everyone, 1 a family, team or attribute group, 2 a level
    people: int  # shown only when not withheld
    median_days: float | None
    withheld: bool


def minimum_group_size() -> int:
    return current().min_group_size


def rates(cases=None, by: str = "level", minimum: int | None = None,
          attribute: str = AttributeKind.GENDER) -> list[RateRow]:
    """One row per group of decided cases, everyone first, each group followed by its parts."""
    cases = (Case.objects.all() if cases is None else cases).filter(decision__isnull=False)
    if by == "level":
        found = cases.values_list("family_slug", "target_level_slug", "decision__outcome",
                                  "snapshot__days_in_level")
        keyed = [((family, level), outcome == Outcome.PROMOTE, days)
                 for family, level, outcome, days in found]
    else:
        found = _grouped_by(cases, "person_id", by, attribute).values_list(
            "group", "decision__outcome", "snapshot__days_in_level")
        keyed = [((group,), outcome == Outcome.PROMOTE, days)
                 for group, outcome, days in found]
    return [RateRow(key, label, len(key), 0 if hide else n, 0 if hide else promoted,
                    None if hide else proportion(promoted, n),
                    None if hide or not days else statistics.median(days), hide)
            for key, label, n, promoted, days, hide in _grouped(keyed, by, minimum)]


def time_in_level(by: str = "level", minimum: int | None = None,
                  attribute: str = AttributeKind.GENDER,
                  today: date | None = None) -> list[TimeRow]:
    """How long the active people with a level (and the date they reached it) have been in it
    now: the median days, per group, everyone first."""
    from django.utils import timezone

    today = today or timezone.localdate()
    people = User.objects.filter(is_active=True).exclude(level_slug="") \
        .exclude(level_since=None).exclude(level_since__gt=today)
    if by == "level":
        found = people.values_list("family_slug", "level_slug", "level_since")
        keyed = [((family or "no family", level), False, (today - since).days)
                 for family, level, since in found]
    else:
        found = _grouped_by(people, "pk", by, attribute).values_list("group", "level_since")
        keyed = [((group,), False, (today - since).days) for group, since in found]
    return [TimeRow(key, label, len(key), 0 if hide else n,
                    None if hide or not days else statistics.median(days), hide)
            for key, label, n, _, days, hide in _grouped(keyed, by, minimum)]


def _grouped_by(rows, person_field: str, by: str, attribute: str):
    """`rows` annotated with `group`: the person's first team by name, or their attribute."""
    if by == "team":
        first = Team.objects.filter(members=OuterRef(person_field)).order_by("name")
        return rows.annotate(group=Subquery(first.values("name")[:1]))
    value = PersonAttribute.objects.filter(person_id=OuterRef(person_field), kind=attribute)
    return rows.annotate(group=Subquery(value.values("value")[:1]))


def _grouped(keyed: list[tuple], by: str, minimum: int | None) -> list[tuple]:
    """[(key, label, count, promoted, [days], withheld)] for everyone and every group and part
    of `keyed` ([(path, promoted, days)]), in display order, after the one rule. A person in no
    team (or who recorded no attribute) counts in a group of their own, so the parts add up
    to everyone."""
    minimum = minimum_group_size() if minimum is None else minimum
    spellings: dict[str, Counter] = {}
    tallies: dict[tuple, list] = {}
    for path, promoted, days in keyed:
        if by == "team":
            path = (path[0] or "no team",)
        elif by == "attribute":
            value = " ".join((path[0] or "").split())
            path = (grouping_key(value) if value else NOT_RECORDED,)
            if value:
                spellings.setdefault(path[0], Counter())[value] += 1
        for depth in range(len(path) + 1):
            tally = tallies.setdefault(path[:depth], [0, 0, []])
            tally[0] += 1
            tally[1] += bool(promoted)
            if isinstance(days, int):
                tally[2].append(days)
    if not tallies:
        return []

    def group(key: tuple) -> Group:
        children = sorted(k for k in tallies if len(k) == len(key) + 1 and k[:len(key)] == key)
        return Group(key, tallies[key][0], tuple(group(child) for child in children))

    hidden = withheld([group(())], minimum)
    out = []
    for key in sorted(tallies, key=lambda k: (k[:1], len(k), k)):
        hide = key in hidden
        if by == "attribute" and hide and key:
            continue  # left out, name and all
        label = key[-1] if key else "Everyone"
        if key and key[0] in spellings:  # the most common spelling names the group
            label = min(spellings[key[0]].items(), key=lambda item: (-item[1], item[0]))[0]
        count, promoted, days = tallies[key]
        out.append((key, label, count, promoted, days, hide))
    return out
