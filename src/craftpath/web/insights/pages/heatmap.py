"""Team heatmap: one row per person (someone the viewer may see the progress of), one column
per area; each cell is the agreed coverage of the person's level in that area (and toward the
next level) from their latest closed check-in. The row of means is a group figure, and is
withheld like any other."""

from __future__ import annotations

from django.db.models import Avg, Count, F, OuterRef, Subquery
from django.db.models.functions import Lower

from .. import charts
from ..models import Standing, StandingArea
from ..privacy import withheld
from ..report import Cell, Chart, Report, Table, day, percent
from .common import Context

PAGE_SIZE = 100
FIXED_SORTS = ("name", "level", "closed", "at", "next")


def _share(covered: int, applicable: int) -> float | None:
    return covered / applicable if applicable else None


def _heat(share: float | None) -> str:
    return "" if share is None else f"heat-{round(share * 10)}"


def _ordering(sort: str, descending: bool, rows):
    """(rows annotated as needed, order_by terms): sorting happens in the database, so a
    page of 100 people costs the same whatever the organisation's size."""
    name = Lower("person__name")
    if sort.startswith("area:"):
        rows = rows.annotate(area_share=Subquery(StandingArea.objects.filter(
            person_id=OuterRef("person_id"), area_slug=sort[5:]).values("share")[:1]))
        first = F("area_share")
    else:
        first = {"name": name, "level": F("level_slug"), "closed": F("closed_on"),
                 "at": F("share_at"), "next": F("share_next")}[sort]
    first = first.desc(nulls_last=True) if descending else first.asc(nulls_last=True)
    return rows, [first, name, "person_id"]


def build(ctx: Context) -> Report:
    areas = ctx.areas()
    sort = ctx.choice("sort", [*FIXED_SORTS, *(f"area:{slug}" for slug, _ in areas)], "name")
    descending = ctx.choice("dir", ["asc", "desc"], "asc") == "desc"
    page = ctx.whole("page", 1, 1, 100_000)
    standings = ctx.population.restrict(Standing.objects.all())
    total = standings.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    standings, order = _ordering(sort, descending, standings)
    shown = standings.order_by(*order).values_list(
        "person_id", "person__name", "family_slug", "level_slug", "closed_on", "share_at",
        "share_next", "areas")
    shown = list(shown if ctx.export else shown[(page - 1) * PAGE_SIZE: page * PAGE_SIZE])

    table = Table("Coverage per person and area", [
        "Person", "Level", "Closed on", "At level", "Toward next",
        *(name for _slug, name in areas)], sortable=True,
        caption=("" if ctx.export else f"Page {page} of {pages}: ")
        + f"{total} people with a closed check-in. Each area reads as coverage at the "
        "person's level, then toward the next level.",
        empty="Nobody here has a closed check-in yet.")
    table.sort_keys = [*FIXED_SORTS, *(f"area:{slug}" for slug, _ in areas)]
    table.sorted_by, table.descending, table.page, table.pages = sort, descending, page, pages
    for pk, name, family, level, closed_on, at, following, by_area in shown:
        cells = [Cell(name, name, href=ctx.progress_url(pk)),
                 Cell(ctx.level_label(family, level), level),
                 Cell(day(closed_on), closed_on.isoformat()), percent(at),
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
    means = _area_means(ctx, filtered=True)
    unfiltered = _area_means(ctx, filtered=False) if ctx.filtered else {}
    groups = [ctx.nested("everyone", total, ctx.population.restrict(
        Standing.objects.all(), filtered=False).count() if ctx.filtered else None)]
    for slug, _name in areas:
        groups.append(ctx.nested(("area", slug), means.get(slug, (0, None))[0],
                                 unfiltered.get(slug, (0, None))[0]))
    hidden = withheld(groups, ctx.minimum)
    summary = Table("Means over everyone shown", ["Area", "People", "Mean coverage at level"],
                    caption=f"Figures about fewer than {ctx.minimum} people are withheld.")
    chart_items = []
    for slug, name in areas:
        count, mean = means.get(slug, (0, None))
        if ("area", slug) in hidden or "everyone" in hidden:
            summary.rows.append([Cell(name), Cell.hidden(), Cell.hidden()])
            report.withheld += 1
            continue
        summary.rows.append([Cell(name), Cell(str(count), count), percent(mean)])
        if mean is not None:
            chart_items.append((name, round(mean * 100)))
    report.tables.append(summary)
    if chart_items:
        report.charts.append(Chart("Mean coverage at level per area", charts.bars(
            chart_items, 100, "Mean coverage at level per area", "%"), summary.title))
    if shown and not ctx.export:
        report.charts.insert(0, Chart("Heatmap of this page", charts.grid(
            [r[1] for r in shown], [name for _s, name in areas],
            [[_share(*r[7].get(slug, (0, 0))[:2]) for slug, _n in areas] for r in shown],
            "Coverage at level, people by area"), table.title))
    return report


def _area_means(ctx: Context, filtered: bool) -> dict[str, tuple[int, float | None]]:
    rows = ctx.population.restrict(StandingArea.objects.all(), filtered=filtered)
    return {r["area_slug"]: (r["n"], r["mean"]) for r in
            rows.values("area_slug").annotate(n=Count("*"), mean=Avg("share"))}
