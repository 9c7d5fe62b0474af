"""The evidence log: a person's own list of things they did (title, date, link, description),
any item of which may support several statements; and adding to it from inside a check-in
without leaving the statement being rated."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from craftpath.web import access
from craftpath.web.actions import Refused
from craftpath.web.actions import checkins as actions

from . import loop, plan, rows, suggestion_views
from . import scope as scopes
from .forms import EvidenceForm
from .models import Evidence
from .views import checkin_or_404, is_htmx


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_log(request):
    form = EvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.owner = request.user
        item.save()
        linked = suggestion_views.link_if_asked(request, item)
        messages.success(request, f"Added “{item.title}”"
                         + (f" and linked it to {suggestion_views.quoted_statement(linked)}."
                            if linked else "."))
        return redirect("checkins:evidence")
    items = _with_statement_words(Evidence.objects.filter(owner=request.user).prefetch_related(
        "entries", "suggested_links__entry__checkin__version"))
    panel = suggestion_views.panel(request.user, request.POST.get("title", ""),
                                   request.POST.get("description", ""), action="add")
    return render(request, "checkins/evidence.html", {"items": items, "form": form, **panel},
                  status=422 if form.errors else 200)


def _with_statement_words(items) -> list[Evidence]:
    """Each suggested link gets `statement_words`, from its check-in's own version of the
    framework: a statement id means nothing to the person reading."""
    items, places = list(items), {}
    for item in items:
        for link in item.suggested_links.all():
            checkin = link.entry.checkin
            words = plan.statement_words(checkin.version, checkin.family_slug, places)
            link.statement_words = words.get(link.entry.statement_id, "")
    return items


def _own_item_or_404(viewer, pk: int) -> Evidence:
    item = get_object_or_404(Evidence, pk=pk)
    if not access.can_edit_evidence(viewer, item):
        raise Http404("No such evidence.")
    return item


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evidence_edit(request, pk: int):
    item = _own_item_or_404(request.user, pk)
    form = EvidenceForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        linked = suggestion_views.link_if_asked(request, item)
        messages.success(request, (f"Saved and linked to "
                                   f"{suggestion_views.quoted_statement(linked)}. "
                                   if linked else "Saved. ")
                         + "Closed check-ins keep the evidence as it was then.")
        return redirect("checkins:evidence")
    shown = form.data if form.is_bound else {"title": item.title,
                                             "description": item.description}
    panel = suggestion_views.panel(request.user, shown.get("title", ""),
                                   shown.get("description", ""), item=item, action="save")
    return render(request, "checkins/evidence_edit.html", {"item": item, "form": form, **panel},
                  status=422 if form.errors else 200)


@login_required
@require_POST
def evidence_delete(request, pk: int):
    item = _own_item_or_404(request.user, pk)
    item.delete()
    messages.success(request, "Deleted. Closed check-ins that cited it keep their copy.")
    return redirect("checkins:evidence")


@login_required
@require_POST
def evidence_inline(request, pk: int):
    """Add an evidence item from a statement of one's own check-in and attach it there."""
    checkin = checkin_or_404(request.user, pk)
    if not access.can_add_checkin_evidence(request.user, checkin):
        raise Refused("Evidence is added by the person whose check-in it is.")
    scope = scopes.of_checkin(checkin)
    statement_id = request.POST.get("statement", "")
    item = scope.item(statement_id)
    if item is None:
        messages.error(request, "That statement is not part of this check-in.")
        return redirect("checkins:checkin", pk=checkin.pk)
    form = EvidenceForm(request.POST, prefix="new")
    context = {"checkin": checkin, "statement_id": statement_id, "form": form,
               "anchor": rows.anchor_of(statement_id)}
    added = None
    if form.is_valid():
        added = form.save(commit=False)
        try:
            entry = actions.attach_new_evidence(request.user, checkin, statement_id, added)
        except loop.LoopError as problem:
            added, context["problem"] = None, str(problem)
        else:
            linked = suggestion_views.link_if_asked(request, added)
            if linked:
                linked.refresh_from_db(fields=["self_revision"])
                context.update(also_anchor=rows.anchor_of(linked.statement_id),
                               also_revision=linked.self_revision)
            context.update(added=added, form=EvidenceForm(prefix="new"),
                           revision=entry.self_revision,
                           this_anchor=rows.anchor_of(statement_id),
                           anchors=[rows.anchor_of(i.statement.id)
                                    for i in scope.area(item.area.slug).items])
    if is_htmx(request):
        return render(request, "checkins/_evidence_inline.html", context)
    if added:
        messages.success(request, f"Added “{added.title}” and attached it to the statement.")
    else:
        messages.error(request, context.get("problem") or "The evidence was not added: "
                       + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    return redirect(reverse("checkins:area", args=[checkin.pk, item.area.slug])
                    + f"#s-{rows.anchor_of(statement_id)}")
