"""Promotion URLs, under /promotions/."""

from django.urls import path

from . import views

app_name = "promotions"

urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.open_round, name="open"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/committees/", views.set_committee, name="committee"),
    path("rounds/<int:pk>/close/", views.close_round, name="close"),
    path("rounds/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("cases/<int:pk>/", views.case_page, name="case"),
    path("cases/<int:pk>/statement/", views.person_statement, name="statement"),
    path("cases/<int:pk>/feedback/", views.share_feedback, name="feedback"),
    path("cases/<int:pk>/vote/", views.vote, name="vote"),
    path("cases/<int:pk>/decide/", views.decide, name="decide"),
    path("cases/<int:pk>/packet.<str:fmt>", views.case_packet, name="packet"),
    path("committees/<int:pk>/", views.calibration, name="calibration"),
    path("decisions.csv", views.decisions_csv, name="decisions-csv"),
    path("decisions.xlsx", views.decisions_xlsx, name="decisions-xlsx"),
    path("figures/", views.figures_page, name="figures"),
]
