"""What happens around a new version: publishing a draft (with its change note, and a commit
when a git working copy is configured) and `craftpath sync` from that working copy. Both send
`version_published`, to which the apps above answer (the check-ins app tells the people with
an open check-in on another version: checkins/new_version.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal

from craftpath.core.formats import canonical
from craftpath.core.formats.inputs import TextFile

from . import gitcopy
from .drafts import DraftError, findings_of, framework_of_draft, reader_notes
from .models import Draft, FrameworkVersion
from .problems import PublishError
from .publishing import (
    Provenance,
    Published,
    active_version,
    content_hash,
    publish_framework,
    remember,
)

NOTE_LIMIT = 5000

# Sent with `version` inside the publishing transaction, so what a receiver writes (the
# notifications and their email tasks) is kept with the version or dropped with it; each
# receiver returns how many people it told. Connected by the apps' AppConfig.ready().
version_published = Signal()


# --- publishing a draft -----------------------------------------------------------------------

def publish_draft(draft: Draft, note: str, editor,
                  seen_revision: int | None = None) -> Published:
    """Lint (errors refuse), commit to the working copy when one is configured, store the
    version with its note and author, make it active, drop the draft, and tell everyone with
    an open check-in (their notifications and email tasks are written in the same
    transaction, so a publish that fails tells nobody).

    `seen_revision`: the revision the editor's publish page showed; a draft changed since
    is refused, so nobody publishes changes they have not seen."""
    note = (note or "").strip()
    if not note:
        raise DraftError("Write a change note: it is shown on the versions page, in the "
                         "email to people with an open check-in and in the git history.")
    if len(note) > NOTE_LIMIT:
        raise DraftError(f"The change note is {len(note)} characters; at most {NOTE_LIMIT}.")
    active = active_version()
    if active is None or draft.base_id != active.pk:
        raise DraftError(f"This draft was opened from version {draft.base.label}, but "
                         f"{active.label if active else 'nothing'} is active now: publishing "
                         "it would undo that version's changes. Discard it and open a new one.")
    framework = framework_of_draft(draft)  # catches `draft` up to its latest revision
    if seen_revision is not None and seen_revision != draft.revision:
        raise DraftError(f"The draft changed since this page was drawn (now revision "
                         f"{draft.revision}); look at the changes again, then publish.")
    findings = findings_of(draft)
    if findings.errors:
        raise DraftError(f"Lint finds {findings.errors} error(s) in the draft; fix them before "
                         "publishing (they are shown beside the items).")
    if content_hash(canonical.to_document(framework)) == active.content_hash:
        raise DraftError("The draft is the same as the active version: nothing to publish.")
    provenance = Provenance(note, editor.name or editor.email, editor.email, "", "browser")
    copy = gitcopy.configured()
    with transaction.atomic():
        # Lock the draft: two editors pressing Publish at once publish it once.
        # …and make sure what is published is the revision that was checked: an edit that
        # landed in between refuses (the write lock is held from here to the commit).
        current = Draft.objects.select_for_update().filter(pk=draft.pk) \
            .values_list("revision", flat=True).first()
        if current is None:
            raise DraftError("This draft was published or discarded a moment ago.")
        if current != draft.revision:
            raise DraftError(f"The draft changed while publishing (now revision {current}); "
                             "look at the changes again, then publish.")
        found = [d for items in findings.by_item.values() for d in items] + findings.general
        published = store_and_tell(framework, reader_notes(draft), provenance, found, active,
                                   copy)
        Draft.objects.filter(pk=draft.pk).delete()
        transaction.on_commit(lambda: remember_published(published.version, framework))
    return published


def store_and_tell(framework, diagnostics, provenance: Provenance, linted, active,
                   copy: gitcopy.WorkingCopy | None) -> Published:
    """The end of every publish from the browser, inside the caller's transaction: commit to
    the working copy (when there is one) before storing, so a refusal by git stores nothing;
    store the version and make it active; tell everyone with an open check-in elsewhere.
    `linted`: lint's findings, already checked to hold no error."""
    if copy is not None:
        provenance = _commit_to(copy, framework, provenance, active)
    published = publish_framework(framework, diagnostics, provenance, linted=linted)
    return replace(published, told=tell_about(published.version))


def _commit_to(copy: gitcopy.WorkingCopy, framework, provenance: Provenance,
               active: FrameworkVersion | None) -> Provenance:
    """Commit the new file, refusing when the working copy holds changes the app has not
    published (they would be overwritten)."""
    if copy.path.exists():
        at_head, notes = canonical.read_text(TextFile(copy.path, copy.text_at_head()))
        if at_head is None or active is None or content_hash(
                canonical.to_document(at_head)) != active.content_hash:
            raise DraftError(f"{copy.file} at the working copy's HEAD differs from the active "
                             f"version {active.label if active else '(none)'}: it was changed "
                             "in git and not synced. Run `craftpath sync` first, then publish "
                             "again.")
    sha = copy.commit_file(canonical.dumps(framework), provenance.note,
                           provenance.author_name, provenance.author_email)
    return Provenance(provenance.note, provenance.author_name, provenance.author_email, sha,
                      provenance.origin)


def remember_published(version: FrameworkVersion, framework) -> None:
    """The new version's framework is the draft's: keep it, so neither its pages nor the next
    draft read and lint it again."""
    from .drafts import remember_keyed

    remember(version, framework)
    remember_keyed(version, framework)


# --- craftpath sync ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Synced:
    commit: gitcopy.Commit
    published: Published | None  # None when that commit (or its content) is published already
    reason: str = ""


def sync() -> Synced:
    """Publish the canonical file at the working copy's HEAD when that commit is new to the
    app. Lint errors refuse (PublishError, with them)."""
    copy = gitcopy.configured()
    if copy is None:
        raise PublishError("no git working copy is configured: set CRAFTPATH_GIT_DIR (and "
                           "CRAFTPATH_GIT_FILE when the file is not framework.yaml)")
    head = copy.head()
    if FrameworkVersion.objects.filter(commit=head.sha).exists():
        return Synced(head, None, f"commit {head.sha[:12]} is published already")
    try:
        text = copy.text_at_head()
    except gitcopy.GitError:
        raise PublishError(f"{copy.file} is not in commit {head.sha[:12]} of "
                           f"{copy.directory}") from None
    framework, notes = canonical.read_text(TextFile(Path(copy.file), text))
    active = active_version()
    if framework is not None and active is not None and \
            content_hash(canonical.to_document(framework)) == active.content_hash:
        return Synced(head, None, f"{copy.file} at {head.sha[:12]} is the active version "
                      f"{active.label} already")
    provenance = Provenance(head.message, head.author_name, head.author_email, head.sha,
                            "git sync")
    published = publish_framework(framework, notes, provenance)
    if published.created:
        published = replace(published, told=tell_about(published.version))
    return Synced(head, published)


# --- telling people ---------------------------------------------------------------------------

def tell_about(version: FrameworkVersion) -> int:
    """Send `version_published`; returns how many people the receivers told."""
    with transaction.atomic():
        return sum(told for _, told in version_published.send(FrameworkVersion, version=version))
