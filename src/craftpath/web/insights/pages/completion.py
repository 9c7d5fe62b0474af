"""Check-in completion: per quarter, the people who started a check-in and how far it has
gone (each person counted once per quarter, at the furthest stage they reached).

The seam for review cycles: `stages_by_period` is the one function that groups check-ins into
periods. Today a period is the calendar quarter a check-in was started in; once cycles exist,
it groups by cycle instead and nothing else here changes."""

from __future__ import annotations

from django.db import connection

from .. import charts
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table
from .common import Context

STAGES = ("not submitted", "one side submitted", "both submitted", "closed")
STAGE_SQL = ("CASE WHEN c.closed_at IS NOT NULL THEN 3 "
             "WHEN c.self_submitted_at IS NOT NULL AND c.manager_submitted_at IS NOT NULL "
             "THEN 2 WHEN c.self_submitted_at IS NOT NULL OR c.manager_submitted_at IS NOT NULL "
             "THEN 1 ELSE 0 END")


def _quarter_sql() -> str:
    if connection.vendor == "postgresql":
        return ("(EXTRACT(YEAR FROM c.started_at AT TIME ZONE 'UTC')::int || '-Q' || "
                "EXTRACT(QUARTER FROM c.started_at AT TIME ZONE 'UTC')::int)")
    return ("(strftime('%Y', c.started_at) || '-Q' || "
            "((CAST(strftime('%m', c.started_at) AS INTEGER) + 2) / 3))")


def stages_by_period(people, since) -> dict[str, list[int]]:
    """Period → people at each stage (STAGES order). `people` is a queryset of people or None
    for everyone; `since` the first moment counted."""
    from craftpath.web.checkins.models import CheckIn

    if connection.vendor == "sqlite":
        since = since.replace(tzinfo=None)  # stored as naive UTC text there
    where, params = "c.started_at >= %s", [since]
    if people is not None:
        inner, inner_params = people.values("pk").query.sql_with_params()
        where += f" AND c.person_id IN ({inner})"
        params += list(inner_params)
    sql = (f"SELECT period, stage, COUNT(*) FROM (SELECT c.person_id, {_quarter_sql()} AS "
           f"period, MAX({STAGE_SQL}) AS stage FROM {CheckIn._meta.db_table} c WHERE {where} "
           "GROUP BY c.person_id, period) furthest GROUP BY period, stage")
    found: dict[str, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for period, stage, count in cursor.fetchall():
            found.setdefault(period, [0] * len(STAGES))[stage] = count
    return found


def _start_of(quarter: str):
    from datetime import UTC, datetime

    year, q = quarter.split("-Q")
    return datetime(int(year), 3 * (int(q) - 1) + 1, 1, tzinfo=UTC)


def build(ctx: Context) -> Report:
    count = int(ctx.choice("quarters", ["4", "8", "12", "20"], "8"))
    quarters = ctx.quarters(count)
    since = _start_of(quarters[0])
    found = stages_by_period(ctx.population.people(), since)
    unfiltered = stages_by_period(ctx.population.people(filtered=False), since) \
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
