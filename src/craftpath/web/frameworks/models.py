"""A published framework version (an immutable snapshot of the canonical document, with who
published it, why and from where) and a draft of the next one, edited in the browser."""

from __future__ import annotations

from django.conf import settings
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
    # Who published it and why: the change note, the author (an editor in the browser, or the
    # author of the git commit it came from) and the commit, when it came from git.
    note = models.TextField(max_length=5000, blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_email = models.EmailField(blank=True)
    commit = models.CharField(max_length=64, blank=True)
    origin = models.CharField(max_length=20, blank=True)  # browser, command line, git sync

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


class Draft(models.Model):
    """The next version being edited: the canonical document, opened from a published version.

    Every edit is a compare-and-set on `revision`, so two editors saving at once never lose
    each other's work (see drafts.py)."""

    base = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="drafts")
    document = models.JSONField()
    revision = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return f"draft {self.pk} (from {self.base.label})"


class ImportDraft(models.Model):
    """What someone uploaded on the Import page and the hints they gave, kept between runs
    until they publish it (one per person; a new upload replaces it). The files are kept as
    one zip, already checked against the size limits.

    `reading` is what the importer made of them (the canonical document, the report, lint's
    findings), kept so that showing the page again does not read the upload again;
    `reading_key` is the digest of the upload and hints it was read from."""

    owner = models.OneToOneField("accounts.User", on_delete=models.CASCADE,
                                 related_name="import_draft")
    archive = models.BinaryField()
    hints = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    reading = models.JSONField(null=True, blank=True)
    reading_key = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return f"import draft of {self.owner}"
