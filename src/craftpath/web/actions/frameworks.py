"""Publishing a framework version, whichever door asks: a draft's Publish button, the Import
page, `craftpath publish` and `craftpath sync` (the command line, as OPERATOR).

Every publish goes the same way, in one transaction: the door's rule in access.py, a change
note (people must write one; the command line may leave it to the git commit), lint (errors
refuse, with PublishError and the findings), a commit to the git working copy when one is
configured (the browser's doors, before the version is stored: a refusal by git stores
nothing), the version stored with its author and note and made active, the audit entry, and
the news to everyone with an open check-in on another version. Content that is already the
active version publishes nothing and tells nobody (`Published.unchanged`).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from craftpath.core.formats import canonical, load
from craftpath.core.formats.inputs import InputError
from craftpath.web import access
from craftpath.web.audit.models import Action
from craftpath.web.frameworks import gitcopy, releasing
from craftpath.web.frameworks.problems import PublishError
from craftpath.web.frameworks.publishing import (
    Provenance,
    Published,
    active_version,
    checked,
    content_hash,
)

from .errors import Invalid, Refused
from .recording import OPERATOR, record

NOTE_LIMIT = releasing.NOTE_LIMIT
# Where a version came from, as the versions page and the audit trail name it.
ORIGINS = {"draft": "browser", "import": "import page", "command line": "command line",
           "git sync": "git sync"}


def _allowed(viewer, source: str) -> None:
    # The command line holds the database itself (see recording.OPERATOR): no rule binds it.
    if viewer is OPERATOR:
        return
    if source == "import":
        if not access.can_import_framework(viewer):
            raise Refused("Publishing from the Import page needs the admin or people-team "
                          "role.")
    elif source == "draft":
        if not access.can_publish_framework(viewer):
            raise Refused("Publishing a draft needs the framework editor or admin role.")
    else:  # `craftpath publish` and `craftpath sync` are the command line's alone
        raise Refused(f"Only the command line publishes by {source}.")


def _checked_note(viewer, note: str) -> str:
    note = (note or "").strip()
    if not note and viewer is not OPERATOR:
        raise Invalid("Write a change note: it is shown on the versions page, in the email to "
                      "people with an open check-in and in the git history.", field="note")
    if len(note) > NOTE_LIMIT:
        raise Invalid(f"The change note is {len(note)} characters; at most {NOTE_LIMIT}.",
                      field="note")
    return note


def _author(viewer) -> tuple[str, str]:
    if viewer is OPERATOR:
        return "", ""
    return viewer.name or viewer.email, viewer.email


def _audit(viewer, published: Published, source: str) -> None:
    version = published.version
    told = f"{published.told} {'person' if published.told == 1 else 'people'} told"
    state = "published" if published.created else "made active again"
    record(viewer, Action.CHANGED, None, target=f"framework version {version.label}",
           detail=f"{state} from the {ORIGINS[source]}; {told}")


def publish(viewer, framework, note: str, *, source: str, diagnostics=(),
            commit: gitcopy.Commit | None = None) -> Published:
    """Publish `framework` as the active version. `source`: "import" (the Import page),
    "command line" (`craftpath publish`, with the `commit` the file is in, if any).
    Drafts and `craftpath sync` have their own entries below, which end the same way."""
    _allowed(viewer, source)
    note = _checked_note(viewer, note or (commit.message if commit else ""))
    if framework is None:
        raise PublishError("no framework to publish", list(diagnostics))
    warnings = checked(framework, diagnostics)  # lint's errors refuse before git or storing
    active = active_version()
    if active is not None and content_hash(canonical.to_document(framework)) == \
            active.content_hash:
        return Published(active, False, warnings, unchanged=True)
    name, email = _author(viewer)
    if commit is not None:
        provenance = Provenance(note, commit.author_name, commit.author_email, commit.sha,
                                ORIGINS[source])
    else:
        provenance = Provenance(note, name, email, "", ORIGINS[source])
    copy = gitcopy.configured() if source == "import" else None
    with transaction.atomic():
        published = releasing.store_and_tell(framework, diagnostics, provenance, warnings,
                                             active, copy)
        _audit(viewer, published, source)
    return published


def publish_path(viewer, path: str | Path, note: str = "") -> Published:
    """`craftpath publish`: a file or folder; when it is committed in a git working copy, the
    version records that commit, its author and its message (the note, unless one is given)."""
    from craftpath.core.sample import bundled_path

    try:
        loaded = load([path])
    except InputError as error:
        raise PublishError(str(error)) from None
    # The bundled sample lives in craftpath's own repository in a development checkout: its
    # commits are craftpath's, not the framework's.
    commit = None if Path(path).resolve() == bundled_path().resolve() else \
        gitcopy.commit_of(path)
    return publish(viewer, loaded.framework, note, source="command line",
                   diagnostics=loaded.diagnostics, commit=commit)


def publish_draft(viewer, draft, note: str, seen_revision: int | None = None) -> Published:
    """A draft's Publish button (releasing.publish_draft: the draft's own checks, the commit,
    storing and telling), audited in the same transaction."""
    _allowed(viewer, "draft")
    _checked_note(viewer, note)
    with transaction.atomic():
        published = releasing.publish_draft(draft, note, viewer, seen_revision)
        _audit(viewer, published, "draft")
    return published


def sync(viewer) -> releasing.Synced:
    """`craftpath sync`: the file at the working copy's HEAD, when that commit is new."""
    _allowed(viewer, "git sync")
    with transaction.atomic():
        synced = releasing.sync()
        if synced.published is not None:
            _audit(viewer, synced.published, "git sync")
    return synced


__all__ = ["publish", "publish_draft", "publish_path", "sync"]
