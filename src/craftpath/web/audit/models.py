"""The audit trail: one append-only table of who did what to whose personal data, chained by
hash (chain.py), and one row holding the chain's head and anchor.

People are kept by id and by name and email as they were when the entry was written, never by
a foreign key: deleting or erasing an account must not delete, or rewrite, what it did.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from . import chain


class AppendOnlyError(Exception):
    """An audit entry is never changed, and only the retention purge deletes any."""


class Action(models.TextChoices):
    VIEWED = "viewed", "viewed"
    EXPORTED = "exported", "exported"
    CHANGED = "changed", "changed"
    REFUSED = "refused", "was refused"
    ROLE_GRANTED = "role-granted", "granted a role"
    ROLE_REVOKED = "role-revoked", "removed a role"
    MANAGER_CHANGED = "manager-changed", "changed the manager"
    DATA_DOWNLOADED = "data-downloaded", "downloaded their data"
    ANONYMISED = "anonymised", "anonymised"
    ERASED = "erased", "erased"
    TWO_FACTOR = "two-factor", "changed the second factor"
    SEARCHED = "searched", "searched the audit trail"
    PURGED = "purged", "purged old audit entries"


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries are never changed")

    def delete(self):
        raise AppendOnlyError("audit entries are deleted only by the retention purge")

    def _purge(self):
        return super().delete()


class Event(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)  # gapless, given under the chain lock
    at = models.DateTimeField(default=timezone.now)
    actor_pk = models.BigIntegerField(null=True, blank=True)  # None: the command line
    actor_name = models.CharField(max_length=200)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    subject_pk = models.BigIntegerField(null=True, blank=True)  # whose data; None: nobody's
    subject_name = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=100, blank=True)  # the page or object, e.g. "check-in 7"
    detail = models.CharField(max_length=300, blank=True)  # never content: names of things
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["subject_pk", "seq"]),
                   models.Index(fields=["actor_pk", "seq"]),
                   models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"audit entry {self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are deleted only by the retention purge")

    # A name that anonymising replaced by its commitment (names.py) is shown as nobody's.
    @property
    def actor_shown(self) -> str:
        return "a former colleague" if self.actor_name.startswith("#c:") else self.actor_name

    @property
    def actor_email_shown(self) -> str:
        return "" if self.actor_email.startswith("#c:") else self.actor_email

    @property
    def subject_shown(self) -> str:
        return "a former colleague" if self.subject_name.startswith("#c:") \
            else self.subject_name

    def chained_fields(self) -> dict:
        return {name: getattr(self, name) for name in chain.FIELDS}


class ChainHead(models.Model):
    """One row (pk 1): the last entry's seq and hash, and the anchor the first kept entry must
    point at (the genesis hash until a purge moves it). Writers lock this row, so entries are
    numbered and linked one at a time on every database."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    anchor_seq = models.PositiveBigIntegerField(default=1)
    anchor_hash = models.CharField(max_length=64)

    @classmethod
    def locked(cls) -> ChainHead:
        """The head row, locked until the transaction ends. The migration makes it; it is made
        here too when missing (a database emptied by `flush`)."""
        head, _ = cls.objects.select_for_update().get_or_create(
            pk=1, defaults={"seq": 0, "hash": chain.GENESIS, "anchor_seq": 1,
                            "anchor_hash": chain.GENESIS})
        return head


class NameSalt(models.Model):
    """A random salt per person named in the trail (names.py): the chain hashes a person's
    name and email through it, from entry `since_seq` on, so that deleting the salt when the
    person is anonymised or erased lets their names in the entries be replaced by what the
    chain hashed, and nothing readable about them is left."""

    person_pk = models.BigIntegerField(unique=True)
    salt = models.CharField(max_length=64)
    since_seq = models.PositiveBigIntegerField()
