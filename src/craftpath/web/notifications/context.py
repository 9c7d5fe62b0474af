"""The unread count in every page's header, counted only when a page shows it."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def inbox(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .notify import unread_count

        return unread_count(user)

    return {"unread_count": SimpleLazyObject(count)}
