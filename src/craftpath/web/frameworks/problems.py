"""Errors of publishing, kept free of Django imports so the CLI can catch them before setup."""

from __future__ import annotations

from craftpath.core.model import Diagnostic


class PublishError(Exception):
    """The framework cannot be published: unreadable input or lint errors (in `diagnostics`)."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []


class GitError(Exception):
    """git refused or is not usable here; the message says what and where."""
