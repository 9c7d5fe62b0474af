"""The people team's insights settings: one row, made with the defaults when first read."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import InsightSettings


class StaleSettings(Exception):
    """Someone else saved the settings after this form was opened."""


def current() -> InsightSettings:
    found = InsightSettings.objects.order_by("pk").first()
    if found is None:
        try:
            with transaction.atomic():
                found = InsightSettings.objects.create()
        except IntegrityError:  # made at the same moment by another request
            found = InsightSettings.objects.order_by("pk").first()
    return found


def save(values: dict, revision: int, by) -> InsightSettings:
    """Compare-and-set on the revision the form was drawn from."""
    settings = current()
    changed = InsightSettings.objects.filter(pk=settings.pk, revision=revision).update(
        min_group_size=values["min_group_size"],
        readiness_threshold=values["readiness_threshold"],
        revision=F("revision") + 1, changed_at=timezone.now(), changed_by=by)
    if not changed:
        raise StaleSettings("The settings were changed by someone else after you opened this "
                            "page, so yours were not saved. The stored values are shown now; "
                            "make your change again.")
    return current()
