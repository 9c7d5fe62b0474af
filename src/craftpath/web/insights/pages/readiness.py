"""Readiness pipeline: per level, the people whose latest agreed ratings cover at least the
threshold (set by the people team) of the next level, with how long they have been at their
level. A list for conversations, not a verdict; the rate per level is a group figure."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from .. import charts
from ..models import Standing
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table, percent
from ..stats import proportion
from .common import Context

LISTED = 200  # names per page; the export has everyone


def _months(since, today) -> int | None:
    if since is None:
        return None
    return (today.year - since.year) * 12 + today.month - since.month


def build(ctx: Context) -> Report:
    threshold = ctx.threshold
    rows = ctx.population.restrict(Standing.objects.exclude(share_next=None))
    data = list(rows.values_list("person_id", "person__name", "person__level_since",
                                 "family_slug", "level_slug", "share_next", "closed_on"))
    unfiltered = {}
    if ctx.filtered:
        for family, level in ctx.population.restrict(Standing.objects.exclude(
                share_next=None), filtered=False).values_list("family_slug", "level_slug"):
            unfiltered[(family, level)] = unfiltered.get((family, level), 0) + 1
    by_level = defaultdict(list)
    for row in data:
        by_level[(row[3], row[4])].append(row)
    groups = []
    for key, people in by_level.items():
        ready = sum(1 for r in people if r[5] >= threshold)
        # Ready and not ready split the level: both are shown, so both are parts.
        groups.append(ctx.nested(("level", key), len(people), unfiltered.get(key), (
            Group(("ready", key), ready), Group(("not ready", key), len(people) - ready))))
    hidden = withheld(groups, ctx.minimum)
    report = Report("readiness", "Readiness pipeline", f"People whose latest agreed ratings "
                    f"cover at least {round(threshold * 100)}% of the next level's applicable "
                    "statements (the people team sets the threshold). Coverage is a "
                    "conversation aid, never a verdict.")
    summary = Table("Per level", ["Level", "People", "Past the threshold",
                                  "Share (95% interval)"])
    people_table = Table("Conversation list", ["Person", "Level", "Toward next",
                                               "Months at level", "Latest check-in"],
                         caption="Highest coverage of the next level first.")
    listed = []
    chart_items = []
    for key in sorted(by_level):
        people = by_level[key]
        label = ctx.level_label(*key)
        ready = [r for r in people if r[5] >= threshold]
        listed += [(r, label) for r in ready]
        if ("level", key) in hidden or ("ready", key) in hidden:
            summary.rows.append([Cell(label), Cell.hidden(), Cell.hidden(), Cell.hidden()])
            report.withheld += 1
            continue
        share = proportion(len(ready), len(people))
        summary.rows.append([
            Cell(label), Cell(str(len(people)), len(people)), Cell(str(len(ready)), len(ready)),
            Cell(f"{round(100 * share.value)}% ({round(100 * share.low)}–"
                 f"{round(100 * share.high)}%)", round(100 * share.value))])
        chart_items.append((label, round(100 * share.value)))
    listed.sort(key=lambda item: (-item[0][5], item[0][1].casefold()))
    if not ctx.export and len(listed) > LISTED:
        people_table.more = len(listed) - LISTED
        listed = listed[:LISTED]
    today = timezone.localdate()
    for (pk, name, since, _family, _level, share, closed_on), label in listed:
        months = _months(since, today)
        people_table.rows.append([
            Cell(name, name, href=ctx.progress_url(pk)), Cell(label),
            percent(share), Cell("unknown" if months is None else str(months), months),
            Cell(closed_on.isoformat(), closed_on.isoformat())])
    report.tables += [summary, people_table]
    if chart_items:
        report.charts.append(Chart("Share past the threshold per level", charts.bars(
            chart_items, 100, "Share past the readiness threshold per level", "%"),
            summary.title))
    return report
