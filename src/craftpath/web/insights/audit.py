"""The insights audit trail: who opened which insights page or export, with its filters.

`record_insight_access` is the one function the views call; when the project-wide audit trail
arrives, this is where insights routes into it. Nothing personal is kept: the page, the form
(page, csv, xlsx) and the filters, never a figure."""

from __future__ import annotations

from .models import InsightAccess


def record_insight_access(viewer, page: str, form: str, filters: str = "") -> None:
    InsightAccess.objects.create(actor=viewer, page=page[:40], form=form[:10],
                                 filters=filters[:300])
