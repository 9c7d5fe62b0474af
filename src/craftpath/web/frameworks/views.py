"""Thin views: find the version, ask the page set for a page, render it.

Unknown families, levels, areas and versions become 404s through PageNotFound; nothing about
the framework's content can raise past here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from craftpath.core.formats import canonical
from craftpath.present.pages import Page, PageNotFound, PageSet, search_index_script
from craftpath.present.render import SITE_BAR_SLOT, Where, render, render_template

from . import pdf, publishing
from .cache import RenderedPages


def _version_and_where(version: str | None):
    active = publishing.active_version()
    if version is None:
        if active is None:
            return None, Where("/", settings.STATIC_URL, app=True)
        return active, Where("/", settings.STATIC_URL, app=True)
    chosen = publishing.version_labelled(version)
    if chosen is None:
        raise Http404(f"There is no published version {version!r}.")
    older = active is not None and active.pk != chosen.pk
    return chosen, Where(f"/v/{chosen.label}/", settings.STATIC_URL, app=True,
                         version=chosen.label if older else "",
                         active_version=active.label if older else "")


def _pages(version: str | None) -> tuple[PageSet, Where]:
    pages, where, _digest = _pages_and_digest(version)
    return pages, where


def _pages_and_digest(version: str | None) -> tuple[PageSet, Where, str]:
    chosen, where = _version_and_where(version)
    if chosen is None:
        raise Http404("No framework is published yet.")
    return PageSet(publishing.framework_of(chosen)), where, chosen.content_hash


# A published version never changes, so a page rendered for it can be kept: the key holds the
# content hash and everything else the HTML depends on (the address and the version note).
_rendered = RenderedPages(maxsize=512)


def site_bar(request: HttpRequest, section: str = "") -> str:
    """A signed-in person's header bar (the app's name and menu, entries by role) as HTML, for
    the pages present/ renders; "" for anyone else, who gets the framework's own links."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return render_to_string("accounts/_site_bar.html", {"nav_section": section}, request)


def _show(version: str | None, make_page, request: HttpRequest) -> HttpResponse:
    pages, where, digest = _pages_and_digest(version)
    bar = site_bar(request, "framework")
    key = (digest, request.get_full_path(), where, bool(bar))
    html = _rendered.get(key)
    if html is None:
        try:
            page: Page = make_page(pages)
        except PageNotFound as missing:
            raise Http404(str(missing)) from None
        html = _rendered.put(key, render(page, where, SITE_BAR_SLOT if bar else ""))
    return HttpResponse(html.replace(SITE_BAR_SLOT, bar, 1) if bar else html)


@require_safe
def home(request: HttpRequest, version: str | None = None) -> HttpResponse:
    chosen, where = _version_and_where(version)
    if chosen is None:
        return HttpResponse(render_template(
            "pages/message.html", where, site_bar(request, "framework"),
            page_title="Nothing published yet",
            heading="Nothing published yet",
            message="Publish a framework with `craftpath publish PATH`, or start the app "
                    "with `craftpath serve` to load the bundled one."))
    return _show(version, lambda pages: pages.home(), request)


@require_safe
def level(request, family: str, level: str, version: str | None = None):
    return _show(version, lambda pages: pages.level(family, level), request)


@require_safe
def area(request, family: str, area: str, version: str | None = None):
    return _show(version, lambda pages: pages.area(family, area), request)


@require_safe
def matrix(request, family: str, version: str | None = None):
    return _show(version, lambda pages: pages.matrix(family), request)


@require_safe
def compare(request, family: str, before: str, after: str, version: str | None = None):
    return _show(version, lambda pages: pages.compare(family, before, after), request)


@require_safe
def compare_index(request, family: str, version: str | None = None):
    """With ?before=&after= (the chooser form), go to that pair's page."""
    before, after = request.GET.get("before", ""), request.GET.get("after", "")
    if before and after:
        pages, where = _pages(version)
        try:
            pages.compare(family, before, after)  # checks the pair before sending anyone there
        except PageNotFound as missing:
            raise Http404(str(missing)) from None
        return HttpResponseRedirect(f"{where.root}{family}/compare/{before}/{after}.html")
    return _show(version, lambda pages: pages.compare_index(family), request)


@require_safe
def glossary(request, version: str | None = None):
    return _show(version, lambda pages: pages.glossary(), request)


@require_safe
def search(request, version: str | None = None):
    query = request.GET.get("q", "")[:200]
    return _show(version, lambda pages: pages.search(query), request)


@require_safe
def search_index(request, version: str | None = None):
    pages, _where = _pages(version)
    return HttpResponse(search_index_script(pages), content_type="text/javascript")


@require_safe
def print_all(request, version: str | None = None):
    return _show(version, lambda pages: pages.print_all(), request)


@require_safe
def framework_json(request, version: str | None = None):
    pages, _where = _pages(version)
    return JsonResponse(canonical.to_document(pages.framework),
                        json_dumps_params={"ensure_ascii": False, "indent": 2})


@require_safe
def level_pdf(request, family: str, level: str, version: str | None = None):
    pages, where = _pages(version)
    try:
        page = pages.level(family, level)
    except PageNotFound as missing:
        raise Http404(str(missing)) from None
    if page.context["level"].missing:
        raise Http404("This level has no page, so there is nothing to print.")
    return _pdf_response(page, f"{family}-{level}.pdf", where)


@require_safe
def print_pdf(request, version: str | None = None):
    pages, where = _pages(version)
    return _pdf_response(pages.print_all(), "framework.pdf", where)


def _pdf_response(page: Page, filename: str, where: Where) -> HttpResponse:
    try:
        data = pdf.page_to_pdf(page)
    except pdf.PdfUnavailable as problem:
        response = HttpResponse(render_template(
            "pages/message.html", where, page_title="PDF not available",
            heading="PDF not available", message=str(problem)), status=503)
        if isinstance(problem, pdf.PdfBusy):
            response["Retry-After"] = str(problem.retry_after)
        return response
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def versions(request):
    from craftpath.web import access

    return HttpResponse(render_template(
        "pages/versions.html", Where("/", settings.STATIC_URL, app=True),
        site_bar(request, "framework"), page_title="Published versions",
        versions=publishing.all_versions(),
        messages=list(get_messages(request)),  # this page is outside Django's request context
        can_edit=access.can_edit_framework(request.user),
        can_carry=access.can_carry_checkins_in_bulk(request.user)))


def not_found(request, exception=None):
    reason = exception.args[0] if exception is not None and exception.args else ""
    # Resolver404 carries a dict of tried patterns; only show our own plain messages.
    message = reason if isinstance(reason, str) and reason else ""
    html = render_template("pages/404.html", Where("/", settings.STATIC_URL, app=True),
                           site_bar(request), page_title="Not found", message=message)
    return HttpResponseNotFound(html)


def forbidden(request, exception=None):
    # An action's refusal says why, written for the person (actions/errors.py); Django's own
    # (the admin site's) carry no message and get the general one.
    reason = exception.args[0] if exception is not None and exception.args else ""
    general = ("Your account does not allow this page or action. If you think it should, ask "
               "your people team or an administrator.")
    html = render_template("pages/error.html", Where("/", settings.STATIC_URL, app=True),
                           site_bar(request), page_title="Not allowed",
                           heading="You may not do this",
                           message=reason if isinstance(reason, str) and reason else general)
    return HttpResponseForbidden(html)


def csrf_failure(request, reason=""):
    """A refused form post (an expired page, cookies off) as a styled page that says what to do."""
    html = render_template("pages/error.html", Where("/", settings.STATIC_URL, app=True),
                           page_title="Form expired", heading="This form could not be sent",
                           message="The page was open too long or your browser refused its "
                                   "cookie. Go back, reload the page and send it again.")
    return HttpResponseForbidden(html)


def server_error(request):
    # The page must not fail in turn: it is plain template rendering, with a bare fallback.
    try:
        html = render_template("pages/error.html",
                               Where("/", settings.STATIC_URL, app=True),
                               page_title="Something went wrong",
                               heading="Something went wrong",
                               message="The error was logged. Try again in a moment.")
    except Exception:  # noqa: BLE001 - the last resort must answer whatever went wrong
        html = ("<!DOCTYPE html><html lang=\"en\"><title>Something went wrong</title>"
                "<main><h1>Something went wrong</h1><p>The error was logged. "
                "<a href=\"/\">Back to the home page</a>.</p></main></html>")
    return HttpResponseServerError(html)


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): send them to the
    SVG the layout names."""
    return HttpResponseRedirect(f"{settings.STATIC_URL}craftpath/favicon.svg")
