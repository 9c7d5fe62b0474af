"""Forms for the people pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from .models import Note


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for email (the field keeps the name `username`, which
    django-axes reads to count failures per account)."""

    username = forms.EmailField(label="Email", widget=forms.EmailInput(
        attrs={"autofocus": True, "autocomplete": "email"}))

    def clean(self):
        from django.conf import settings

        if settings.SSO_REQUIRED:
            raise forms.ValidationError("Sign in with single sign-on; passwords are not used "
                                        "here.", code="sso_required")
        return super().clean()


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text", "private"]
        labels = {"private": "Private: only I can ever read it"}
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class DirectoryImportForm(forms.Form):
    file = forms.FileField(label="Directory CSV",
                           help_text="Columns: email, name, manager_email, team, family, "
                                     "tracks, level, level_since")
    dry_run = forms.BooleanField(label="Dry run: check and report, change nothing",
                                 required=False, initial=True)
    invite = forms.BooleanField(label="Invite the people this import adds (an email with a "
                                      "link to choose a password)", required=False)


class DirectoryPasswordResetForm(PasswordResetForm):
    """Django's reset form leaves out accounts without a usable password, so people imported
    from the directory (who have none yet) were told "sent" and got nothing. Here every
    active account with that email gets the link, except one whose address someone else set
    and who has not signed in since (actions/people.py: the link would go to whoever set
    it). The page says "sent" either way, so it tells nobody which addresses exist."""

    def get_users(self, email):
        from .models import User, normalise_email

        return iter(User.objects.filter(email=normalise_email(email), is_active=True,
                                        email_confirmed=True))
