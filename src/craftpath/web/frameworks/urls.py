"""The page set's URLs: the same paths as the static site's files, so relative links work in
both. The active version lives at /, every version (active or not) under /v/<label>/."""

from django.urls import include, path

from . import importing, views

pages = [
    path("", views.home, name="home"),
    path("index.html", views.home),
    path("glossary.html", views.glossary, name="glossary"),
    path("search.html", views.search, name="search"),
    path("search-index.js", views.search_index, name="search-index"),
    path("print.html", views.print_all, name="print"),
    path("print.pdf", views.print_pdf, name="print-pdf"),
    path("framework.json", views.framework_json, name="json"),
    path("<slug:family>/matrix.html", views.matrix, name="matrix"),  # before levels
    path("<slug:family>/<slug:level>.html", views.level, name="level"),
    path("<slug:family>/<slug:level>.pdf", views.level_pdf, name="level-pdf"),
    path("<slug:family>/areas/<slug:area>.html", views.area, name="area"),
    path("<slug:family>/compare/", views.compare_index, name="compare-index"),
    path("<slug:family>/compare/index.html", views.compare_index),
    path("<slug:family>/compare/<slug:before>/<slug:after>.html", views.compare,
         name="compare"),
]

urlpatterns = [
    path("versions/", views.versions, name="versions"),
    path("import/", importing.import_page, name="import"),
    path("import/publish/", importing.publish_import, name="import-publish"),
    path("healthz", views.health, name="health"),
    path("v/<slug:version>/", include(pages)),
    path("", include(pages)),
]
