"""Data-rights pages: a person's own data page and download, and the people team's erasure or
anonymisation of a person. Thin: access.py decides, rights.py does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from craftpath.web import access
from craftpath.web.audit import trail
from craftpath.web.audit.models import Action

from . import rights
from .models import normalise_email


@login_required
@require_safe
def your_data(request):
    return render(request, "accounts/your_data.html", {
        "people_team": access.can_search_audit(request.user)})


@login_required
@require_safe
def download(request):
    if not access.can_download_own_data(request.user):
        raise PermissionDenied
    body = rights.download(request.user)
    trail.record(request, Action.DATA_DOWNLOADED, request.user, target="my-data.zip")
    response = HttpResponse(body, content_type="application/zip")
    name = slugify(request.user.name) or "me"
    response["Content-Disposition"] = f'attachment; filename="craftpath-{name}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request, pk: int):
    person = get_object_or_404(access.visible_people(request.user), pk=pk)
    if not access.can_erase_person(request.user, person):
        raise PermissionDenied("Erasing people is for the people team, never oneself.")
    context = {"person": person, "modes": [(rights.ANONYMISED, "Anonymise"),
                                           (rights.ERASED, "Erase")]}
    if request.method != "POST":
        return render(request, "accounts/erase.html", context)
    mode = request.POST.get("mode", "")
    errors = {}
    if mode not in (rights.ANONYMISED, rights.ERASED):
        errors["mode"] = "Choose anonymise or erase."
    if normalise_email(request.POST.get("confirm", "")) != person.email:
        errors["confirm"] = f"Type {person.email} to confirm."
    if errors:
        return render(request, "accounts/erase.html", {**context, "errors": errors,
                                                       "mode": mode}, status=422)
    done = rights.erase(person, mode, request.user)
    verb = "Anonymised" if mode == rights.ANONYMISED else "Erased"
    messages.success(request, f"{verb} person {pk}: {done.checkins} check-ins removed "
                              f"({done.ratings_kept} agreed outcomes kept as anonymous counts), "
                              f"{done.notes} notes removed, {done.reports_moved} reports moved "
                              "to their manager.")
    return redirect("people")
