"""Project URLs: sign-in and people (accounts), the admin site, and the framework pages (the
active version at /, any version under /v/<label>/). The people routes come first because the
framework's routes start with a family slug, which matches almost anything."""

from django.contrib import admin
from django.urls import include, path

from . import health, metrics
from .accounts import urls as accounts
from .cycles import home

urlpatterns = [
    path("accounts/", include(accounts.accounts)),
    path("people/", include(accounts.people)),
    path("rights/", include(accounts.rights)),
    path("checkins/", include("craftpath.web.checkins.urls")),
    path("insights/", include("craftpath.web.insights.urls")),
    path("home/", home.home, name="my-home"),
    path("cycles/", include("craftpath.web.cycles.urls")),
    path("promotions/", include("craftpath.web.promotions.urls")),
    path("notifications/", include("craftpath.web.notifications.urls")),
    path("audit/", include("craftpath.web.audit.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.alive, name="health"),
    path("readyz", health.ready, name="ready"),
    path("metrics", metrics.scrape, name="metrics"),
    path("", include("craftpath.web.api.urls")),  # /api/v1/, /api/tokens/, /scim/v2/
    path("", include("craftpath.web.frameworks.urls")),
]

handler403 = "craftpath.web.frameworks.views.forbidden"
handler404 = "craftpath.web.frameworks.views.not_found"
handler500 = "craftpath.web.frameworks.views.server_error"
