"""Calibration: per reviewer and level, how they rated (the spread over the scale), the mean
gap between self-ratings and theirs, and how strict they are against everyone else at the
same level, each with a 95% interval. An interval clear of zero flags a calibration
conversation; it says nothing about who is right.

Each person counts once, through their latest closed check-in and whoever reviewed it."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Sum

from craftpath.web.accounts.models import User

from .. import charts
from ..models import Standing, StandingRating
from ..population import ids_sql
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table, interval, number
from ..stats import Moments, difference
from .common import Context

PAGE_SIZE = 100  # reviewers (per level) on a page


def _rows(ctx: Context, filtered: bool = True):
    return ctx.population.restrict(
        Standing.objects.exclude(reviewer=None).exclude(manager_mean=None), filtered=filtered)


def _reviewers(ctx: Context) -> dict[tuple, dict[int, tuple[Moments, Moments]]]:
    """(family, level) → reviewer → (moments of their people's mean manager rating, moments
    of their self − manager gaps), added up in the database: one row per reviewer and
    level, whatever the number of people."""
    found: dict[tuple, dict[int, tuple[Moments, Moments]]] = defaultdict(dict)
    for family, level, reviewer, n, total, squares, gaps, gap_total, gap_squares in (
            _rows(ctx).order_by().values("family_slug", "level_slug", "reviewer_id")
            .annotate(n=Count("*"), total=Sum("manager_mean"),
                      squares=Sum(F("manager_mean") * F("manager_mean")),
                      gaps=Count("gap_mean"), gap_total=Sum("gap_mean"),
                      gap_squares=Sum(F("gap_mean") * F("gap_mean")))
            .values_list("family_slug", "level_slug", "reviewer_id", "n", "total", "squares",
                         "gaps", "gap_total", "gap_squares")):
        found[(family, level)][reviewer] = (Moments(n, total, squares),
                                            Moments(gaps, gap_total or 0.0, gap_squares or 0.0))
    return found


def _spreads(ctx: Context) -> dict[tuple, dict[str, int]]:
    """(family, level, reviewer) → scale label → statements rated so."""
    found: dict[tuple, dict[str, int]] = defaultdict(dict)
    rows = ctx.population.restrict(StandingRating.objects.all())
    for family, level, reviewer, label, count in rows.order_by().values(
            "family_slug", "level_slug", "reviewer_id", "label").annotate(
            n=Sum("count")).values_list("family_slug", "level_slug", "reviewer_id", "label",
                                        "n"):
        found[(family, level, reviewer)][label] = count
    return found


def build(ctx: Context) -> Report:
    scale = list(ctx.framework.scale) if ctx.framework else []
    by_level = _reviewers(ctx)
    unfiltered = {}
    if ctx.filtered:
        unfiltered = {(r["family_slug"], r["level_slug"]): r["n"] for r in
                      _rows(ctx, filtered=False).order_by().values("family_slug", "level_slug")
                      .annotate(n=Count("*"))}
    names = dict(User.objects.filter(pk__in=ids_sql(sorted(  # one parameter, not thousands
        {r for reviewers in by_level.values() for r in reviewers}))).values_list("pk", "name"))
    groups = []
    for key, reviewers in by_level.items():
        parts = tuple(Group(("reviewer", key, r), m[0].n) for r, m in reviewers.items())
        total = sum(m[0].n for m in reviewers.values())
        groups.append(ctx.nested(("level", key), total, unfiltered.get(key), parts))
    hidden = withheld(groups, ctx.minimum)
    spreads = _spreads(ctx)

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
    plotted, flagged, shown = [], set(), []
    for key in sorted(by_level):
        reviewers = by_level[key]
        label = ctx.level_label(*key)
        everyone, everyone_gap = Moments(), Moments()
        for mine, mine_gap in reviewers.values():
            everyone, everyone_gap = everyone + mine, everyone_gap + mine_gap
        if ("level", key) in hidden:
            levels.rows.append([Cell(label), Cell.hidden(), Cell.hidden(), Cell.hidden()])
            report.withheld += 1
        else:
            levels.rows.append([Cell(label), Cell(str(everyone.n), everyone.n),
                                number(everyone.mean), number(everyone_gap.mean)])
        for reviewer, (mine, mine_gap) in sorted(reviewers.items(),
                                                 key=lambda item: names[item[0]]):
            if ("reviewer", key, reviewer) in hidden:
                report.withheld += 1
                continue  # not even the reviewer's name: its absence tells nothing new
            shown.append((key, label, reviewer, mine, mine_gap, everyone))
    withheld_reviewers = sum(1 for key in hidden if key[0] == "reviewer")
    if withheld_reviewers:
        report.notes.append("Some reviewers are left out: they reviewed fewer people than the "
                            "minimum, or one of them alone could be worked out from a total.")
        table.empty = (f"Every reviewer here reviewed fewer than {ctx.minimum} people, or would "
                       "be given away by a total, so none is shown.")
    if not ctx.export:  # a page of reviewers (and their chart); the export has them all
        page = ctx.whole("page", 1, 1, 100_000)
        table.pages = max(1, -(-len(shown) // PAGE_SIZE))
        table.page = min(page, table.pages)
        shown = shown[(table.page - 1) * PAGE_SIZE:table.page * PAGE_SIZE]
        if table.pages > 1:
            table.caption += f" Page {table.page} of {table.pages}."
    for key, label, reviewer, mine, mine_gap, everyone in shown:  # rows only for these
        who = names[reviewer]
        spread = defaultdict(int, spreads.get((*key, reviewer), {}))
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
        name = f"{who}, {label}"
        plotted.append(None if strictness is None else
                       (name, strictness.value, strictness.low, strictness.high))
        if talk:
            flagged.add(name)
    plotted = [item for item in plotted if item is not None]
    report.tables += [levels, table]
    if plotted:
        report.charts.append(Chart("Strictness against the rest of the level", charts.intervals(
            plotted, "Strictness against the rest of the level, 95% intervals", flagged),
            table.title))
    return report
