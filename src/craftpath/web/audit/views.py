"""The audit trail's pages: who looked at my data (everyone), and the search (people team)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from craftpath.web import access

from . import trail
from .forms import SearchForm
from .models import Action

PAGE_SIZE = 50


def _page(request, entries):
    return Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_safe
def mine(request):
    if not access.can_read_own_audit(request.user):
        raise PermissionDenied
    return render(request, "audit/mine.html", {"page": _page(request, trail.about(request.user)),
                                               "retention_days": trail.retention_days()})


@login_required
@require_safe
def search(request):
    if not access.can_search_audit(request.user):
        raise PermissionDenied("The audit trail is searched by the people team.")
    form = SearchForm(request.GET or None)
    page, status = None, 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        query = trail.Search()
        if form.is_bound:
            since, until = form.bounds()
            query = trail.Search(actor=form.cleaned_data["actor"],
                                 subject=form.cleaned_data["subject"],
                                 action=form.cleaned_data["action"], since=since, until=until)
        page = _page(request, query.run())
        # Reading the trail shows who looked at whom: that is recorded too.
        described = "; ".join(f"{k}={v}" for k, v in request.GET.items() if v and k != "page")
        trail.record(request, Action.SEARCHED, target="audit trail",
                     detail=described or "everything")
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(request, "audit/search.html", {"form": form, "page": page,
                                                 "query": query_string.urlencode()},
                  status=status)
