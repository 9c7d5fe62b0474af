"""Notification URLs, under /notifications/."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("read/", views.read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
    path("failed/", views.failed, name="failed"),
    path("failed/retry/", views.retry, name="retry"),
]
