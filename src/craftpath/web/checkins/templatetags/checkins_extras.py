from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, for dicts keyed by a variable (a voice by side)."""
    return mapping.get(key, {}) if mapping else {}
