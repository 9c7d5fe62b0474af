"""Check-in URLs, all under /checkins/ (included by the project's urls.py)."""

from django.urls import path

from . import evidence_views, feedback_views, file_views, progress_views, suggestion_views, views

app_name = "checkins"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("team/", progress_views.team, name="team"),
    path("evidence/", evidence_views.evidence_log, name="evidence"),
    path("evidence/suggest/", suggestion_views.evidence_suggest, name="evidence-suggest"),
    path("evidence/<int:pk>/", evidence_views.evidence_edit, name="evidence-edit"),
    path("evidence/<int:pk>/delete/", evidence_views.evidence_delete, name="evidence-delete"),
    path("people/<int:pk>/", progress_views.progress, name="progress"),
    path("people/<int:pk>/focus/", progress_views.focus_add, name="focus-add"),
    path("people/<int:pk>/goals/", progress_views.goal_add, name="goal-add"),
    path("focus/<int:pk>/delete/", progress_views.focus_delete, name="focus-delete"),
    path("goals/<int:pk>/", progress_views.goal_update, name="goal"),
    path("feedback/<int:pk>/", feedback_views.answer, name="feedback-answer"),
    path("feedback/<int:pk>/decline/", feedback_views.decline, name="feedback-decline"),
    path("<int:pk>/", views.checkin_page, name="checkin"),
    path("<int:pk>/feedback/", feedback_views.checkin_feedback, name="feedback"),
    path("<int:pk>/areas/<slug:area>/", views.area_page, name="area"),
    path("<int:pk>/ratings/", views.save_rating, name="rate"),
    path("<int:pk>/evidence/", evidence_views.evidence_inline, name="evidence-inline"),
    path("<int:pk>/evidence/<int:evidence_pk>/suggestions/", suggestion_views.evidence_unlinked,
         name="evidence-unlinked"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/compare/", views.compare, name="compare"),
    path("<int:pk>/outcomes/", views.save_outcome, name="outcome"),
    path("<int:pk>/outcomes/matching/", views.agree_matching, name="agree-matching"),
    path("<int:pk>/summary/", views.save_summary, name="summary"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/carry/", views.carry, name="carry"),
    path("<int:pk>/export.<str:fmt>", file_views.export, name="export"),
    path("<int:pk>/import/", file_views.import_sheet, name="import"),
    path("<int:pk>/packet.<str:fmt>", file_views.packet_file, name="packet"),
]
