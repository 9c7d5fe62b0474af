"""Data-rights pages: a person's own data page and download, and the people team's erasure or
anonymisation of a person. Thin: each calls its action (actions/rights.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from craftpath.web import access
from craftpath.web.actions import Invalid
from craftpath.web.actions import personal_data as rights
from craftpath.web.actions import rights as rights_actions


@login_required
@require_safe
def your_data(request):
    return render(request, "accounts/your_data.html", {
        "people_team": access.can_search_audit(request.user)})


@login_required
@require_safe
def download(request):
    body = rights_actions.export_own_data(request.user)
    response = HttpResponse(body, content_type="application/zip")
    name = slugify(request.user.name) or "me"
    response["Content-Disposition"] = f'attachment; filename="craftpath-{name}.zip"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request, pk: int):
    person = rights_actions.find_for_removal(request.user, pk)
    context = {"person": person, "modes": [(rights.ANONYMISED, "Anonymise"),
                                           (rights.ERASED, "Erase")]}
    if request.method != "POST":
        return render(request, "accounts/erase.html", context)
    mode = request.POST.get("mode", "")
    action = {rights.ANONYMISED: rights_actions.anonymise_person,
              rights.ERASED: rights_actions.erase_person}.get(mode)
    if action is None:
        return render(request, "accounts/erase.html", {
            **context, "errors": {"mode": "Choose anonymise or erase."}, "mode": mode},
            status=422)
    try:
        done = action(request.user, pk, request.POST.get("confirm", ""))
    except Invalid as problem:
        return render(request, "accounts/erase.html", {
            **context, "errors": {problem.field or "confirm": problem.message}, "mode": mode},
            status=422)
    verb = "Anonymised" if mode == rights.ANONYMISED else "Erased"
    messages.success(request, f"{verb} person {pk}: {done.checkins} check-ins removed "
                              f"({done.ratings_kept} agreed outcomes kept as anonymous counts), "
                              f"{done.notes} notes removed, {done.reports_moved} reports moved "
                              "to their manager.")
    return redirect("people")
