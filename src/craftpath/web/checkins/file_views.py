"""A check-in as files: spreadsheet export and import, and the promotion packet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from craftpath.web import access
from craftpath.web.frameworks.pdf import PdfUnavailable

from . import audit, loop, packet, spreadsheets
from . import scope as scopes
from .forms import SpreadsheetForm
from .views import checkin_or_404, side_of, visible_sides


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # people data: not kept by caches
    return response


def _exported_side(viewer, checkin) -> str:
    """Which voice a sheet holds: the agreed outcome once closed; else the viewer's own; the
    people team sees the agreed outcome (empty until agreed)."""
    if checkin.is_closed:
        return "agreed"
    return side_of(viewer, checkin) or "agreed"


@login_required
@require_safe
def export(request, pk: int, fmt: str):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if fmt not in ("xlsx", "csv"):
        raise Http404("Spreadsheets come as .xlsx or .csv.")
    side = _exported_side(viewer, checkin)
    visible = side in visible_sides(viewer, checkin)
    scope = scopes.of_checkin(checkin)
    voices = {e.statement_id: e.voice(side) for e in checkin.entries.all()} if visible else {}
    evidence = loop.frozen_evidence(checkin) if "self" in visible_sides(viewer, checkin) else {}
    audit.record(viewer, checkin, audit.EXPORTED, f"spreadsheet export ({fmt})")
    rows = spreadsheets.rows_for(scope, voices, evidence if side != "manager" else {})
    name = f"checkin-{checkin.pk}-{slugify(checkin.person.name)}-{side}.{fmt}"
    if fmt == "csv":
        return _download(spreadsheets.to_csv(rows), "text/csv; charset=utf-8", name)
    title = f"Check-in {checkin.pk}: {checkin.person.name}"
    return _download(spreadsheets.to_xlsx(rows, title, scope.framework.scale),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_sheet(request, pk: int):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if not access.can_self_assess(viewer, checkin):
        raise PermissionDenied("A spreadsheet is imported as a self-assessment, by its person.")
    why_not = loop.editable_side(checkin, "self")
    context = {"checkin": checkin, "scope": scopes.of_checkin(checkin), "why_not": why_not}
    if request.method != "POST" or why_not:
        context["form"] = SpreadsheetForm(initial={"fingerprint": loop.self_fingerprint(checkin)})
        return render(request, "checkins/import.html", context)
    form = SpreadsheetForm(request.POST, request.FILES)
    context["form"] = form
    if not form.is_valid():
        return render(request, "checkins/import.html", context, status=422)
    upload = form.cleaned_data["file"]
    try:
        if upload.size > spreadsheets.MAX_BYTES:
            raise spreadsheets.SheetError("The file is larger than 2 MB.")
        table = spreadsheets.read_table(upload.read(), upload.name)
    except spreadsheets.SheetError as problem:
        context["problems"] = [str(problem)]
        return render(request, "checkins/import.html", context, status=422)
    parsed = spreadsheets.parse(table, context["scope"])
    if parsed.problems:
        context["problems"] = [str(p) for p in parsed.problems]
        return render(request, "checkins/import.html", context, status=422)
    try:
        count = loop.import_self(checkin, parsed.ratings, form.cleaned_data["fingerprint"])
    except (loop.Conflict, loop.LoopError) as problem:
        context["problems"] = [str(problem)]
        context["form"] = SpreadsheetForm(initial={"fingerprint": loop.self_fingerprint(checkin)})
        return render(request, "checkins/import.html", context, status=409)
    messages.success(request, f"Imported {count} rating(s) into your self-assessment"
                     + (f"; {parsed.blank} blank row(s) left unrated." if parsed.blank else "."))
    return redirect("checkins:checkin", pk=checkin.pk)


@login_required
@require_safe
def packet_file(request, pk: int, fmt: str):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if fmt not in ("pdf", "md"):
        raise Http404("The packet comes as .pdf or .md.")
    if not checkin.is_closed:
        return render(request, "accounts/message.html", {
            "title": "Not closed yet",
            "message": "The promotion packet is made from a closed check-in."}, status=409)
    audit.record(viewer, checkin, audit.EXPORTED, f"promotion packet ({fmt})")
    gathered = packet.gather(checkin)
    name = f"packet-{checkin.pk}-{slugify(checkin.person.name)}.{fmt}"
    if fmt == "md":
        return _download(packet.markdown(gathered).encode("utf-8"),
                         "text/markdown; charset=utf-8", name)
    try:
        body = packet.to_pdf(packet.html(gathered))
    except PdfUnavailable as problem:
        messages.error(request, str(problem))
        return redirect("checkins:checkin", pk=checkin.pk)
    return _download(body, "application/pdf", name)
