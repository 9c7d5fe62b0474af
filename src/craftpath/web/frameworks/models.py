"""A published framework version: an immutable snapshot of the canonical document."""

from __future__ import annotations

from django.db import models


class ImmutableVersionError(Exception):
    pass


class FrameworkVersion(models.Model):
    label = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    content_hash = models.CharField(max_length=64, unique=True)  # sha256 of the canonical JSON
    document = models.JSONField()  # the canonical document (core.formats.canonical)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one active version, enforced by the database, not only by the code.
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                    name="one_active_framework_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.label}"

    def save(self, *args, **kwargs):
        # Assessments point at a version's statements, so a version's content never changes
        # once stored; only whether it is the active one may.
        if self.pk is not None and kwargs.get("update_fields") != ["is_active"]:
            raise ImmutableVersionError(f"framework version {self.label} is immutable")
        super().save(*args, **kwargs)


class ImportDraft(models.Model):
    """What someone uploaded on the Import page and the hints they gave, kept between runs
    until they publish it (one per person; a new upload replaces it). The files are kept as
    one zip, already checked against the size limits."""

    owner = models.OneToOneField("accounts.User", on_delete=models.CASCADE,
                                 related_name="import_draft")
    archive = models.BinaryField()
    hints = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"import draft of {self.owner}"
