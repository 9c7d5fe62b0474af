"""Insights as JSON: the same Report the pages and exports draw (insights/reports.py builds it,
access.py decides who may, insights/privacy.py withholds the small groups), recorded in the
audit trail as the pages are. A withheld figure is `withheld: true` with no value. One route
per view, as on the pages, so the access matrix names each."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import QueryDict
from ninja import Query, Router, Schema

from craftpath.web.actions import insights as actions
from craftpath.web.insights import reports
from craftpath.web.insights.pages import VIEWS

from .auth import caller
from .problems import Problem
from .schemas import InsightOut, InsightViewOut, answers

router = Router(tags=["insights"])


class InsightParams(Schema):
    """The pages' parameters: the filters (not on fairness) and each view's own choices."""

    team: str | None = None
    family: str | None = None
    track: str | None = None
    level: str | None = None
    at: str | None = None  # gaps: the level
    sort: str | None = None  # heatmap
    dir: str | None = None  # heatmap: asc, desc
    page: str | None = None  # heatmap: 100 people a page
    quarters: str | None = None  # completion, trends: 4, 8, 12, 20
    attribute: str | None = None  # fairness


def _value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def report_out(built: reports.Built) -> dict:
    report = built.report
    return {
        "slug": report.slug, "title": report.title, "intro": report.intro,
        "minimum_group": built.context.minimum, "withheld": report.withheld,
        "notes": list(report.notes),
        "filters": built.context.population.filters.describe(),
        "tables": [{
            "title": table.title, "caption": table.caption, "columns": list(table.columns),
            "rows": [[{"text": cell.text,
                       "value": None if cell.withheld else _value(cell.value),
                       "withheld": cell.withheld} for cell in row] for row in table.rows],
            "sorted_by": table.sorted_by, "descending": table.descending,
            "page": table.page, "pages": table.pages, "more": table.more}
            for table in report.tables]}


def _read(request, slug: str, params: InsightParams):
    viewer = caller(request)
    query = QueryDict(mutable=True)
    for name, value in params.dict().items():
        if value is not None:
            query[name] = value
    built = actions.read_report(viewer, slug, query, "api")
    if built.problems:
        errors = [{"field": field, "detail": message} for field, message in built.problems]
        raise Problem(400, "Invalid request", built.messages[0], errors=errors)
    return report_out(built)


@router.get("", response=answers({200: list[InsightViewOut]}),
            summary="The insights views you may read")
def list_views(request):
    viewer = caller(request)
    return [{"slug": view.slug, "title": view.title, "summary": view.summary}
            for view in VIEWS.values() if view.allowed(viewer)]


def _route(slug: str):
    def read(request, params: Query[InsightParams]):
        return _read(request, slug, params)

    read.__name__ = f"insights_{slug}"
    return read


for _slug, _view in VIEWS.items():
    router.add_api_operation(f"/{_slug}", ["GET"], _route(_slug),
                             response=answers({200: InsightOut}), summary=_view.title,
                             description=_view.summary, operation_id=f"insights_{_slug}")
