"""Draft pages: open, edit (htmx, or plain forms without JavaScript), review, preview,
publish, discard. Framework editors only (access.can_edit_framework).

An edit posts to one address with the page it came from; with htmx the answer is that page's
editor part, drawn again with the outcome and fresh lint findings (always 200, so htmx swaps
it in); without, a redirect back, or the page with the problem (400) or conflict (409).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access
from craftpath.web.actions import Invalid
from craftpath.web.actions import frameworks as framework_actions

from . import draft_edits, drafts, gitcopy
from .draft_pages import area_context, family_context, overview_context
from .models import Draft
from .publishing import active_version, framework_of
from .review import review


def editor_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not access.signed_in(request.user):
            return redirect_to_login(request.get_full_path())
        if not access.can_edit_framework(request.user):
            raise PermissionDenied("Drafts are for framework editors.")
        return view(request, *args, **kwargs)
    return wrapped


def _draft(pk: int) -> Draft:
    # The document is large and usually parsed already (drafts.framework_of_draft).
    drafts_ = Draft.objects.select_related("base", "created_by", "updated_by")
    return get_object_or_404(drafts_.defer("document", "base__document"), pk=pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- the list, opening, discarding ------------------------------------------------------------

@require_safe
@editor_required
def home(request):
    return render(request, "drafts/home.html", {
        "drafts": Draft.objects.select_related("base", "created_by", "updated_by"),
        "active": active_version()})


@require_POST
@editor_required
def open_new(request):
    try:
        draft = drafts.open_draft(request.user)
    except drafts.DraftError as problem:
        messages.error(request, str(problem))
        return redirect("draft-home")
    messages.success(request, f"Draft opened from version {draft.base.label}.")
    return redirect("draft", pk=draft.pk)


@require_POST
@editor_required
def discard(request, pk: int):
    draft = _draft(pk)
    drafts.discard(draft)
    messages.success(request, f"Draft {pk} discarded; the published versions are unchanged.")
    return redirect("draft-home")


# --- editing ----------------------------------------------------------------------------------

PAGES = {
    "overview": ("drafts/overview.html", "drafts/_overview_editor.html"),
    "family": ("drafts/family.html", "drafts/_family_editor.html"),
    "area": ("drafts/area.html", "drafts/_area_editor.html"),
}


def _page_context(draft: Draft, page: str) -> tuple[str, dict]:
    """('overview' | 'family' | 'area', context) for a page key such as 'area:fam:ml-ops'."""
    kind, _, rest = page.partition(":")
    if kind == "family":
        return kind, family_context(draft, rest)
    if kind == "area":
        family, _, area = rest.partition(":")
        return kind, area_context(draft, family, area)
    return "overview", overview_context(draft)


@require_safe
@editor_required
def overview(request, pk: int):
    return _show(request, _draft(pk), "overview")


@require_safe
@editor_required
def family(request, pk: int, family: str):
    return _show(request, _draft(pk), f"family:{family}")


@require_safe
@editor_required
def area(request, pk: int, family: str, area: str):
    return _show(request, _draft(pk), f"area:{family}:{area}")


def _show(request, draft: Draft, page: str, status: int = 200, fragment: bool = False,
          **outcome) -> HttpResponse:
    try:
        kind, context = _page_context(draft, page)
    except LookupError as missing:
        raise Http404(str(missing)) from None
    context.update(outcome, draft=draft, page=page,
                   edit_url=reverse("draft-edit", args=[draft.pk]))
    template = PAGES[kind][1 if fragment else 0]
    return render(request, template, context, status=status)


def _page_url(draft: Draft, page: str) -> str:
    kind, _, rest = page.partition(":")
    if kind == "family":
        return reverse("draft-family", args=[draft.pk, rest])
    if kind == "area":
        family, _, area = rest.partition(":")
        return reverse("draft-area", args=[draft.pk, family, area])
    return reverse("draft", args=[draft.pk])


def _go(request, url: str) -> HttpResponse:
    """Send the browser to `url`: htmx follows HX-Redirect, a plain form a redirect."""
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@editor_required
def edit(request, pk: int):
    htmx = _is_htmx(request)
    try:
        draft = _draft(pk)
    except Http404:
        messages.error(request, "This draft was published or discarded by someone else; "
                       "nothing was saved.")
        return _go(request, reverse("draft-home"))
    page = request.POST.get("page", "overview")[:300]
    outcome: dict = {}
    try:
        try:
            seen = int(request.POST.get("revision", ""))
        except ValueError:
            raise drafts.EditError("the form has no revision; reload the page") from None
        asked = draft_edits.parse(request.POST, drafts.reserved_ids(draft))
        outcome["yours"] = asked.yours
        drafts.apply(draft, seen, asked.seen(request.POST), asked.change, request.user)
        status, outcome["done"] = 200, asked.done
    except drafts.EditError as problem:
        status, outcome["problem"] = 400, str(problem)
        outcome["problem_field"] = problem.field
    except drafts.StaleEdit as conflict:
        status, outcome["conflict"] = 409, conflict
    except drafts.DraftError as problem:
        status, outcome["problem"] = 409, str(problem)
    try:
        if htmx:
            return _show(request, draft, page, 200, fragment=True, **outcome)
        if status == 200:
            messages.success(request, outcome["done"])
            return redirect(_page_url(draft, page))
        return _show(request, draft, page, status, **outcome)
    except Http404:
        # The page's own item is gone (an area someone removed): go up to the draft.
        message = outcome.get("done") or outcome.get("problem") or str(outcome.get("conflict"))
        messages.info(request, f"{message} The page you were on no longer exists in the "
                      "draft.")
        return _go(request, reverse("draft", args=[draft.pk]))


# --- reviewing and previewing -----------------------------------------------------------------

@require_safe
@editor_required
def review_page(request, pk: int):
    draft = _draft(pk)
    active = active_version()
    against = active or draft.base
    return render(request, "drafts/review.html", {
        "draft": draft, "against": against, "findings": drafts.findings_of(draft),
        "review": review(framework_of(against), drafts.framework_of_draft(draft))})


@require_safe
@editor_required
def preview(request, pk: int, page: str = ""):
    from .preview import preview_response

    draft = _draft(pk)
    return preview_response(request, draft, page)


# --- publishing -------------------------------------------------------------------------------

@editor_required
def publish(request, pk: int):
    draft = _draft(pk)
    findings = drafts.findings_of(draft)
    context = {"draft": draft, "findings": findings, "active": active_version(),
               "git": _git_description()}
    if request.method == "POST":
        note = request.POST.get("note", "")
        try:
            seen = int(request.POST.get("revision", ""))
        except ValueError:
            seen = -1  # a form without one: refused as changed, and drawn again
        try:
            published = framework_actions.publish_draft(request.user, draft, note, seen)
        except (drafts.DraftError, gitcopy.GitError, Invalid) as problem:
            context.update(problem=getattr(problem, "message", str(problem)), note=note)
            return render(request, "drafts/publish.html", context, status=409)
        version = published.version
        told = f"{published.told} {'person' if published.told == 1 else 'people'}"
        messages.success(request, f"Published version {version.label}"
                         f"{f' (commit {version.commit[:12]})' if version.commit else ''}. "
                         f"{told} with an open check-in on an older version will be told in "
                         "their inbox and by email.")
        return redirect("versions")
    if request.method not in ("GET", "HEAD"):
        return HttpResponse(status=405)
    return render(request, "drafts/publish.html", context)


def _git_description() -> str:
    try:
        copy = gitcopy.configured()
    except gitcopy.GitError as problem:
        return f"The git working copy is not usable: {problem}"
    if copy is None:
        return ""
    return f"{copy.file} in {copy.directory} is written and committed with your change note."
