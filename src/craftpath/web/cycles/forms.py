"""The form the people team fills to create a cycle."""

from __future__ import annotations

from django import forms

from craftpath.web.frameworks.models import FrameworkVersion

from .launch import CycleError, audience_problem
from .models import Cycle


class CycleForm(forms.ModelForm):
    version = forms.ModelChoiceField(FrameworkVersion.objects.defer("document"),
                                     label="Framework version", empty_label=None)

    class Meta:
        model = Cycle
        fields = ["name", "version", "audience", "audience_value", "include_next_level",
                  "self_due", "review_due", "agree_due", "close_due"]
        labels = {"audience": "Who is in it",
                  "audience_value": "Which one",
                  "include_next_level": "Include the statements of each person's next level"}
        help_texts = {"audience_value": "The family or level (slug or name), the team's name, "
                                        "or the manager's email. Empty for everyone."}
        widgets = {field: forms.DateInput(attrs={"type": "date"})
                   for field in ("self_due", "review_due", "agree_due", "close_due")}

    def clean(self):
        from .actions import order_problem

        cleaned = super().clean()
        version = cleaned.get("version")
        if version is not None and cleaned.get("audience"):
            problem = audience_problem(cleaned["audience"], cleaned.get("audience_value", ""),
                                       version)
            if problem:
                self.add_error("audience_value", problem)
        probe = Cycle(**{f: cleaned.get(f) for f in ("self_due", "review_due", "agree_due",
                                                      "close_due")})
        try:
            order_problem(probe)
        except CycleError as problem:
            self.add_error("close_due", str(problem))
        return cleaned
