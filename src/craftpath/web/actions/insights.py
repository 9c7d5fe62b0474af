"""Insights as actions: reading a report (a page, the API, an export) and changing the
insights settings. Group figures hold nobody's own data, but who looked at which figures with
which filters is in the trail, as the page, the form and the filters (never a figure)."""

from __future__ import annotations

from django.db import transaction

from craftpath.web import access
from craftpath.web.audit.models import Action
from craftpath.web.checkins import learning, tasks
from craftpath.web.insights import reports, settings_store

from .errors import Refused, Stale
from .recording import record

FORMS = ("page", "api", "csv", "xlsx")  # a read through the API is a view; files are exports


def read_report(viewer, slug: str, query, form: str) -> reports.Built:
    """The report `slug` for `viewer` with the filters in `query` (reports.build asks
    access.py and withholds small groups). Recorded once built, problems or not; an export
    with problems exports nothing and is not recorded."""
    export = form in ("csv", "xlsx")
    built = reports.build(viewer, slug, query, export=export)
    if not (export and built.problems):
        record(viewer, Action.EXPORTED if export else Action.VIEWED,
               target=f"insights {slug} ({form})",
               detail=built.context.population.filters.describe()[:300])
    return built


def change_settings(viewer, values: dict, revision: int):
    """The minimum group size and the readiness threshold, compare-and-set on `revision`."""
    if not access.can_change_insight_settings(viewer):
        raise Refused("The insights settings are the people team's.")
    with transaction.atomic():
        try:
            stored = settings_store.save(values, revision, viewer)
        except settings_store.StaleSettings as problem:
            raise Stale(str(problem), current=settings_store.current()) from None
        record(viewer, Action.CHANGED, target="insights settings",
               detail=f"minimum group size {values['min_group_size']}, readiness "
                      f"threshold {values['readiness_threshold']}%")
    return stored


def switch_assistant_learning(viewer, on: bool, revision: int):
    """Whether the evidence assistant learns from the links people make, compare-and-set on
    `revision`. Off forgets everything it learned, in the same transaction; on queues the
    learning from the links there are."""
    if not access.can_switch_assistant_learning(viewer):
        raise Refused("Whether the assistant learns from links is the people team's call.")
    with transaction.atomic():
        try:
            stored = learning.save_learning(on, revision, viewer)
        except learning.StaleSettings as problem:
            raise Stale(str(problem), current=learning.current()) from None
        record(viewer, Action.CHANGED, target="assistant settings",
               detail="learning from links " + ("on" if on else "off (what it learned is "
                                                           "forgotten)"))
        if on:
            tasks.queue_learning()
    return stored
