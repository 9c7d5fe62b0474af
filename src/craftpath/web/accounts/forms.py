"""Forms for the people pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .models import Note


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for email (the field keeps the name `username`, which
    django-axes reads to count failures per account)."""

    username = forms.EmailField(label="Email", widget=forms.EmailInput(
        attrs={"autofocus": True, "autocomplete": "email"}))


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
