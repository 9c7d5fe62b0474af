from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from .models import Action


class SearchForm(forms.Form):
    actor = forms.CharField(required=False, max_length=200, label="Who acted",
                            help_text="A name, an email or an account id")
    subject = forms.CharField(required=False, max_length=200, label="Whose data",
                              help_text="A name or an account id")
    action = forms.ChoiceField(required=False, choices=[("", "any action"), *Action.choices])
    since = forms.DateField(required=False, label="From",
                            help_text="The first day to include",
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To (inclusive)",
                            help_text="The last day to include",
                            widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        for name in ("actor", "subject"):
            if "\x00" in cleaned.get(name, ""):
                self.add_error(name, "Remove the NUL character.")
        return cleaned

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The dates as a half-open range of aware datetimes (the end day included)."""
        zone = timezone.get_current_timezone()
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        return (datetime.combine(since, time.min, zone) if since else None,
                datetime.combine(until + timedelta(days=1), time.min, zone) if until else None)
