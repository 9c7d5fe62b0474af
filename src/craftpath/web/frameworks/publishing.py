"""Publishing framework versions: lint, snapshot, activate; and reading them back.

A version's document never changes after it is stored, so the parsed Framework is kept by
(id, content hash) for the life of the process instead of being re-read on every request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from craftpath.core.formats import canonical, load
from craftpath.core.formats.inputs import InputError, TextFile
from craftpath.core.lint import lint
from craftpath.core.model import Diagnostic, Framework, slugify
from craftpath.core.sample import bundled_path

from .memo import Memo
from .models import FrameworkVersion
from .problems import PublishError


@dataclass(frozen=True)
class Provenance:
    """Who published a version, why, and from which git commit (all optional)."""

    note: str = ""
    author_name: str = ""
    author_email: str = ""
    commit: str = ""
    origin: str = ""  # "browser", "command line" or "git sync"


@dataclass(frozen=True)
class Published:
    version: FrameworkVersion
    created: bool  # False when the same content was already stored (it is made active again)
    warnings: list[Diagnostic] = field(default_factory=list)
    told: int = 0  # people told about it (releasing.version_published's receivers)
    unchanged: bool = False  # the content is the active version already: nothing was done


def content_hash(document: dict) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def checked(framework: Framework | None, diagnostics=()) -> list[Diagnostic]:
    """Lint findings; raises PublishError when any is an error. Returns the warnings."""
    found = lint(framework, diagnostics)
    errors = [d for d in found if d.is_error]
    if framework is None or errors:
        raise PublishError(f"{len(errors)} error(s) found by lint; nothing was published",
                           errors)
    return [d for d in found if not d.is_error and d.severity.value == "warning"]


def publish_path(path: str | Path) -> Published:
    """`craftpath publish`: a file or folder; when it is committed in a git working copy, the
    version records that commit, its author and its message."""
    from .gitcopy import commit_of

    try:
        loaded = load([path])
    except InputError as error:
        raise PublishError(str(error)) from None
    # The bundled sample lives in craftpath's own repository in a development checkout: its
    # commits are craftpath's, not the framework's.
    commit = None if Path(path).resolve() == bundled_path().resolve() else commit_of(path)
    provenance = Provenance(origin="command line") if commit is None else Provenance(
        commit.message, commit.author_name, commit.author_email, commit.sha, "command line")
    return publish_framework(loaded.framework, loaded.diagnostics, provenance)


def publish_framework(framework: Framework | None, diagnostics=(),
                      provenance: Provenance | None = None,
                      linted: list[Diagnostic] | None = None) -> Published:
    """Lint (errors refuse), store, make active. `linted`: the findings when the caller has
    just linted this very framework (a draft) and found no errors, to save doing it twice."""
    provenance = provenance or Provenance()
    if linted is None:
        warnings = checked(framework, diagnostics)
    else:
        warnings = [d for d in linted if d.severity.value == "warning"]
    document = canonical.to_document(framework)
    digest = content_hash(document)
    with transaction.atomic():
        version = FrameworkVersion.objects.filter(content_hash=digest).first()
        created = version is None
        if created:
            version = FrameworkVersion.objects.create(
                label=_free_label(framework), name=framework.name, content_hash=digest,
                document=document, is_active=False, note=provenance.note[:5000],
                author_name=provenance.author_name[:200],
                author_email=provenance.author_email[:254], commit=provenance.commit,
                origin=provenance.origin)
        _activate(version)
    return Published(version, created, warnings)


def _activate(version: FrameworkVersion) -> None:
    FrameworkVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(is_active=False)
    if not version.is_active:
        version.is_active = True
        version.save(update_fields=["is_active"])


def _free_label(framework: Framework) -> str:
    """The framework's own version when it has one and it is free, else the next number."""
    taken = set(FrameworkVersion.objects.values_list("label", flat=True))
    base = slugify(framework.version)
    if base and base not in taken:
        return base
    prefix = f"{base}-" if base else "v"
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def active_version() -> FrameworkVersion | None:
    # The document is only read when a version is first parsed (see framework_of).
    return FrameworkVersion.objects.defer("document").filter(is_active=True).first()


def version_labelled(label: str) -> FrameworkVersion | None:
    return FrameworkVersion.objects.defer("document").filter(label=label).first()


def all_versions() -> list[FrameworkVersion]:
    return list(FrameworkVersion.objects.defer("document"))


def framework_of(version: FrameworkVersion) -> Framework:
    return _versions.get((version.pk, version.content_hash), lambda: _parse(version.pk))


def remember(version: FrameworkVersion, framework: Framework) -> None:
    """Keep `framework` as the version's, when the caller has it already (a published draft is
    the very framework its document was made from), so nothing reads it back."""
    _versions.put((version.pk, version.content_hash), framework)


_versions = Memo(16)


def _parse(pk: int) -> Framework:
    stored = FrameworkVersion.objects.values_list("label", "document").get(pk=pk)
    label, document = stored
    # JSON is YAML, so the canonical reader reads the stored document as it is.
    text = json.dumps(document, ensure_ascii=False)
    framework, diagnostics = canonical.read_text(TextFile(Path(f"version {label}"), text),
                                                 budget=False)
    if framework is None:  # stored by publish, so this is a bug, not a user's error
        raise RuntimeError(f"stored version {label} cannot be read: {diagnostics}")
    return framework
