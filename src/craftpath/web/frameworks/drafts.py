"""Drafts: the next framework version, edited in the browser by several editors at once.

A draft stores the canonical document and a revision number. An edit names the revision the
editor's page was drawn from and a fingerprint of the item it changes, as the page showed it.
When the draft moved on since (someone else saved), the edit still goes ahead if *that item*
is as the editor saw it; otherwise it is refused as stale, with the item as stored now, for the
page to show beside the editor's own input. The write itself is a compare-and-set on the
revision, so two saves at the same moment never overwrite each other.

A draft's Framework is read from its document by the canonical reader (JSON is YAML), and each
element's source is set to the key of the item the editor pages show, so a lint finding names
its item. Frameworks are cached per (draft, revision), since a revision's content never
changes: after an edit the process keeps the framework it just made, and only the family the
edit touched is linted again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from craftpath.core.edit import EditError
from craftpath.core.formats import canonical
from craftpath.core.formats.inputs import TextFile
from craftpath.core.lint import RULES_BY_CODE, LintConfig, lint
from craftpath.core.model import (
    Diagnostic,
    Expectation,
    Family,
    Framework,
    Severity,
    Source,
    Statement,
)
from craftpath.core.text import collect_terms

from .memo import Memo
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
    draft = Draft.objects.create(base=version, document=document, created_by=editor,
                                 updated_by=editor)
    # Its content is the version's, which is parsed already: no need to read it again.
    _parsed.put(_key(draft), (keyed_version(version), ()))
    return draft


def discard(draft: Draft) -> None:
    draft.delete()


def framework_of_draft(draft: Draft) -> Framework:
    return _read(draft)[0]


def reader_notes(draft: Draft) -> tuple[Diagnostic, ...]:
    return _read(draft)[1]


def _key(draft: Draft) -> tuple:
    # A revision's content never changes; created_at tells apart drafts that reuse a number.
    return (draft.pk, draft.revision, draft.created_at)


# Drafts by (draft, revision); lint findings by family (see _lint_family): after an edit only
# the family it touched is linted again.
_parsed = Memo(16)
_linted = Memo(16)
_family_lint = Memo(512)
_keyed_versions = Memo(4)


def keyed_version(version) -> Framework:
    """A published version's framework, keyed: what a draft opened from it starts as."""
    return _keyed_versions.get((version.pk, version.content_hash),
                               lambda: keyed(framework_of(version)))


def remember_keyed(version, framework: Framework) -> None:
    """`framework` (keyed: a published draft's) is the version's."""
    _keyed_versions.put((version.pk, version.content_hash), framework)


def _read(draft: Draft) -> tuple[Framework, tuple[Diagnostic, ...]]:
    """The draft's framework at its revision. The document (large) is only loaded from the
    database when this process has not got that revision already; when the row has moved on
    since `draft` was loaded, `draft` catches up to it."""
    kept = _parsed.find(_key(draft))
    if kept is not None:
        return kept
    revision, document = Draft.objects.values_list("revision", "document").get(pk=draft.pk)
    draft.revision = revision
    text = json.dumps(document, ensure_ascii=False)  # JSON is YAML
    framework, notes = canonical.read_text(TextFile(Path(f"draft {draft.pk}"), text),
                                           budget=False)  # written by craftpath
    if framework is None:  # only edits through core.edit reach a draft: a bug
        raise RuntimeError(f"draft {draft.pk} cannot be read: {notes}")
    return _parsed.put(_key(draft), (keyed(framework), tuple(notes)))


def keyed(framework: Framework, previous: Framework | None = None) -> Framework:
    """The framework with each element's source set to the key the editor pages use for it
    (`statement:<family>:<id>`, `cell:<family>:<area>:<level>`, …), so a lint finding names
    the item it is about. Families that are the very objects of `previous` are keyed already.
    Terms are collected as the reader collects them, so this equals a fresh read."""
    done = {id(family) for family in previous.families} if previous else set()
    families = tuple(family if id(family) in done else _keyed_family(family)
                     for family in framework.families)
    terms = tuple(replace(term, source=Source(f"term:{term.slug}"))
                  for term in collect_terms(families, list(framework.terms)))
    return replace(framework, families=families, terms=terms, source=Source("framework"))


def _keyed_family(family: Family) -> Family:
    f = family.slug
    return replace(
        family, source=Source(f"family:{f}"),
        levels=tuple(replace(level, source=Source(f"level:{f}:{level.slug}"))
                     for level in family.levels),
        tracks=tuple(replace(track, source=Source(f"track:{f}:{track.slug}"), areas=tuple(
            replace(area, source=Source(f"area:{f}:{area.slug}")) for area in track.areas))
            for track in family.tracks),
        # Constructors, not replace(): thousands of statements, and replace() is slow.
        expectations=tuple(Expectation(
            cell.area, cell.level,
            tuple(Statement(s.id, s.text, s.terms, Source(f"statement:{f}:{s.id}"))
                  for s in cell.statements),
            cell.gap_text, Source(f"cell:{f}:{cell.area}:{cell.level}"))
            for cell in family.expectations))


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
        return [d for key, found in self.by_item.items()
                if key.split(":")[1:2] == [family] and not key.startswith("term:")
                for d in found]


ITEM_KINDS = ("family", "level", "track", "area", "cell", "statement", "term")
FRAMEWORK_WIDE = frozenset({"CP106"})  # rules that look across families (terms)


def findings_of(draft: Draft) -> Findings:
    return _linted.get(_key(draft), lambda: _findings(*_read(draft)))


def _lint_family(framework: Framework, family: Family) -> list[Diagnostic]:
    """Lint one keyed family. Cached by the family's content: what lint says depends only on
    compared fields, and a keyed family's sources are made of them too, so an equal family
    (the same family in the next revision, or in another draft) gets the same findings."""
    def run():
        alone = replace(framework, families=(family,), terms=())
        return lint(alone, config=LintConfig(ignore=FRAMEWORK_WIDE))
    return _family_lint.get(family, run)


def _findings(framework: Framework, notes) -> Findings:
    found = list(notes)
    for family in framework.families:
        found += _lint_family(framework, family)
    found += lint(framework, config=LintConfig(ignore=frozenset(RULES_BY_CODE) - FRAMEWORK_WIDE))
    findings = Findings()
    for diagnostic in found:
        key = diagnostic.source.file
        if diagnostic.source.line == 0 and key.split(":")[0] in ITEM_KINDS:
            findings.by_item.setdefault(key, []).append(diagnostic)
        else:
            findings.general.append(diagnostic)
        findings.errors += diagnostic.severity is Severity.ERROR
        findings.warnings += diagnostic.severity is Severity.WARNING
    return findings


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
        return _describe_statement(family, item)
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


def _describe_statement(family, sid: str) -> str:
    for cell in family.expectations:
        for statement in cell.statements:
            if statement.id == sid:
                area = next(a.name for a in family.areas if a.slug == cell.area)
                level = next(lv.code for lv in family.levels if lv.slug == cell.level)
                return f"{statement.text} [{area} · {level}]"
    return f"{sid}: {_GONE}"


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
        draft.refresh_from_db(fields=["revision"])
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
            draft.refresh_from_db(fields=["revision", "updated_at", "updated_by"])
            # The next revision is what was just made: keep it rather than read it back.
            _parsed.put(_key(draft), (keyed(changed, framework), ()))
            return Saved(draft, result)
        # Another save landed between reading and writing: read again and check again.
    raise DraftError("The draft is being changed by several people at this moment; try again.")


__all__ = ["Draft", "DraftError", "EditError", "Findings", "Saved", "StaleEdit", "apply",
           "describe", "discard", "findings_of", "fingerprint", "framework_of_draft",
           "open_draft", "reader_notes", "reserved_ids"]
