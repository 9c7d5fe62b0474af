"""Drafts: the next framework version, edited in the browser by several editors at once.

A draft stores the canonical document and a revision number. An edit names the revision the
editor's page was drawn from and a fingerprint of the item it changes, as the page showed it.
When the draft moved on since (someone else saved), the edit still goes ahead if *that item*
is as the editor saw it; otherwise it is refused as stale, with the item as stored now, for the
page to show beside the editor's own input. The write itself is a compare-and-set on the
revision, so two saves at the same moment never overwrite each other.

A draft's Framework is read from its document (JSON is YAML, so the canonical reader reads it
and every element gets a line in it); lint findings are tied back to the items through those
lines. Both are cached per (draft, revision): a revision's content never changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from craftpath.core.edit import EditError
from craftpath.core.formats import canonical
from craftpath.core.formats.inputs import TextFile
from craftpath.core.lint import lint
from craftpath.core.model import Diagnostic, Framework, Severity, Source

from .models import Draft
from .publishing import active_version, framework_of


class DraftError(Exception):
    """What an editor asked for cannot be done; the message says why."""


class StaleEdit(Exception):  # noqa: N818 - an outcome the page shows, not a fault
    def __init__(self, target: str, stored: str, revision: int):
        super().__init__("Someone else changed this since your page was drawn; your edit was "
                         "not saved. What is stored now is shown beside yours.")
        self.target, self.stored, self.revision = target, stored, revision


# --- opening, reading, discarding ---------------------------------------------------------

def open_draft(editor) -> Draft:
    """A new draft holding the active version's document."""
    version = active_version()
    if version is None:
        raise DraftError("Nothing is published yet, so there is nothing to draft from.")
    document = type(version).objects.values_list("document", flat=True).get(pk=version.pk)
    return Draft.objects.create(base=version, document=document, created_by=editor,
                                updated_by=editor)


def discard(draft: Draft) -> None:
    draft.delete()


def framework_of_draft(draft: Draft) -> Framework:
    return _read(draft)[0]


def reader_notes(draft: Draft) -> tuple[Diagnostic, ...]:
    return _read(draft)[1]


def _key(draft: Draft) -> tuple:
    # A revision's content never changes; created_at tells apart drafts that reuse a number.
    return (draft.pk, draft.revision, draft.created_at)


class _Cache:
    """A few recent drafts' parsed frameworks and findings, by (draft, revision)."""

    def __init__(self, size: int = 16):
        self.size, self.items = size, OrderedDict()

    def get(self, key, make):
        if key in self.items:
            self.items.move_to_end(key)
            return self.items[key]
        value = self.items[key] = make()
        while len(self.items) > self.size:
            self.items.popitem(last=False)
        return value


_parsed = _Cache()
_linted = _Cache()


def _read(draft: Draft) -> tuple[Framework, tuple[Diagnostic, ...]]:
    def parse():
        # One key per line, so every element of the draft has a line of its own to point at.
        text = json.dumps(draft.document, indent=1, ensure_ascii=False)
        framework, notes = canonical.read_text(TextFile(Path(f"draft-{draft.pk}"), text))
        if framework is None:  # only edits through core.edit reach a draft: a bug
            raise RuntimeError(f"draft {draft.pk} cannot be read: {notes}")
        return framework, tuple(notes)
    return _parsed.get(_key(draft), parse)


def reserved_ids(draft: Draft) -> dict[str, frozenset[str]]:
    """Per family, the statement ids of the version the draft was opened from: a new statement
    never takes one of them (it would read as the old statement, reworded)."""
    base = framework_of(draft.base)
    return {family.slug: frozenset(s.id for s in family.statements) for family in base.families}


# --- lint findings, tied to items --------------------------------------------------------------

@dataclass
class Findings:
    by_item: dict[str, list[Diagnostic]] = field(default_factory=dict)
    general: list[Diagnostic] = field(default_factory=list)
    errors: int = 0
    warnings: int = 0

    def of(self, key: str) -> list[Diagnostic]:
        return self.by_item.get(key, [])

    def in_family(self, family: str) -> list[Diagnostic]:
        marker = f":{family}:"
        return [d for key, found in self.by_item.items()
                if marker in f"{key}:" or key == f"family:{family}" for d in found]


def item_keys(framework: Framework) -> dict[Source, str]:
    """Where each element of a read draft starts → the key the editor pages use for it."""
    keys: dict[Source, str] = {framework.source: "framework"}
    for term in framework.terms:
        keys.setdefault(term.source, f"term:{term.slug}")
    for family in framework.families:
        f = family.slug
        keys[family.source] = f"family:{f}"
        for level in family.levels:
            keys[level.source] = f"level:{f}:{level.slug}"
        for track in family.tracks:
            keys[track.source] = f"track:{f}:{track.slug}"
            for area in track.areas:
                keys[area.source] = f"area:{f}:{area.slug}"
        for cell in family.expectations:
            keys[cell.source] = f"cell:{f}:{cell.area}:{cell.level}"
            for statement in cell.statements:
                keys[statement.source] = f"statement:{f}:{statement.id}"
    return keys


def findings_of(draft: Draft) -> Findings:
    return _linted.get(_key(draft), lambda: _findings(*_read(draft)))


def _findings(framework: Framework, notes) -> Findings:
    keys = item_keys(framework)
    found = Findings()
    for diagnostic in lint(framework, notes):
        key = keys.get(diagnostic.source)
        if key is None or key == "framework":
            found.general.append(diagnostic)
        else:
            found.by_item.setdefault(key, []).append(diagnostic)
        found.errors += diagnostic.severity is Severity.ERROR
        found.warnings += diagnostic.severity is Severity.WARNING
    return found


# --- what an item looks like, for fingerprints and conflicts ------------------------------------

def describe(framework: Framework, target: str) -> str:
    """The item `target` names as plain text, as stored in `framework` ('' for no target)."""
    if not target:
        return ""
    kind, _, rest = target.partition(":")
    if kind == "scale":
        return " / ".join(framework.scale)
    if kind == "name":
        return f"{framework.name} (version {framework.version or 'unnamed'})"
    if kind == "term":
        term = framework.find_term(rest)
        return f"{term.name}: {term.definition or '(no definition)'}" if term else _GONE
    family_slug, _, item = rest.partition(":")
    family = framework.find_family(family_slug)
    if family is None:
        return _GONE
    if kind == "statement":
        return _describe_statements(family, [item])
    if kind == "statements":
        return _describe_statements(family, item.split(","))
    if kind == "levels":
        return " < ".join(f"{lv.code}{' (missing)' if lv.missing else ''}"
                          for lv in family.levels)
    if kind == "level":
        level = next((lv for lv in family.levels if lv.slug == item), None)
        if level is None:
            return _GONE
        return (f"{level.code} · number {level.number} · {level.name or 'no name'} · "
                f"{level.title or 'no title'}{' · missing' if level.missing else ''}")
    if kind == "tracks":
        return " · ".join(f"{t.name}: {', '.join(a.name for a in t.areas)}"
                          for t in family.tracks)
    if kind == "track":
        track = next((t for t in family.tracks if t.slug == item), None)
        return track.name if track else _GONE
    if kind == "area":
        area = next((a for a in family.areas if a.slug == item), None)
        if area is None:
            return _GONE
        return f"{area.name} (in {family.track_of(area).name}): {area.description}"
    raise ValueError(f"unknown edit target {target!r}")


_GONE = "(no longer in the draft)"


def _describe_statements(family, ids: list[str]) -> str:
    places = {s.id: (cell, s) for cell in family.expectations for s in cell.statements}
    levels = {level.slug: level.code for level in family.levels}
    areas = {area.slug: area.name for area in family.areas}
    parts = []
    for sid in ids:
        if sid not in places:
            parts.append(f"{sid}: {_GONE}")
            continue
        cell, statement = places[sid]
        parts.append(f"{statement.text} [{areas[cell.area]} · {levels[cell.level]}]")
    return "\n".join(parts)


def fingerprint(framework: Framework, target: str) -> str:
    return hashlib.sha256(describe(framework, target).encode()).hexdigest()[:16]


# --- saving an edit ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Saved:
    draft: Draft
    result: object  # what the edit returned besides the framework (a new id, a slug), or None


def apply(draft: Draft, seen_revision: int, seen: dict[str, str],
          change: Callable[[Framework], Framework | tuple], editor) -> Saved:
    """Apply `change` to the draft's framework and store it as the next revision.

    `seen` maps each item the edit touches to its fingerprint as the editor's page showed it.
    Raises StaleEdit when the draft moved on and one of them changed since, EditError (from
    `change`) when the edit cannot be made; nothing is stored then."""
    for _attempt in range(5):
        draft.refresh_from_db()
        framework = framework_of_draft(draft)
        if draft.revision != seen_revision:
            stale = [target for target, print_ in seen.items()
                     if target and fingerprint(framework, target) != print_]
            if stale:
                raise StaleEdit(stale[0], "\n".join(describe(framework, t) for t in stale),
                                draft.revision)
        changed = change(framework)
        result = None
        if isinstance(changed, tuple):
            changed, result = changed
        document = canonical.to_document(changed)
        with transaction.atomic():
            stored = Draft.objects.filter(pk=draft.pk, revision=draft.revision).update(
                document=document, revision=F("revision") + 1, updated_by=editor,
                updated_at=timezone.now())
        if stored:
            draft.refresh_from_db()
            return Saved(draft, result)
        # Another save landed between reading and writing: read again and check again.
    raise DraftError("The draft is being changed by several people at this moment; try again.")


__all__ = ["Draft", "DraftError", "EditError", "Findings", "Saved", "StaleEdit", "apply",
           "describe", "discard", "findings_of", "fingerprint", "framework_of_draft",
           "open_draft", "reader_notes", "reserved_ids"]
