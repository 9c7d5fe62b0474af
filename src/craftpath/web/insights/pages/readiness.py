"""Readiness pipeline: per level, the people whose latest agreed ratings cover at least the
threshold (set by the people team) of the next level, with how long they have been at their
level. A list for conversations, not a verdict; the rate per level is a group figure."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from .. import charts
from ..models import Standing
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table, day, percent
from ..stats import proportion
from .common import Context

LISTED = 200  # names per page; the export has everyone


def _months(since, today) -> int | None:
    if since is None:
        return None
    return (today.year - since.year) * 12 + today.month - since.month


def _rows(ctx: Context, filtered: bool = True):
    return ctx.population.restrict(Standing.objects.exclude(share_next=None), filtered=filtered)


def build(ctx: Context) -> Report:
    threshold = ctx.threshold
    # (people, ready) per level, counted in the database.
    by_level = {(family, level): (n, ready) for family, level, n, ready in _rows(ctx).order_by()
                .values("family_slug", "level_slug").annotate(
                    n=Count("*"), ready=Count("pk", filter=Q(share_next__gte=threshold)))
                .values_list("family_slug", "level_slug", "n", "ready")}
    unfiltered = {}
    if ctx.filtered:
        unfiltered = {(r["family_slug"], r["level_slug"]): r["n"] for r in
                      _rows(ctx, filtered=False).order_by().values("family_slug", "level_slug")
                      .annotate(n=Count("*"))}
    groups = []
    for key, (n, ready) in by_level.items():
        # Ready and not ready split the level: both are shown, so both are parts.
        groups.append(ctx.nested(("level", key), n, unfiltered.get(key), (
            Group(("ready", key), ready), Group(("not ready", key), n - ready))))
    hidden = withheld(groups, ctx.minimum)
    report = Report("readiness", "Readiness pipeline", f"People whose latest agreed ratings "
                    f"cover at least {round(threshold * 100)}% of the next level's applicable "
                    "statements (the people team sets the threshold). Coverage is a "
                    "conversation aid, never a verdict.")
    summary = Table("Per level", ["Level", "People", "Past the threshold",
                                  "Share (95% interval)"])
    people_table = Table("Conversation list", ["Person", "Level", "Toward next",
                                               "Months at level", "Latest check-in"],
                         caption="Highest coverage of the next level first.",
                         empty=f"Nobody here is past the threshold yet: no one's latest "
                               f"agreed ratings cover {round(threshold * 100)}% of the next "
                               "level.")
    chart_items = []
    for key in sorted(by_level):
        n, ready = by_level[key]
        label = ctx.level_label(*key)
        if ("level", key) in hidden or ("ready", key) in hidden:
            summary.rows.append([Cell(label), Cell.hidden(), Cell.hidden(), Cell.hidden()])
            report.withheld += 1
            continue
        share = proportion(ready, n)
        summary.rows.append([
            Cell(label), Cell(str(n), n), Cell(str(ready), ready),
            Cell(f"{round(100 * share.value)}% ({round(100 * share.low)}–"
                 f"{round(100 * share.high)}%)", round(100 * share.value))])
        chart_items.append((label, round(100 * share.value)))
    # The list names people the viewer may see anyway, at every level, hidden figures or not;
    # the database sorts it and cuts it to a page.
    listed = _rows(ctx).filter(share_next__gte=threshold).order_by(
        "-share_next", Lower("person__name"), "person_id").values_list(
        "person_id", "person__name", "person__level_since", "family_slug", "level_slug",
        "share_next", "closed_on")
    if not ctx.export:
        everyone_ready = sum(ready for _n, ready in by_level.values())
        people_table.more = max(0, everyone_ready - LISTED)
        listed = listed[:LISTED]
    today = timezone.localdate()
    for pk, name, since, family, level, share, closed_on in listed:
        months = _months(since, today)
        people_table.rows.append([
            Cell(name, name, href=ctx.progress_url(pk)), Cell(ctx.level_label(family, level)),
            percent(share), Cell("unknown" if months is None else str(months), months),
            Cell(day(closed_on), closed_on.isoformat())])
    report.tables += [summary, people_table]
    if chart_items:
        report.charts.append(Chart("Share past the threshold per level", charts.bars(
            chart_items, 100, "Share past the readiness threshold per level", "%"),
            summary.title))
    return report
