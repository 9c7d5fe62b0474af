"""Forms for the evidence log and the growth plan; ratings are posted per statement and
checked by loop.save_voice, which knows the framework's scale."""

from __future__ import annotations

from django import forms

from craftpath.core.text import unmark

from .models import Evidence, Goal


class EvidenceForm(forms.ModelForm):
    link = forms.URLField(max_length=500, required=False, assume_scheme="https",
                          help_text="Optional: a pull request, document or talk.")

    class Meta:
        model = Evidence
        fields = ["title", "date", "link", "description"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "due", "actions"]
        widgets = {"due": forms.DateInput(attrs={"type": "date"}),
                   "actions": forms.Textarea(attrs={"rows": 3})}
        labels = {"due": "Due by", "actions": "Actions (one per line)"}


class FocusForm(forms.Form):
    statement = forms.ChoiceField(label="Statement to focus on")
    note = forms.CharField(max_length=500, required=False, label="Why, or how (optional)")

    def __init__(self, *args, statements=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Grouped by level and area, each statement whole: cutting text at a fixed width left
        # options ending mid-word ("productio").
        groups: dict[str, list[tuple[str, str]]] = {}
        for level, area, s in statements:
            groups.setdefault(f"{level.label} · {area.name}", []).append((s.id, unmark(s.text)))
        self.fields["statement"].choices = list(groups.items())


class SpreadsheetForm(forms.Form):
    file = forms.FileField(label="Filled spreadsheet (.xlsx or .csv)")
    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
