"""Review cycle URLs, under /cycles/."""

from django.urls import path

from . import views

app_name = "cycles"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.create, name="new"),
    path("<int:pk>/", views.cycle_page, name="cycle"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/launch/", views.launch_cycle, name="launch"),
    path("<int:pk>/remind/", views.remind, name="remind"),
    path("<int:pk>/deadlines/", views.move_deadline, name="deadline"),
    path("<int:pk>/reviewers/", views.reassign, name="reassign"),
    path("<int:pk>/close/", views.close, name="close"),
]
