"""Calibration: per reviewer and level, how they rated (the spread over the scale), the mean
gap between self-ratings and theirs, and how strict they are against everyone else at the
same level, each with a 95% interval. An interval clear of zero flags a calibration
conversation; it says nothing about who is right.

Each person counts once, through their latest closed check-in and whoever reviewed it."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count

from .. import charts
from ..models import Standing
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table, interval, number
from ..stats import Moments, difference
from .common import Context


def _rows(ctx: Context, filtered: bool = True):
    return ctx.population.restrict(
        Standing.objects.exclude(reviewer=None).exclude(manager_mean=None), filtered=filtered)


def build(ctx: Context) -> Report:
    scale = list(ctx.framework.scale) if ctx.framework else []
    data = list(_rows(ctx).values_list("reviewer_id", "reviewer__name", "family_slug",
                                       "level_slug", "manager_mean", "gap_mean",
                                       "manager_counts"))
    unfiltered = {}
    if ctx.filtered:
        unfiltered = {(r["family_slug"], r["level_slug"]): r["n"] for r in
                      _rows(ctx, filtered=False).values("family_slug", "level_slug")
                      .annotate(n=Count("pk"))}
    by_level: dict[tuple, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    names = {}
    for reviewer, name, family, level, mean, gap, counts in data:
        by_level[(family, level)][reviewer].append((mean, gap, counts))
        names[reviewer] = name
    groups = []
    for key, reviewers in by_level.items():
        parts = tuple(Group(("reviewer", key, r), len(rows)) for r, rows in reviewers.items())
        total = sum(len(rows) for rows in reviewers.values())
        groups.append(ctx.nested(("level", key), total, unfiltered.get(key), parts))
    hidden = withheld(groups, ctx.minimum)

    report = Report("calibration", "Calibration", "How each reviewer rated their people's "
                    "latest closed check-ins, against everyone else at the same level. Means "
                    f"are on the scale's positions ({' < '.join(scale)}, from 0). Strictness "
                    "below zero means rating lower than others do at that level.")
    levels = Table("Organisation at each level", ["Level", "People", "Mean manager rating",
                                                  "Mean self − manager gap"])
    table = Table("Reviewers", ["Reviewer", "Level", "People", *scale, "Mean rating",
                                "Self − manager gap (95% interval)",
                                "Strictness vs rest of level (95% interval)", "Worth a talk"],
                  caption=f"Figures about fewer than {ctx.minimum} people are withheld, "
                          "and so is the next smallest reviewer when one alone would be "
                          "given away by the level's total.")
    plotted, flagged = [], set()
    for key in sorted(by_level):
        reviewers = by_level[key]
        label = ctx.level_label(*key)
        everyone = Moments()
        everyone_gap = Moments()
        for rows in reviewers.values():
            for mean, gap, _counts in rows:
                everyone.add(mean)
                everyone_gap.add(gap)
        if ("level", key) in hidden:
            levels.rows.append([Cell(label), Cell.hidden(), Cell.hidden(), Cell.hidden()])
            report.withheld += 1
        else:
            levels.rows.append([Cell(label), Cell(str(everyone.n), everyone.n),
                                number(everyone.mean), number(everyone_gap.mean)])
        for reviewer, rows in sorted(reviewers.items(), key=lambda item: names[item[0]]):
            who = names[reviewer]
            if ("reviewer", key, reviewer) in hidden:
                report.withheld += 1
                continue  # not even the reviewer's name: its absence tells nothing new
            mine, mine_gap = Moments(), Moments()
            spread = defaultdict(int)
            for mean, gap, counts in rows:
                mine.add(mean)
                mine_gap.add(gap)
                for rated, count in counts.items():
                    spread[rated] += count
            strictness = difference(mine, everyone - mine)  # against the rest of the level
            total = sum(spread.values()) or 1
            talk = strictness is not None and strictness.excludes_zero
            table.rows.append([
                Cell(who), Cell(label), Cell(str(mine.n), mine.n),
                *(Cell(f"{round(100 * spread[s] / total)}%", round(100 * spread[s] / total))
                  for s in scale),
                number(mine.mean), interval(mine_gap.estimate()), interval(strictness),
                Cell("yes" if talk else "", "yes" if talk else "",
                     css="badge badge--warning" if talk else "")])
            if strictness is not None:
                name = f"{who}, {label}"
                plotted.append((name, strictness.value, strictness.low, strictness.high))
                if talk:
                    flagged.add(name)
    withheld_reviewers = sum(1 for key in hidden if key[0] == "reviewer")
    if withheld_reviewers:
        report.notes.append("Some reviewers are left out: they reviewed fewer people than the "
                            "minimum, or one of them alone could be worked out from a total.")
    report.tables += [levels, table]
    if plotted:
        report.charts.append(Chart("Strictness against the rest of the level", charts.intervals(
            plotted, "Strictness against the rest of the level, 95% intervals", flagged),
            table.title))
    return report
