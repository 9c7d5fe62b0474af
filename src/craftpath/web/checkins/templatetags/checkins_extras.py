from django import template

from craftpath.core.progress import NOT_APPLICABLE
from craftpath.core.text import unmark

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, for dicts keyed by a variable (a voice by side)."""
    return mapping.get(key, {}) if mapping else {}


@register.filter(name="unmark")
def unmark_filter(text):
    """Statement text as people read it, without the `*` term marks."""
    return unmark(text or "")


@register.filter
def is_not_applicable(choice) -> bool:
    return choice == NOT_APPLICABLE


@register.filter
def rating_key(choice, number) -> str:
    """The key that chooses this value in the rating control: its place on the scale, or N."""
    return "n" if choice == NOT_APPLICABLE else str(number)


@register.filter
def with_ids(form, anchor):
    """The form again, with ids made unique to one statement's row (one page holds the same
    form once per statement, and a label must focus its own field)."""
    import copy

    renamed = copy.copy(form)
    renamed.auto_id = f"id_%s-{anchor}"
    renamed._bound_fields_cache = {}
    return renamed


@register.filter
def day(value) -> str:
    """One date format everywhere ("5 Mar 2026"), for dates, datetimes and the ISO strings
    frozen into a closed check-in's snapshot."""
    import datetime

    from django.utils import dateformat, timezone

    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, "j M Y") if value else ""


@register.filter
def level_label(family, slug) -> str:
    """A level's name ("Level 3 (Senior)") from its slug, or the slug if the family lacks it."""
    level = family.find_level(slug) if family is not None else None
    return level.label if level is not None else slug
