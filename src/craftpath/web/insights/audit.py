"""Insights in the audit trail: who opened which insights page or export, with its filters.

`record_insight_access` is the one function the views and the API call. Nothing personal is
kept beyond the trail's usual actor: the page, the form (page, api, csv, xlsx) and the
filters, never a figure. A read through the API is a view, like the page; files are exports."""

from __future__ import annotations

from craftpath.web.audit import trail
from craftpath.web.audit.models import Action


def record_insight_access(viewer, page: str, form: str, filters: str = "") -> None:
    action = Action.VIEWED if form in ("page", "api") else Action.EXPORTED
    trail.record(viewer, action, target=f"insights {page} ({form})", detail=filters[:300])
