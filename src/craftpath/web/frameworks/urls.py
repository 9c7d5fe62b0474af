"""The page set's URLs: the same paths as the static site's files, so relative links work in
both. The active version lives at /, every version (active or not) under /v/<label>/."""

from django.urls import include, path

from . import draft_views, importing, versions_views, views

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

# Drafts and version tools come before the page set, whose first segment is a family slug.
drafts = [
    path("", draft_views.home, name="draft-home"),
    path("new/", draft_views.open_new, name="draft-new"),
    path("<int:pk>/", draft_views.overview, name="draft"),
    path("<int:pk>/edit/", draft_views.edit, name="draft-edit"),
    path("<int:pk>/review/", draft_views.review_page, name="draft-review"),
    path("<int:pk>/preview/", draft_views.preview, name="draft-preview"),
    path("<int:pk>/preview/<path:page>", draft_views.preview),
    path("<int:pk>/publish/", draft_views.publish, name="draft-publish"),
    path("<int:pk>/discard/", draft_views.discard, name="draft-discard"),
    path("<int:pk>/<slug:family>/", draft_views.family, name="draft-family"),
    path("<int:pk>/<slug:family>/areas/<slug:area>/", draft_views.area, name="draft-area"),
]

urlpatterns = [
    path("drafts/", include(drafts)),
    path("versions/compare/", versions_views.compare, name="versions-compare"),
    path("versions/carry/", versions_views.carry, name="versions-carry"),
    path("versions/", views.versions, name="versions"),
    path("import/", importing.import_page, name="import"),
    path("import/publish/", importing.publish_import, name="import-publish"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("v/<slug:version>/", include(pages)),
    path("", include(pages)),
]
