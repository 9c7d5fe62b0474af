"""Insights figures that go with a person: a manager's organisation tallies (keyed by their id,
not tied to them by a foreign key, since 0 stands for everyone) are removed with them, in the
same transaction, instead of lingering until the next backfill."""

from __future__ import annotations

from django.db.models.signals import post_delete


def _forget_organisation(sender, instance, **kwargs) -> None:
    from .models import QuarterTally

    QuarterTally.objects.filter(organisation_id=instance.pk).delete()


def connect() -> None:
    from craftpath.web.accounts.models import User

    post_delete.connect(_forget_organisation, sender=User, dispatch_uid="insights-tallies")
