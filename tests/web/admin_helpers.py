"""Helpers for tests that post the admin site's forms."""

from __future__ import annotations


def person_form(person, **changes) -> dict:
    """The admin site's change form for `person`, as it is, with `changes`; a change to None
    leaves the field out (an unticked checkbox)."""
    data = {"email": person.email, "name": person.name, "given_name": person.given_name,
            "family_name": person.family_name, "department": person.department, "is_active": "on",
            "manager": person.manager_id or "", "family_slug": person.family_slug,
            "track_slugs": "all", "level_slug": person.level_slug, "level_since": "",
            "roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0", "roles-MIN_NUM_FORMS": "0",
            "roles-MAX_NUM_FORMS": "1000", "roles-0-name": "", "roles-0-person": person.pk}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
