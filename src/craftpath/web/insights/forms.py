from __future__ import annotations

from django import forms

from .models import AttributeKind


class SettingsForm(forms.Form):
    min_group_size = forms.IntegerField(
        label="Minimum group size", min_value=2, max_value=100,
        help_text="Any figure about fewer people than this is withheld, on every page and "
                  "export.")
    readiness_threshold = forms.IntegerField(
        label="Readiness threshold (%)", min_value=1, max_value=100,
        help_text="Share of the next level's applicable statements agreed as covered.")
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AssistantLearningForm(forms.Form):
    learning = forms.BooleanField(
        label="The evidence assistant learns from the links people make", required=False,
        help_text="Suggestions then lean to the statements people linked similar evidence to. "
                  "It keeps each link's evidence as numbers, never its text, and shows only "
                  "statements. Switching it off forgets everything it learned.")
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AttributeForm(forms.Form):
    kind = forms.ChoiceField(label="Attribute", choices=AttributeKind.choices)
    value = forms.CharField(label="Your answer", max_length=80,
                            help_text="In your own words, for example “part-time”.")
    consent = forms.BooleanField(
        label="I agree that this answer is used, together with others' and never on its own, "
              "in the people team's fairness figures. Only I can see my answer, and I can "
              "withdraw it at any time.",
        error_messages={"required": "Tick the box to give your consent, or leave this page: "
                                    "recording an attribute is optional."})

    def clean_value(self):
        value = " ".join(self.cleaned_data["value"].split())
        if not value:
            raise forms.ValidationError("Write an answer, or leave this page.")
        return value
