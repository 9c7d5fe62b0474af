"""A draft's preview: the published pages, drawn from the draft, under /drafts/<id>/preview/.

The same page set and templates as the public pages (pages.py), so what the preview shows is
what publishing will show; links stay inside the preview because every page's links are
relative to its root.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect

from craftpath.present.pages import PageNotFound, PageSet, search_index_script
from craftpath.present.render import Where, render

from .drafts import framework_of_draft
from .models import Draft
from .publishing import active_version

SLUG = r"[-a-zA-Z0-9_]+"
ROUTES = [  # (pattern, page set method)
    (r"(?:index\.html)?", "home"),
    (r"glossary\.html", "glossary"),
    (r"print\.html", "print_all"),
    (r"search\.html", "search"),
    (rf"(?P<family>{SLUG})/matrix\.html", "matrix"),
    (rf"(?P<family>{SLUG})/(?P<level>{SLUG})\.html", "level"),
    (rf"(?P<family>{SLUG})/areas/(?P<area>{SLUG})\.html", "area"),
    (rf"(?P<family>{SLUG})/compare/(?:index\.html)?", "compare_index"),
    (rf"(?P<family>{SLUG})/compare/(?P<before>{SLUG})/(?P<after>{SLUG})\.html", "compare"),
]


def preview_response(request, draft: Draft, page: str) -> HttpResponse:
    pages = PageSet(framework_of_draft(draft))
    root = f"/drafts/{draft.pk}/preview/"
    if page == "search-index.js":
        return HttpResponse(search_index_script(pages), content_type="text/javascript")
    active = active_version()
    where = Where(root, settings.STATIC_URL, app=True, version=f"draft {draft.pk} (preview)",
                  active_version=active.label if active else "")
    for pattern, method in ROUTES:
        match = re.fullmatch(pattern, page)
        if match is None:
            continue
        arguments = match.groups()
        if method == "search":
            arguments = (request.GET.get("q", "")[:200],)
        before, after = request.GET.get("before", ""), request.GET.get("after", "")
        if method == "compare_index" and re.fullmatch(SLUG, before) and \
                re.fullmatch(SLUG, after):
            return HttpResponseRedirect(f"{root}{arguments[0]}/compare/{before}/{after}.html")
        try:
            made = getattr(pages, method)(*arguments)
        except PageNotFound as missing:
            raise Http404(str(missing)) from None
        return HttpResponse(render(made, where))
    raise Http404(f"The preview has no page {page!r}.")
