"""Coverage gaps and single points of failure: for one level, each statement and area with
how many people's latest agreed ratings cover it. Nobody, or only one person, is the finding;
the one person is named, since the viewer may see their progress anyway."""

from __future__ import annotations

from django.db.models import Count, Min

from craftpath.web.accounts.models import User

from .. import charts
from ..models import Standing, StandingStatement
from ..population import ids_sql
from ..privacy import withheld
from ..report import Cell, Chart, Report, Table
from .common import BadParameter, Context


def _family(ctx: Context):
    if not ctx.framework or not ctx.framework.families:
        raise BadParameter("No framework is published yet.")
    slug = ctx.population.filters.family
    return ctx.framework.find_family(slug) if slug else ctx.framework.families[0]


def build(ctx: Context) -> Report:
    family = _family(ctx)
    levels = [level.slug for level in family.present_levels]
    rows = ctx.population.restrict(Standing.objects.filter(family_slug=family.slug))
    common = rows.values("level_slug").annotate(n=Count("*")).order_by("-n").first()
    default = ctx.population.filters.level or (common["level_slug"] if common else levels[0])
    level = family.find_level(ctx.choice("at", levels, default))
    cells = [(area, family.expectation(area.slug, level.slug)) for track in family.tracks
             for area in track.areas]
    cells = [(area, cell) for area, cell in cells if cell and cell.statements]
    ids = [statement.id for _area, cell in cells for statement in cell.statements]
    # Per statement: how many people cover it, and the lowest id among them (the one
    # person, when there is one), counted in the database.
    coverers, sole = {}, {}
    for sid, n, first in ctx.population.restrict(StandingStatement.objects.filter(
            family_slug=family.slug, statement_id__in=ids)).order_by().values(
            "statement_id").annotate(n=Count("*"), first=Min("person_id")).values_list(
            "statement_id", "n", "first"):
        coverers[sid] = n
        if n == 1:
            sole[sid] = first
    people = rows.count()
    unfiltered = ctx.population.restrict(Standing.objects.filter(family_slug=family.slug),
                                         filtered=False).count() if ctx.filtered else None
    hidden = withheld([ctx.nested("group", people, unfiltered)], ctx.minimum)
    report = Report("gaps", f"Coverage gaps at {level.label}",
                    f"{family.name}: how many people's latest agreed ratings cover each "
                    f"statement of {level.label}. The people counted are those with a closed "
                    "check-in in this family, at any level.")
    report.selectors.append(("at", "Level", [(lv.slug, lv.label) for lv in
                                             family.present_levels], level.slug))
    areas = Table("Areas", ["Area", "Statements", "Covered by nobody", "Covered by one person"],
                  caption=f"Over {people} people." if "group" not in hidden else "")
    statements = Table("Statements, least covered first",
                       ["Area", "Statement", "People covering", "Only person"])
    if "group" in hidden:
        report.withheld += 1
        report.notes.append(f"This group has fewer than {ctx.minimum} people (or leaves out "
                            f"fewer than {ctx.minimum} when filtered), so its figures are "
                            "withheld.")
        return report
    listed = []
    names = dict(User.objects.filter(pk__in=ids_sql(sorted(set(sole.values()))))
                 .values_list("pk", "name"))
    chart_items = []
    for area, cell in cells:
        counts = [coverers.get(s.id, 0) for s in cell.statements]
        nobody, one = counts.count(0), counts.count(1)
        areas.rows.append([Cell(area.name), Cell(str(len(counts)), len(counts)),
                           Cell(str(nobody), nobody), Cell(str(one), one)])
        chart_items.append((area.name, nobody + one))
        for statement in cell.statements:
            listed.append((coverers.get(statement.id, 0), area.name, statement))
    listed.sort(key=lambda item: item[0])
    for count, area_name, statement in listed:
        only = sole.get(statement.id, 0) if count == 1 else 0
        statements.rows.append([
            Cell(area_name), Cell(statement.text), Cell(str(count), count),
            Cell(names.get(only, ""), names.get(only, ""),
                 href=ctx.progress_url(only) if only else "")])
    report.tables += [areas, statements]
    if chart_items:
        report.charts.append(Chart("Statements covered by one person or nobody, per area",
                                   charts.bars(chart_items, max(1, max(v for _n, v in
                                                                       chart_items)),
                                               "Statements covered by one person or nobody"),
                                   areas.title))
    return report
