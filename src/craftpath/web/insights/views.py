"""Insights pages and exports. Each view reads its Report through the insights actions (which
ask access.py, build it and record the visit in the audit trail) and renders the page or
the file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from craftpath.web import access
from craftpath.web.actions import Stale
from craftpath.web.actions import insights as actions
from craftpath.web.checkins import learning

from . import exports, periods, settings_store
from .forms import AssistantLearningForm, AttributeForm, SettingsForm
from .models import AttributeKind, PersonAttribute
from .pages import VIEWS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_safe
def index(request):
    viewer = request.user
    views = [view for view in VIEWS.values() if view.allowed(viewer)]
    return render(request, "insights/index.html", {
        "views": views, "can_change_settings": access.can_change_insight_settings(viewer)})


@login_required
@require_safe
def page(request, slug: str):
    built = actions.read_report(request.user, slug, request.GET, "page")
    view, context, form, problems, report = (built.view, built.context, built.form,
                                             built.messages, built.report)
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("dir", None)
    query.pop("page", None)
    base = query.urlencode()
    tables = [_shown(table, base, context.minimum, context.filtered)
              for table in report.tables] if report else []
    return render(request, "insights/page.html", {
        "view": view, "report": report, "form": form, "problems": problems,
        "minimum": context.minimum, "export_query": request.GET.urlencode(),
        "tables": tables, "withheld": _withheld_note(tables, context.minimum),
    }, status=400 if problems else 200)


def _all_withheld(row) -> bool:
    """A group none of whose figures may be shown: the page leaves its row out and says so
    once, above the tables (the exports keep it, marked)."""
    return len(row) > 1 and all(cell.withheld for cell in row[1:])


def _counted(n: int, noun: str) -> str:
    return f"one {noun}" if n == 1 else f"{n} {noun}s"


def _withheld_note(tables: list[dict], minimum: int) -> str:
    """One sentence for the whole page in place of rows of "withheld": how many groups, named
    by what each table's rows are (areas, quarters, levels; told apart by name, so one left out
    of two tables counts once), and how many single figures in the rows shown."""
    left_out: dict[str, set] = {}
    for n, shown in enumerate(tables):
        noun = shown["noun"]
        for i, row in enumerate(shown["left_out"]):
            left_out.setdefault(noun, set()).add(row[0].text if not row[0].withheld else (n, i))
    cells = sum(1 for shown in tables for row in shown["rows"] for cell in row if cell.withheld)
    if not left_out and not cells:
        return ""
    why = (f"they are about fewer than {minimum} people, or would let someone work out a "
           "group that small")
    if left_out:
        said = "Figures for " + " and ".join(
            _counted(len(names), noun) for noun, names in left_out.items()) + " are withheld"
        if cells:
            said += f", and {_counted(cells, 'more figure')} in the tables marked so"
        return f"{said}: {why}."
    return f"{_counted(cells, 'figure').capitalize()} in the tables marked withheld: {why}."


def _body(rows, minimum: int, columns: list[str]) -> str:
    """The table's rows as HTML, built here rather than in the template: a page of 100 people
    by 17 areas is 1,700 cells, and the template language takes ten times as long. Each cell
    carries its column's name (data-label), which heads it when the rows are cards on a
    phone."""
    labels = [f' data-label="{escape(column)}"' for column in columns]
    withheld = format_html('<span class="suppressed">withheld<span class="visually-hidden"> '
                           '(fewer than {} people)</span></span>', minimum)
    out = []
    for row in rows:
        out.append("<tr>")
        for i, cell in enumerate(row):
            if cell.withheld:
                inner = withheld
            elif cell.href:
                inner = f'<a href="{escape(cell.href)}">{escape(cell.text)}</a>'
            else:
                inner = escape(cell.text)
            if i == 0:
                out.append(f'<th scope="row">{inner}</th>')
            else:
                label = labels[i] if i < len(labels) else ""
                css = f' class="{escape(cell.css)}"' if cell.css else ""
                out.append(f"<td{css}{label}>{inner}</td>")
        out.append("</tr>")
    return mark_safe("".join(out))  # every value above is escaped


def _shown(table, base: str, minimum: int, filtered: bool) -> dict:
    """What the page needs to draw a table: header links for sorting, the rows it shows (not
    those of groups withheld whole), links to the neighbouring pages, and when it has no rows
    to show, why."""
    prefix = f"?{base}&" if base else "?"
    headers = []
    for i, label in enumerate(table.columns):
        key = table.sort_keys[i] if table.sortable and i < len(table.sort_keys) else ""
        current = key and key == table.sorted_by
        direction = "desc" if current and not table.descending else "asc"
        headers.append({
            "label": label, "href": f"{prefix}sort={key}&dir={direction}" if key else "",
            "aria_sort": ("descending" if table.descending else "ascending") if current
            else ""})
    rows = [row for row in table.rows if not _all_withheld(row)]
    left_out = [row for row in table.rows if _all_withheld(row)]
    keep = f"{prefix}sort={table.sorted_by}&dir={'desc' if table.descending else 'asc'}&" \
        if table.sorted_by else prefix
    noun = table.columns[0].lower() if table.columns else "group"  # what a row is about
    return {"table": table, "headers": headers, "rows": rows, "left_out": left_out,
            "noun": noun, "empty": _empty_reason(table, left_out, minimum, filtered, noun),
            "waiting": not left_out and not table.empty,  # for check-ins to close, as far as known
            "body": _body(rows, minimum, table.columns),
            "cut": table.more,
            "previous": f"{keep}page={table.page - 1}" if table.page > 1 else "",
            "next": f"{keep}page={table.page + 1}" if table.page < table.pages else ""}


def _empty_reason(table, left_out: list, minimum: int, filtered: bool, noun: str) -> str:
    if left_out:
        if len(left_out) == 1:
            return (f"The one {noun} here is under the minimum of {minimum} people, so its "
                    "figures are withheld.")
        return (f"All {len(left_out)} {noun}s here are under the minimum of {minimum} people, "
                "so their figures are withheld.")
    if table.empty:
        return table.empty
    if filtered:
        return "Nobody these filters choose has a check-in that counts here yet."
    return "Nobody you can see has a check-in that counts here yet."


@login_required
@require_safe
def export(request, slug: str, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404("Insights export as .csv or .xlsx.")
    built = actions.read_report(request.user, slug, request.GET, fmt)
    problems, report = built.messages, built.report
    if problems:
        return render(request, "accounts/message.html", {
            "title": "Nothing exported", "message": "; ".join(problems)}, status=400)
    body = exports.to_csv(report) if fmt == "csv" else exports.to_xlsx(report)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv"
                            else XLSX)
    response["Content-Disposition"] = f'attachment; filename="insights-{slug}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    viewer = request.user
    if not access.can_change_insight_settings(viewer):
        raise PermissionDenied("The insights settings are the people team's.")
    stored = settings_store.current()
    initial = {"min_group_size": stored.min_group_size,
               "readiness_threshold": stored.readiness_threshold, "revision": stored.revision}
    shown = {"stored": stored, "assistant_form": _assistant_form()}
    if request.method != "POST":
        return render(request, "insights/settings.html", {"form": SettingsForm(initial=initial),
                                                          **shown})
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return render(request, "insights/settings.html", {"form": form, **shown}, status=422)
    try:
        actions.change_settings(viewer, form.cleaned_data, form.cleaned_data["revision"])
    except Stale as problem:
        messages.error(request, problem.message)
        return render(request, "insights/settings.html", {
            "form": SettingsForm(initial={**initial}), **shown}, status=409)
    messages.success(request, "Saved. Every insights page and export uses the new values now.")
    return redirect("insights:settings")


def _assistant_form(data=None) -> AssistantLearningForm:
    stored = learning.current()
    return AssistantLearningForm(data, initial={"learning": stored.learning,
                                                "revision": stored.revision})


@login_required
@require_POST
def assistant_learning(request):
    """The people team's switch for the evidence assistant's learning from links."""
    viewer = request.user
    if not access.can_switch_assistant_learning(viewer):
        raise PermissionDenied("Whether the assistant learns from links is the people team's.")
    form = _assistant_form(request.POST)
    if not form.is_valid():
        messages.error(request, "Not saved: the form was incomplete; try again.")
        return redirect("insights:settings")
    try:
        actions.switch_assistant_learning(viewer, form.cleaned_data["learning"],
                                          form.cleaned_data["revision"])
    except Stale as problem:
        messages.error(request, problem.message)
        return redirect("insights:settings")
    messages.success(request, "Saved. The evidence assistant learns from links now."
                     if form.cleaned_data["learning"] else
                     "Saved. The evidence assistant no longer learns from links, and what it "
                     "had learned is forgotten.")
    return redirect("insights:settings")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def attributes(request):
    """A person's own optional attributes: recorded with consent, withdrawn at any time."""
    viewer = request.user
    if not access.can_record_attributes(viewer, viewer):
        raise PermissionDenied
    form = AttributeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                periods.record_attribute(viewer, form.cleaned_data["kind"],
                                         form.cleaned_data["value"])
            except IntegrityError:  # the same answer saved twice at once
                pass
            messages.success(request, "Recorded. You can change or withdraw it here at any "
                                      "time.")
            return redirect("insights:attributes")
        status = 422
    mine = PersonAttribute.objects.filter(person=viewer).order_by("kind")
    labels = dict(AttributeKind.choices)
    return render(request, "insights/attributes.html", {
        "form": form, "mine": [(labels.get(a.kind, a.kind), a) for a in mine]}, status=status)


@login_required
@require_POST
def withdraw_attribute(request):
    viewer = request.user
    kind = request.POST.get("kind", "")
    if kind not in AttributeKind.values:
        messages.error(request, f"kind: “{kind}” is not an attribute you can record.")
        return redirect("insights:attributes")
    deleted, _ = PersonAttribute.objects.filter(person=viewer, kind=kind).delete()
    messages.success(request, "Withdrawn and deleted." if deleted else
                     "There was nothing recorded for that attribute.")
    return redirect("insights:attributes")
