"""Insights URLs, all under /insights/ (included by the project's urls.py)."""

from django.urls import path

from . import views
from .pages import VIEWS

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/assistant/", views.assistant_learning, name="assistant-learning"),
    path("attributes/", views.attributes, name="attributes"),
    path("attributes/withdraw/", views.withdraw_attribute, name="withdraw"),
]
for slug in VIEWS:
    # One route per view (not a <slug:> parameter), so the access matrix names each page.
    urlpatterns += [
        path(f"{slug}/", views.page, {"slug": slug}, name=slug),
        path(f"{slug}.<str:fmt>", views.export, {"slug": slug}, name=f"{slug}-export"),
    ]
