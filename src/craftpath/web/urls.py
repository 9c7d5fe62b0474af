"""Project URLs: the framework pages (the active version at /, any version under /v/<label>/)."""

from django.urls import include, path

urlpatterns = [
    path("", include("craftpath.web.frameworks.urls")),
]

handler404 = "craftpath.web.frameworks.views.not_found"
handler500 = "craftpath.web.frameworks.views.server_error"
