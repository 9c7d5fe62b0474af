"""Template context for the app's pages: the plain variables the shared layout reads.

The layout (present/templates/craftpath/layout.html) is also rendered by the static build's
standalone engine, which passes these itself; here the project's engine gets them for every
request, so accounts/base.html and everything extending it need not repeat them."""

from django.conf import settings

from craftpath.present.render import HTMX

from . import access

SECTIONS = (("/people/org/", "org"), ("/people/", "people"), ("/checkins/", "checkins"),
            ("/home/", "home"), ("/insights/", "insights"), ("/notifications/", "inbox"),
            ("/cycles/", "cycles"), ("/promotions/", "promotions"), ("/drafts/", "drafts"),
            ("/import/", "import"), ("/audit/me/", "me"), ("/audit/", "audit"),
            ("/versions/", "framework"))


def layout(request):
    path = getattr(request, "path", "")
    section = next((name for prefix, name in SECTIONS if path.startswith(prefix)), "")
    user = getattr(request, "user", None)
    return {"static": settings.STATIC_URL, "root": "/", "app": True, "htmx": HTMX,
            "nav_section": section,  # which top link is aria-current
            "can_view_insights": user is not None and access.can_view_insights(user),
            "can_run_cycles": user is not None and access.can_run_cycles(user),
            # the entries of the site menu that only some roles have
            "can_edit_framework": user is not None and access.can_edit_framework(user),
            "can_import_framework": user is not None and access.can_import_framework(user),
            "can_search_audit": user is not None and access.can_search_audit(user)}
