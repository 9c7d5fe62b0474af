"""Sign-in, password reset, second factor, single sign-on, the people pages and data rights."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import rights_views, two_factor_views, views
from .forms import DirectoryPasswordResetForm

FORM = "accounts/form.html"
MESSAGE = "accounts/message.html"

PASSWORD_PAGES = [
    path("password/", auth_views.PasswordChangeView.as_view(
        template_name=FORM, extra_context={"title": "Change your password"}),
        name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(
        template_name=MESSAGE, extra_context={"title": "Password changed",
                                              "message": "Your password has been changed."}),
        name="password_change_done"),
    path("password/reset/", auth_views.PasswordResetView.as_view(
        template_name=FORM, email_template_name="accounts/password_reset_email.txt",
        subject_template_name="accounts/password_reset_subject.txt",
        form_class=DirectoryPasswordResetForm,
        extra_context={"title": "Reset your password",
                       "intro": "We will email you a link to choose a new password."}),
        name="password_reset"),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name=MESSAGE, extra_context={
            "title": "Check your email",
            "message": "If an account has that address, a link to choose a new password is "
                       "on its way."}),
        name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm"),
    path("password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(
        template_name=MESSAGE, extra_context={
            "title": "Password set", "message": "Your new password is set; sign in with it.",
            "link": "/accounts/login/", "link_text": "Sign in"}),
        name="password_reset_complete"),
]

accounts = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only in Django 5
    # With single sign-on required these pages say so instead.
    *[path(str(p.pattern), views.passwords_in_use(p.callback), name=p.name)
      for p in PASSWORD_PAGES],
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("2fa/", two_factor_views.setup, name="two-factor"),
    path("2fa/verify/", two_factor_views.verify, name="two-factor-verify"),
    path("2fa/recovery-codes/", two_factor_views.new_codes, name="two-factor-codes"),
    path("2fa/off/", two_factor_views.turn_off, name="two-factor-off"),
    path("sso/", views.oidc_start, name="oidc-start"),
    path("sso/callback/", views.oidc_callback, name="oidc-callback"),
]

people = [
    path("", views.people, name="people"),
    path("me/", views.me, name="me"),
    path("org/", views.org_chart, name="org-chart"),
    path("directory.csv", views.export_directory, name="directory-export"),
    path("<int:pk>/", views.person, name="person"),
    path("<int:pk>/notes/", views.add_note, name="note-add"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/notes/<int:note_pk>/", views.note, name="note"),
    path("<int:pk>/notes/<int:note_pk>/delete/", views.delete_note, name="note-delete"),
]

rights = [
    path("", rights_views.your_data, name="rights"),
    path("my-data.zip", rights_views.download, name="rights-download"),
    path("people/<int:pk>/erase/", rights_views.erase, name="rights-erase"),
]
