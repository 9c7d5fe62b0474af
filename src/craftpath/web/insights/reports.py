"""Building an insights view's Report for a viewer and the parameters they sent: the one path
the pages, the exports and the API all take (access.py's check, the filters, the settings,
the view's own `build`), so every channel shows the same figures with the same suppression."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from craftpath.web.frameworks.publishing import active_version, framework_of

from . import settings_store
from .pages import VIEWS, View
from .pages.common import BadParameter, Context
from .population import FilterForm, Filters, Population
from .report import Report


@dataclass
class Built:
    view: View
    context: Context
    form: FilterForm | None
    problems: list[tuple[str, str]]  # (the parameter, the message naming it)
    report: Report | None  # None when there are problems

    @property
    def messages(self) -> list[str]:
        return [message for _, message in self.problems]


def context_for(viewer, view: View, params, export: bool):
    """(context, filter form, problems) for a view; problems name the bad parameter."""
    if not view.allowed(viewer):
        raise PermissionDenied("This insights page is for managers and the people team"
                               + (" (fairness: the people team only)."
                                  if view.people_team_only else "."))
    version = active_version()
    framework = framework_of(version) if version else None
    form = FilterForm(params, framework) if not view.people_team_only else None
    problems = []
    filters = Filters()
    if form is not None:
        if form.is_valid():
            data = form.cleaned_data
            filters = Filters(data["team"], data["family"], data["track"], data["level"])
        else:
            problems += [(name, f"{name}: {' '.join(errors)}")
                         for name, errors in form.errors.items()]
    stored = settings_store.current()
    context = Context(viewer, Population.of(viewer, filters), stored.min_group_size,
                      stored.readiness_threshold / 100, framework, params, export)
    return context, form, problems


def build(viewer, slug: str, params, export: bool = False) -> Built:
    view = VIEWS.get(slug)
    if view is None:
        raise Http404("No such insights page.")
    context, form, problems = context_for(viewer, view, params, export)
    report = None
    if not problems:
        try:
            report = view.module.build(context)
        except BadParameter as problem:
            problems.append((problem.field, str(problem)))
    return Built(view, context, form, problems, report)
