"""Check-in completion: per quarter, the people who started a check-in and how far it has
gone (each person counted once per quarter, at the furthest stage they reached).

The seam for review cycles: `stages_by_period` is the one function that groups check-ins into
periods. Today a period is the calendar quarter a check-in was started in; once cycles exist,
it groups by cycle instead (and ClosedStart keeps cycles beside quarters), and nothing else
here changes."""

from __future__ import annotations

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)

from craftpath.web.checkins.models import CheckIn

from .. import charts
from ..models import ClosedStart
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table
from .common import Context

STAGES = ("not submitted", "one side submitted", "both submitted", "closed")
CLOSED = len(STAGES) - 1


def _period(periods: list[tuple[str, object]]):
    """The name of the period a check-in started in, by comparing its start with the periods'
    first moments: plain comparisons, no date functions on every row."""
    following = [When(started_at__lt=start, then=Value(name))
                 for (name, _start), (_next, start) in zip(periods, periods[1:], strict=False)]
    last = Value(periods[-1][0], output_field=CharField())
    return Case(*following, default=last, output_field=CharField()) if following else last


OPEN_STAGE = Case(
    When(self_submitted_at__isnull=False, manager_submitted_at__isnull=False, then=Value(2)),
    When(Q(self_submitted_at__isnull=False) | Q(manager_submitted_at__isnull=False),
         then=Value(1)),
    default=Value(0), output_field=IntegerField())


def stages_by_period(population, periods: list[tuple[str, object]],
                     filtered: bool = True) -> dict[str, list[int]]:
    """Period → people at each stage (STAGES order), each person once per period at the
    furthest stage of the check-ins they started in it. `periods`: (name, first moment) of
    each period, oldest first, named as aggregates.quarter_of names them.

    A closed check-in is as far as one goes, so the closed people per period are counted from
    ClosedStart (kept on close); a person has at most one open check-in, so the open ones are
    read live (from the index on open check-ins) and count where their person closed nothing
    started in the same period."""
    names = [name for name, _start in periods]
    found = {name: [0] * len(STAGES) for name in names}
    closed = population.restrict(ClosedStart.objects.filter(quarter__in=names),
                                 filtered=filtered)
    for quarter, count in closed.order_by().values("quarter").annotate(
            n=Count("*")).values_list("quarter", "n"):
        found[quarter][CLOSED] = count
    opened = population.restrict(CheckIn.objects.filter(
        closed_at=None, started_at__gte=periods[0][1]), filtered=filtered).annotate(
        period=_period(periods), stage=OPEN_STAGE).filter(~Exists(ClosedStart.objects.filter(
            person_id=OuterRef("person_id"), quarter=OuterRef("period"))))
    for period, stage, count in opened.order_by().values("period", "stage").annotate(
            n=Count("*")).values_list("period", "stage", "n"):
        found[period][stage] += count
    return {name: stages for name, stages in found.items() if any(stages)}


def _start_of(quarter: str):
    from datetime import UTC, datetime

    year, q = quarter.split("-Q")
    return datetime(int(year), 3 * (int(q) - 1) + 1, 1, tzinfo=UTC)


def build(ctx: Context) -> Report:
    count = int(ctx.choice("quarters", ["4", "8", "12", "20"], "8"))
    quarters = ctx.quarters(count)
    periods = [(quarter, _start_of(quarter)) for quarter in quarters]
    found = stages_by_period(ctx.population, periods)
    unfiltered = stages_by_period(ctx.population, periods, filtered=False) \
        if ctx.filtered else {}
    groups = []
    for quarter in quarters:
        stages = found.get(quarter, [0] * len(STAGES))
        parts = [Group(("stage", quarter, i), n) for i, n in enumerate(stages)]
        groups.append(ctx.nested(("quarter", quarter), sum(stages),
                                 sum(unfiltered.get(quarter, [])), parts))
    hidden = withheld(groups, ctx.minimum)
    report = Report("completion", "Check-in completion", "People who started a check-in in "
                    "each quarter, by the furthest stage it has reached.")
    report.selectors.append(("quarters", "Quarters", [(n, n) for n in ("4", "8", "12", "20")],
                             str(count)))
    table = Table("Per quarter", ["Quarter", "People", *(s.capitalize() for s in STAGES),
                                  "Closed share"])
    plotted = []
    for quarter in quarters:
        stages = found.get(quarter, [0] * len(STAGES))
        total = sum(stages)
        if ("quarter", quarter) in hidden:
            table.rows.append([Cell(quarter)] + [Cell.hidden()] * (len(STAGES) + 2))
            report.withheld += 1
            plotted.append(None)
            continue
        cells = [Cell(quarter), Cell(str(total), total)]
        for i, n in enumerate(stages):
            if ("stage", quarter, i) in hidden:
                cells.append(Cell.hidden())
                report.withheld += 1
            else:
                cells.append(Cell(str(n), n))
        closed_hidden = ("stage", quarter, 3) in hidden
        share = round(100 * stages[3] / total) if total and not closed_hidden else None
        cells.append(Cell.hidden() if closed_hidden else
                     Cell("—" if share is None else f"{share}%", share))
        plotted.append(share)
        table.rows.append(cells)
    report.tables.append(table)
    if any(v is not None for v in plotted):
        report.charts.append(Chart("Share closed per quarter", charts.lines(
            quarters, {"closed": plotted}, "Share of started check-ins closed, per quarter"),
            table.title))
    return report
