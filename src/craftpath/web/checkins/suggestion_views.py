"""The evidence assistant's pages: suggestions while evidence is typed (an htmx fragment inside
the evidence forms), the one-click link those forms post, and a reviewer's question "which
statements of this check-in might this item support that it is not linked to?"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access
from craftpath.web.actions import checkins as actions

from . import loop, plan, suggestions
from .models import Entry, Evidence
from .views import is_htmx


def _shown(context, found) -> list[dict]:
    linkable = context.linkable if context else set()
    return [{"id": s.statement.id, "text": s.statement.text, "area": s.area.name,
             "level": s.level.label, "why": s.why, "linkable": s.statement.id in linkable}
            for s in found]


def panel(person, title: str, description: str, *, prefix: str = "", item=None,
          action: str = "") -> dict:
    """The template context of checkins/_suggestions.html for text typed by `person`."""
    context = suggestions.context_for(person)
    text = suggestions.evidence_text(title, description)
    found, note = [], ""
    if context is None:
        note = ("Suggestions need your family and level in the directory and a published "
                "framework.")
    elif text:
        exclude = set()
        if item is not None and context.checkin is not None:
            exclude = set(context.checkin.entries.filter(evidence=item)
                          .values_list("statement_id", flat=True))
        found = suggestions.suggest(context, text, exclude=exclude)
    return {"suggestions": _shown(context, found), "suggest_prefix": prefix,
            "suggest_item": item, "suggest_note": note, "suggest_typed": bool(text),
            "suggest_action": action, "suggest_method": suggestions.method_of(context),
            "suggest_checkin": context.checkin if context else None}


@login_required
@require_POST
def evidence_suggest(request):
    """htmx: suggestions for the evidence in the posting form (its own fields, as typed)."""
    prefix = request.POST.get("suggest_prefix", "")
    if prefix not in ("", "new"):
        prefix = ""
    key = f"{prefix}-" if prefix else ""
    item = None
    if request.POST.get("suggest_item", "").isdigit():
        item = Evidence.objects.filter(pk=int(request.POST["suggest_item"])).first()
        if item is not None and not access.can_edit_evidence(request.user, item):
            item = None
    action = request.POST.get("suggest_action", "")
    return render(request, "checkins/_suggestions.html", panel(
        request.user, request.POST.get(f"{key}title", ""),
        request.POST.get(f"{key}description", ""), prefix=prefix, item=item,
        action=action if action in ("add", "save", "inline") else ""))


def link_if_asked(request, item: Evidence) -> Entry | None:
    """After an evidence form saved `item`: link it to the suggestion clicked, if one was.
    Returns the entry linked, or None (a refusal is put in messages)."""
    statement_id = request.POST.get("link_statement", "")
    if not statement_id:
        return None
    context = suggestions.context_for(request.user)
    if context is None or context.checkin is None:
        messages.error(request, "Saved, but not linked: you have no open check-in.")
        return None
    try:
        return suggestions.link_from_suggestion(context, item, statement_id)
    except loop.LoopError as problem:
        messages.error(request, f"Saved, but not linked: {problem}")
        return None


def quoted_statement(entry: Entry) -> str:
    """The entry's statement as a message names it: its words, quoted (never its id)."""
    words = plan.statement_words(entry.checkin.version, entry.checkin.family_slug, {})
    return f"“{Truncator(words.get(entry.statement_id, 'a statement')).chars(120)}”"


@login_required
@require_safe
def evidence_unlinked(request, pk: int, evidence_pk: int):
    """For whoever reads the check-in's evidence: the statements of this check-in the item may
    support but is not linked to, with reasons. Nothing is linked from here."""
    checkin, item = actions.read_evidence(request.user, pk, evidence_pk)
    found = suggestions.unlinked_for(checkin, item)
    context = {"checkin": checkin, "item": item, "method":
               suggestions.matcher_of(suggestions.Context(
                   checkin.version, checkin.family_slug, checkin.level_slug, ())).method,
               "suggestions": _shown(None, found)}
    template = "checkins/_unlinked.html" if is_htmx(request) else "checkins/evidence_unlinked.html"
    return render(request, template, context)
