"""Trends over quarters: coverage of each area at the person's level, and the spread of agreed
ratings, from each person's last check-in closed in each quarter. Each quarter and each area
of a quarter is its own group for the minimum-size rule.

The sums come from QuarterTally (kept when check-ins close, per organisation at the time,
family and level: a few dozen rows for any organisation), so a manager's trends count the
people who were in their organisation then, and the level and family filters are those of
the check-ins. Filters by team or track (which are
today's) add up the people's own quarter results instead, which reads more rows."""

from __future__ import annotations

from django.db.models import Avg, Count, Sum

from .. import charts
from ..models import AreaResult, QuarterResult, QuarterTally, RatingCount
from ..privacy import withheld
from ..report import Cell, Chart, Report, Table, percent
from .common import Context


def _people(ctx, filtered, quarters):
    rows = ctx.population.restrict(QuarterResult.objects.filter(quarter__in=quarters),
                                   filtered=filtered)
    return {r["quarter"]: (r["n"], r["share"]) for r in rows.values("quarter").annotate(
        n=Count("*"), share=Avg("share_at"))}


def _areas(ctx, filtered, quarters):
    rows = ctx.population.restrict(AreaResult.objects.filter(quarter__in=quarters),
                                   filtered=filtered)
    return {(r["quarter"], r["area_slug"]): (r["n"], r["covered"], r["applicable"])
            for r in rows.values("quarter", "area_slug").annotate(
                n=Count("*"), covered=Sum("covered"), applicable=Sum("applicable"))}


def _tallied(ctx, filtered, quarters):
    """(people, areas, ratings) as _people, _areas and the ratings sum give them, from the
    tallies kept when check-ins close."""
    people, areas, ratings = {}, {}, {}
    rows = ctx.population.restrict_tallies(QuarterTally.objects.filter(quarter__in=quarters),
                                           filtered=filtered)
    for quarter, kind, key, n, covered, applicable, share_sum, shares, count in rows.values(
            "quarter", "kind", "key").annotate(
            n=Sum("people"), covered_=Sum("covered"), applicable_=Sum("applicable"),
            share_sum_=Sum("share_sum"), shares_=Sum("shares"), count_=Sum("count")) \
            .values_list("quarter", "kind", "key", "n", "covered_", "applicable_",
                         "share_sum_", "shares_", "count_"):
        if kind == "all":
            people[quarter] = (n, share_sum / shares if shares else None)
        elif kind == "area":
            areas[(quarter, key)] = (n, covered, applicable)
        elif kind == "rating":
            ratings[(quarter, key)] = count
    return people, areas, ratings


def build(ctx: Context) -> Report:
    count = int(ctx.choice("quarters", ["4", "8", "12", "20"], "8"))
    quarters = ctx.quarters(count)
    areas = ctx.areas()
    scale = list(ctx.framework.scale) if ctx.framework else []
    if ctx.population.tallies_answer:
        people, by_area, ratings = _tallied(ctx, True, quarters)
        base_people, base_areas, _ = _tallied(ctx, False, quarters) if ctx.filtered \
            else ({}, {}, {})
    else:  # team and track are today's, so those filters read the people's own results
        people = _people(ctx, True, quarters)
        by_area = _areas(ctx, True, quarters)
        ratings = {(r["quarter"], r["label"]): r["count"] for r in ctx.population.restrict(
            RatingCount.objects.filter(quarter__in=quarters)).values("quarter", "label")
            .annotate(count=Sum("count"))}
        base_people = _people(ctx, False, quarters)
        base_areas = _areas(ctx, False, quarters)
    groups = []
    for q in quarters:
        groups.append(ctx.nested(("quarter", q), people.get(q, (0, None))[0],
                                 base_people.get(q, (0, None))[0]))
        for slug, _name in areas:
            groups.append(ctx.nested(("area", q, slug), by_area.get((q, slug), (0, 0, 0))[0],
                                     base_areas.get((q, slug), (0, 0, 0))[0]))
    hidden = withheld(groups, ctx.minimum)

    report = Report("trends", "Trends", "Coverage at level per area, and how agreed ratings "
                    "spread over the scale, quarter by quarter.")
    report.selectors.append(("quarters", "Quarters", [(n, n) for n in ("4", "8", "12", "20")],
                             str(count)))
    coverage = Table("Coverage at level per area", ["Quarter", "People", "All areas",
                                                    *(name for _s, name in areas)],
                     caption="Agreed coverage of the level of each check-in: covered "
                             "statements over applicable ones, summed over the people.")
    spread = Table("Agreed ratings", ["Quarter", "People", *scale],
                   caption="Share of agreed ratings at each point of the scale.")
    area_series = {name: [] for _s, name in areas}
    rating_series = {label: [] for label in scale}
    for q in quarters:
        n, share = people.get(q, (0, None))
        if ("quarter", q) in hidden:
            coverage.rows.append([Cell(q), Cell.hidden(), Cell.hidden()]
                                 + [Cell.hidden()] * len(areas))
            spread.rows.append([Cell(q), Cell.hidden()] + [Cell.hidden()] * len(scale))
            report.withheld += 2
            for series in (*area_series.values(), *rating_series.values()):
                series.append(None)
            continue
        row = [Cell(q), Cell(str(n), n), percent(share)]
        for slug, name in areas:
            _count, covered, applicable = by_area.get((q, slug), (0, 0, 0))
            if ("area", q, slug) in hidden:
                row.append(Cell.hidden())
                report.withheld += 1
                area_series[name].append(None)
            else:
                value = covered / applicable if applicable else None
                row.append(percent(value))
                area_series[name].append(None if value is None else round(100 * value))
        coverage.rows.append(row)
        total = sum(ratings.get((q, label), 0) for label in scale)
        cells = [Cell(q), Cell(str(n), n)]
        for label in scale:
            value = ratings.get((q, label), 0) / total if total else None
            cells.append(percent(value))
            rating_series[label].append(None if value is None else round(100 * value))
        spread.rows.append(cells)
    report.tables += [coverage, spread]
    if any(v is not None for series in area_series.values() for v in series):
        report.charts.append(Chart("Coverage per area", charts.lines(
            quarters, area_series, "Coverage at level per area, per quarter (%)"),
            coverage.title))
    if any(v is not None for series in rating_series.values() for v in series):
        report.charts.append(Chart("Agreed ratings", charts.lines(
            quarters, rating_series, "Share of agreed ratings at each scale point (%)"),
            spread.title))
    return report
