"""Team heatmap: one row per person (someone the viewer may see the progress of), one column
per area; each cell is the agreed coverage of the person's level in that area (and toward the
next level) from their latest closed check-in. The row of means is a group figure, and is
withheld like any other."""

from __future__ import annotations

from django.urls import reverse

from .. import charts
from ..models import Standing
from ..privacy import withheld
from ..report import Cell, Chart, Report, Table, percent
from .common import Context

PAGE_SIZE = 100
FIXED_SORTS = ("name", "level", "closed", "at", "next")


def _share(covered: int, applicable: int) -> float | None:
    return covered / applicable if applicable else None


def _heat(share: float | None) -> str:
    return "" if share is None else f"heat-{round(share * 10)}"


def build(ctx: Context) -> Report:
    areas = ctx.areas()
    sort = ctx.choice("sort", [*FIXED_SORTS, *(f"area:{slug}" for slug, _ in areas)], "name")
    descending = ctx.choice("dir", ["asc", "desc"], "asc") == "desc"
    page = ctx.whole("page", 1, 1, 100_000)
    rows = list(ctx.population.restrict(Standing.objects.all()).values_list(
        "person_id", "person__name", "family_slug", "level_slug", "closed_on", "share_at",
        "share_next", "areas"))
    unfiltered = ctx.population.restrict(Standing.objects.all(), filtered=False).count() \
        if ctx.filtered else None

    def key(row):
        if sort == "name":
            return (row[1].casefold(),)
        if sort == "level":
            return (row[3], row[1].casefold())
        if sort == "closed":
            return (row[4], row[1].casefold())
        if sort in ("at", "next"):
            value = row[5] if sort == "at" else row[6]
            return (value is None, value or 0.0, row[1].casefold())
        covered, applicable, *_ = row[7].get(sort[5:], (0, 0))
        share = _share(covered, applicable)
        return (share is None, share or 0.0, row[1].casefold())

    rows.sort(key=key, reverse=descending)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows if ctx.export else rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]

    table = Table("Coverage per person and area", [
        "Person", "Level", "Closed on", "At level", "Toward next",
        *(name for _slug, name in areas)], sortable=True,
        caption=("" if ctx.export else f"Page {page} of {pages}: ")
        + f"{len(rows)} people with a closed check-in. Each area reads as coverage at the "
        "person's level, then toward the next level.",
        empty="Nobody here has a closed check-in yet.")
    table.sort_keys = [*FIXED_SORTS, *(f"area:{slug}" for slug, _ in areas)]
    table.sorted_by, table.descending, table.page, table.pages = sort, descending, page, pages
    for pk, name, family, level, closed_on, at, following, by_area in shown:
        cells = [Cell(name, name, href=reverse("checkins:progress", args=[pk])),
                 Cell(ctx.level_label(family, level), level),
                 Cell(closed_on.isoformat(), closed_on.isoformat()), percent(at),
                 percent(following)]
        for slug, _name in areas:
            c_at, a_at, c_next, a_next = by_area.get(slug, (0, 0, 0, 0))
            share = _share(c_at, a_at)
            text = "—" if share is None else f"{round(share * 100)}%"
            if a_next:
                text += f" → {round(100 * c_next / a_next)}%"
            cells.append(Cell(text, None if share is None else round(share * 100),
                              css=_heat(share)))
        table.rows.append(cells)

    # The means row: every area is its own figure, over the people it applies to.
    report = Report("heatmap", "Team heatmap", "Agreed coverage from each person's latest "
                    "closed check-in, at the level it was made at.", [table])
    unfiltered_areas = _area_counts(ctx, filtered=False) if ctx.filtered else {}
    groups, means = [], {}
    groups.append(ctx.nested("everyone", len(rows), unfiltered))
    for slug, _name in areas:
        counted = [(r[7][slug][0], r[7][slug][1]) for r in rows
                   if slug in r[7] and r[7][slug][1]]
        means[slug] = (len(counted), sum(c / a for c, a in counted) / len(counted)
                       if counted else None)
        groups.append(ctx.nested(("area", slug), len(counted), unfiltered_areas.get(slug, 0)))
    hidden = withheld(groups, ctx.minimum)
    summary = Table("Means over everyone shown", ["Area", "People", "Mean coverage at level"],
                    caption=f"Figures about fewer than {ctx.minimum} people are withheld.")
    for slug, name in areas:
        count, mean = means[slug]
        if ("area", slug) in hidden or "everyone" in hidden:
            summary.rows.append([Cell(name), Cell.hidden(), Cell.hidden()])
            report.withheld += 1
        else:
            summary.rows.append([Cell(name), Cell(str(count), count), percent(mean)])
    report.tables.append(summary)
    chart_items = [(name, round(means[slug][1] * 100)) for slug, name in areas
                   if ("area", slug) not in hidden and "everyone" not in hidden
                   and means[slug][1] is not None]
    if chart_items:
        report.charts.append(Chart("Mean coverage at level per area", charts.bars(
            chart_items, 100, "Mean coverage at level per area", "%"), summary.title))
    if shown and not ctx.export:
        report.charts.insert(0, Chart("Heatmap of this page", charts.grid(
            [r[1] for r in shown], [name for _s, name in areas],
            [[_share(*r[7].get(slug, (0, 0))[:2]) for slug, _n in areas] for r in shown],
            "Coverage at level, people by area"), table.title))
    return report


def _area_counts(ctx: Context, filtered: bool) -> dict[str, int]:
    counts: dict[str, int] = {}
    for by_area in ctx.population.restrict(Standing.objects.all(), filtered=filtered) \
            .values_list("areas", flat=True):
        for slug, row in by_area.items():
            if row[1]:
                counts[slug] = counts.get(slug, 0) + 1
    return counts
