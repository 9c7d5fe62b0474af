"""The check-in loop's pages. Thin: each calls its action (actions/checkins.py, which asks
access.py, runs the loop and records the audit entry) and renders rows from rows.py. htmx
posts (autosave) get small fragments back; the same forms work without JavaScript as plain
posts that come back to the page.

A check-in the viewer may not see is a 404, as for people (ids cannot be probed); an action
on a check-in they may see but not do is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access
from craftpath.web.actions import Refused
from craftpath.web.actions import checkins as actions
from craftpath.web.frameworks.publishing import active_version

from ..words import counted
from . import audit, feedback, loop, plan, rows
from . import scope as scopes
from .forms import EvidenceForm
from .models import CheckIn, Evidence

# What the other check-in pages take from here (the action's, so there is one of each).
checkin_or_404 = actions.find
side_of = actions.side_of
visible_sides = actions.visible_sides


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _revision(text: str) -> int:
    number = parse_id(text)
    return -1 if number is None else number  # -1 matches nothing stored: refused as stale


def parse_id(text) -> int | None:
    """A database id or revision from a form: ASCII digits that fit a 64-bit integer, or None.
    (str.isdigit and int() accept '²' or Arabic-Indic digits, and SQLite overflows past
    2**63, both of which used to end in a server error.)"""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)


# --- home and starting ------------------------------------------------------------------------

@login_required
@require_safe
def home(request):
    viewer = request.user
    mine = list(CheckIn.objects.filter(person=viewer).select_related("version")
                .defer("version__document"))
    waiting = actions.reviews_waiting(viewer)
    open_one = next((c for c in mine if not c.is_closed), None)
    return render(request, "checkins/home.html", {
        "open_checkin": open_one,
        "closed": [c for c in mine if c.is_closed],
        "can_start": open_one is None and access.can_start_checkin(viewer, viewer),
        "has_framework": active_version() is not None,
        "start_problem": loop.cannot_start(viewer) if open_one is None else "",
        "waiting": waiting,
        "is_manager": access.can_view_team_checkins(viewer),
    })


@login_required
@require_POST
def start(request):
    try:
        checkin = actions.start(request.user, request.POST.get("include_next") == "1")
    except loop.LoopError as problem:
        messages.error(request, str(problem))
        return redirect("checkins:home")
    return redirect("checkins:area", pk=checkin.pk, area=scopes.of_checkin(checkin).areas[0]
                    .area.slug)


# --- one check-in -----------------------------------------------------------------------------

@login_required
@require_safe
def checkin_page(request, pk: int):
    viewer = request.user
    checkin = actions.read_checkin(viewer, pk, "check-in overview")
    scope = scopes.of_checkin(checkin)
    side = side_of(viewer, checkin)
    sides = visible_sides(viewer, checkin)
    context = {
        "checkin": checkin, "scope": scope, "side": side,
        "progress": rows.progress(checkin, scope, side) if side else None,
        "editable": side is not None and loop.editable_side(checkin, side) is None,
        "sides": sides,
        "plan": plan.of(checkin.person),
        "can_agree": access.can_agree_checkin(viewer, checkin),
        "audit": audit.entries_about(checkin.person, 20)
        if access.can_read_checkin_audit(viewer, checkin.person) else None,
    }
    if checkin.is_closed:
        record = rows.build(checkin, scope, sides, evidence=loop.frozen_evidence(checkin))
        context["areas"] = _by_area(scope, record)
    context["can_read_feedback"] = access.can_read_feedback(viewer, checkin)
    if context["can_read_feedback"] and checkin.is_closed:
        context["feedback_rows"] = feedback.rows_for(checkin)
    active = active_version()
    context["newer_version"] = active if (
        active and active.pk != checkin.version_id and not checkin.is_closed
        and access.can_agree_checkin(viewer, checkin)) else None
    return render(request, "checkins/checkin.html", context)


def _by_area(scope: scopes.Scope, record: list[rows.Row]) -> list[tuple]:
    grouped = {}
    for row in record:
        grouped.setdefault(row.item.area.slug, []).append(row)
    return [(a.area, grouped.get(a.area.slug, [])) for a in scope.areas]


def _area_context(viewer, checkin: CheckIn, scope: scopes.Scope, area_slug: str) -> dict:
    area = scope.area(area_slug)
    if area is None:
        raise Http404("No such area in this check-in.")
    side = side_of(viewer, checkin)
    sides = visible_sides(viewer, checkin)
    evidence = loop.frozen_evidence(checkin) if "self" in sides else {}
    focus = plan.focus_ids(checkin.person, checkin.family_slug)
    position = [a.area.slug for a in scope.areas].index(area_slug)
    shown = rows.build(checkin, scope, sides, area=area_slug, evidence=evidence, focus=focus)
    for row in shown:  # a statement a move added stays open on a submitted side
        row.editable = side is not None and loop.editable_entry(checkin, side, row.entry) is None
    return {
        "checkin": checkin, "scope": scope, "area": area, "side": side, "sides": sides,
        "rows": shown,
        "editable": side is not None and loop.editable_side(checkin, side) is None,
        "progress": rows.progress(checkin, scope, side) if side else None,
        "evidence_log": list(Evidence.objects.filter(owner=viewer))
        if side == "self" else [],
        "previous": scope.areas[position - 1].area if position > 0 else None,
        "next": scope.areas[position + 1].area if position + 1 < len(scope.areas) else None,
        "choices": scope.choices,
        "evidence_form": EvidenceForm(prefix="new") if side == "self" else None,
    }


@login_required
@require_safe
def area_page(request, pk: int, area: str):
    viewer = request.user
    checkin = actions.read_checkin(viewer, pk, f"area {area}")
    context = _area_context(viewer, checkin, scopes.of_checkin(checkin), area)
    return render(request, "checkins/area.html", context)


@login_required
@require_POST
def save_rating(request, pk: int):
    """Autosave of one statement's rating by its author (the person or their manager)."""
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if not access.can_rate_checkin(viewer, checkin):
        raise Refused("Only the person and their manager rate in a check-in.")
    return _save(request, checkin, side_of(viewer, checkin), "checkins/_rating_status.html")


@login_required
@require_POST
def save_outcome(request, pk: int):
    """Autosave of one statement's agreed outcome (either of the two, together)."""
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if not access.can_save_outcome(viewer, checkin):
        raise Refused("The outcome is agreed by the person and their manager.")
    return _save(request, checkin, "agreed", "checkins/_rating_status.html")


def _save(request, checkin: CheckIn, side: str, template: str):
    post = request.POST
    statement_id = post.get("statement", "")
    stale = post.get("take_revision")  # "save mine over it", after seeing a conflict
    revision = _revision(stale if stale is not None else post.get("revision"))
    evidence_ids = None
    if side == "self":
        evidence_ids = [n for n in map(parse_id, post.getlist("evidence")) if n is not None]
    scope = scopes.of_checkin(checkin)
    item = scope.item(statement_id)
    context = {"checkin": checkin, "side": side, "item": item,
               "anchor": rows.anchor_of(statement_id)}
    voice = {"value": post.get("value", ""), "reason": post.get("reason", ""),
             "comment": post.get("comment", ""), "revision": revision}
    try:
        if side == "agreed":
            _, saved = actions.save_outcome(request.user, checkin, statement_id, **voice,
                                            seen=post.get("seen"))
        else:
            _, _, saved = actions.save_rating(request.user, checkin, statement_id, **voice,
                                              evidence_ids=evidence_ids)
    except loop.Conflict as conflict:
        context.update(conflict=conflict, stored=conflict.entry.voice(side) if conflict.entry
                       else None)
        status = 409
    except loop.LoopError as problem:
        context.update(problem=str(problem))
        status = 422
    else:
        context.update(saved=saved, revision=saved.revision, seen=saved.seen)
        if side != "agreed":
            context.update(progress=rows.progress(checkin, scope, side), scope=scope,
                           area=scope.area(item.area.slug))
        status = 200
    if is_htmx(request):
        # htmx leaves 4xx responses unswapped, and the message must show: 200 with the news.
        return render(request, template, context)
    if status == 200:
        messages.success(request, "Saved.")
    else:
        messages.error(request, str(context.get("conflict") or context.get("problem")))
    if side == "agreed":
        return redirect(reverse("checkins:compare", args=[checkin.pk]) + f"#s-{context['anchor']}")
    if status != 200 and item is not None:
        # Without JavaScript the page is drawn again with the input as posted, so it is kept.
        page = _area_context(request.user, checkin, scope, item.area.slug)
        for row in page["rows"]:
            if row.item.statement.id == statement_id:
                row.voices[side] = {"value": post.get("value", ""),
                                    "reason": post.get("reason", ""),
                                    "comment": post.get("comment", ""), "revision": revision}
                row.problem = str(context.get("conflict") or context.get("problem"))
                row.stored = context.get("stored")
        return render(request, "checkins/area.html", page, status=status)
    target = item.area.slug if item else scope.areas[0].area.slug
    return redirect(reverse("checkins:area", args=[checkin.pk, target])
                    + f"#s-{context['anchor']}")


@login_required
@require_POST
def submit(request, pk: int):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    try:
        checkin = actions.submit(viewer, checkin)
    except loop.LoopError as problem:
        messages.error(request, str(problem))
        return redirect("checkins:checkin", pk=checkin.pk)
    messages.success(request, "Submitted. " + (
        "Both sides are in: the side-by-side view is open." if checkin.both_submitted else
        "The side-by-side view opens when the other side has submitted too."))
    return redirect("checkins:checkin", pk=checkin.pk)


# --- side by side, agreeing, closing ----------------------------------------------------------

@login_required
@require_safe
def compare(request, pk: int):
    viewer = request.user
    checkin = actions.read_checkin(viewer, pk, "side by side")
    scope = scopes.of_checkin(checkin)
    sides = visible_sides(viewer, checkin)
    if not checkin.both_submitted:
        return render(request, "checkins/compare.html", {
            "checkin": checkin, "scope": scope, "closed_view": True, "rows": [],
            "waiting": True}, status=200)
    # Taken before the rows are read: a change landing in between makes the close refused
    # (the safe way round), never frozen unseen.
    seen = loop.agreed_fingerprint(checkin)
    shown = rows.build(checkin, scope, sides, evidence=loop.frozen_evidence(checkin))
    for row in shown:
        row.difference = row.disagreement(scope.scale)
    # Disagreements first, the widest first, then in the framework's order.
    shown.sort(key=lambda row: (row.difference == 0, -row.difference, row.item.position))
    return render(request, "checkins/compare.html", {
        "checkin": checkin, "scope": scope, "rows": shown, "choices": scope.choices,
        "disagreements": sum(row.difference > 0 for row in shown),
        "can_agree": access.can_agree_checkin(viewer, checkin) and not checkin.is_closed,
        "can_close": access.can_close_checkin(viewer, checkin) and not checkin.is_closed,
        "unagreed": sum(not row.voices["agreed"]["value"] for row in shown),
        "seen": seen,
        "feedback_rows": feedback.rows_for(checkin)
        if access.can_read_feedback(viewer, checkin) else [],
    })


@login_required
@require_POST
def agree_matching(request, pk: int):
    """Take every statement both rated alike as agreed, where nothing is agreed yet."""
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    try:
        _, count = actions.agree_matching(viewer, checkin)
    except loop.LoopError as problem:
        messages.error(request, str(problem))
    else:
        verb = "is" if count == 1 else "are"
        messages.success(request, f"{counted(count, 'statement')} rated alike {verb} now agreed.")
    return redirect("checkins:compare", pk=checkin.pk)


@login_required
@require_POST
def save_summary(request, pk: int):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    if not access.can_save_summary(viewer, checkin):
        raise Refused("The summary is written by the person and their manager.")
    revision = _revision(request.POST.get("take_revision") or request.POST.get("revision"))
    context = {"checkin": checkin}
    try:
        _, saved = actions.save_summary(viewer, checkin, request.POST.get("summary", ""),
                                        revision, seen=request.POST.get("seen"))
        context.update(revision=saved.revision, seen=saved.seen)
    except loop.Conflict as conflict:
        checkin.refresh_from_db(fields=["summary", "summary_revision"])
        context.update(conflict=conflict, stored_summary=checkin.summary,
                       stored_revision=checkin.summary_revision)
    except loop.LoopError as problem:
        context["problem"] = str(problem)
    if is_htmx(request):
        return render(request, "checkins/_summary_status.html", context)
    if "revision" in context:
        messages.success(request, "Summary saved.")
    else:
        messages.error(request, str(context.get("conflict") or context.get("problem")))
    return redirect(reverse("checkins:compare", args=[checkin.pk]) + "#summary")


@login_required
@require_POST
def close(request, pk: int):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    try:
        actions.close(viewer, checkin, seen=request.POST.get("seen", ""))
    except (loop.LoopError, loop.Conflict) as problem:
        messages.error(request, str(problem))
        return redirect("checkins:compare", pk=checkin.pk)
    messages.success(request, "Closed. The record is kept as it stands now.")
    return redirect("checkins:checkin", pk=checkin.pk)


@login_required
@require_POST
def carry(request, pk: int):
    viewer = request.user
    checkin = checkin_or_404(viewer, pk)
    try:
        _, version = actions.move(viewer, checkin)
    except (loop.LoopError, loop.ClosedCheckInError) as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"Moved to version {version.label}; ratings went along with "
                         "their statements.")
    return redirect("checkins:checkin", pk=checkin.pk)
