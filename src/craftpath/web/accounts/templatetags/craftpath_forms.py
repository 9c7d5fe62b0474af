"""Form helpers for templates: a field's widget tied to its hint and error (GOV.UK's pattern)."""

from django import forms, template

register = template.Library()


def described_by(field) -> str:
    """The ids of the field's hint and error message, as `_field.html` writes them."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def widget(field):
    """The field's input with aria-describedby (and aria-invalid when it has errors)."""
    attrs = {}
    ids = described_by(field)
    if ids:
        attrs["aria-describedby"] = ids
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_list(field) -> bool:
    """Radios and checkbox lists get a fieldset and legend instead of a label."""
    return isinstance(field.field.widget, (forms.RadioSelect, forms.CheckboxSelectMultiple))
