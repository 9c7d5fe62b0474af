"""A check-in as files: spreadsheet export and import, and the promotion packet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from craftpath.web import access
from craftpath.web.actions import Refused
from craftpath.web.actions import checkins as actions
from craftpath.web.frameworks.pdf import PdfUnavailable

from ..words import counted
from . import loop, spreadsheets
from . import scope as scopes
from .forms import SpreadsheetForm


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"  # people data: not kept by caches
    return response


@login_required
@require_safe
def export(request, pk: int, fmt: str):
    checkin = actions.find(request.user, pk)
    body, content_type, side = actions.export_sheet(request.user, checkin, fmt)
    return _download(body, content_type,
                     f"checkin-{checkin.pk}-{slugify(checkin.person.name)}-{side}.{fmt}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_sheet(request, pk: int):
    viewer = request.user
    checkin = actions.find(viewer, pk)
    if not access.can_import_self_assessment(viewer, checkin):
        raise Refused("A spreadsheet is imported as a self-assessment, by its person.")
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
        count = actions.import_self_assessment(viewer, checkin, parsed.ratings,
                                               form.cleaned_data["fingerprint"])
    except (loop.Conflict, loop.LoopError) as problem:
        context["problems"] = [str(problem)]
        context["form"] = SpreadsheetForm(initial={"fingerprint": loop.self_fingerprint(checkin)})
        return render(request, "checkins/import.html", context, status=409)
    messages.success(request, f"Imported {counted(count, 'rating')} into your self-assessment"
                     + (f"; {counted(parsed.blank, 'blank row')} left unrated."
                        if parsed.blank else "."))
    return redirect("checkins:checkin", pk=checkin.pk)


@login_required
@require_safe
def packet_file(request, pk: int, fmt: str):
    try:
        checkin, body = actions.export_packet(request.user, pk, fmt)
    except loop.LoopError as problem:
        return render(request, "accounts/message.html", {
            "title": "Not closed yet", "message": str(problem)}, status=409)
    except PdfUnavailable as problem:
        messages.error(request, str(problem))
        return redirect("checkins:checkin", pk=pk)
    name = f"packet-{checkin.pk}-{slugify(checkin.person.name)}.{fmt}"
    if fmt == "md":
        return _download(body.encode("utf-8"), "text/markdown; charset=utf-8", name)
    return _download(body, "application/pdf", name)
