"""The check-in loop as plain functions: start, save a voice (self, manager or agreed) with
optimistic concurrency, submit, agree a summary, close with a frozen snapshot, and carry an
open check-in to a new framework version. Views call these after asking access.py.

Every write is one transaction. A save names the revision its form was drawn from; the update
is a compare-and-set on that revision, so a stale save changes nothing and is reported as a
conflict with what is stored now, for the page to show beside the user's own input.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.signals import m2m_changed
from django.dispatch import Signal
from django.utils import timezone

from craftpath.core.compare import compare_family_versions
from craftpath.core.progress import NOT_APPLICABLE
from craftpath.web.frameworks.publishing import active_version, framework_of

from ..words import counted
from . import scope as scopes
from .models import CheckIn, ClosedCheckInError, Entry, Evidence, SuggestedLink

LIMITS = {"reason": 2000, "comment": 5000}

# Sent with `checkin` inside the closing transaction, once it is frozen: what a receiver keeps
# (the insights figures, connected by the insights app) moves with the record, or neither does.
checkin_closed = Signal()


class LoopError(Exception):
    """Something the person asked for cannot be done now; the message says why, for them."""


class Conflict(Exception):  # noqa: N818 - a conflict is an outcome the page shows, not a fault
    def __init__(self, entry: Entry | None, side: str, message: str):
        super().__init__(message)
        self.entry, self.side = entry, side


@dataclass(frozen=True)
class Saved:
    entry: Entry
    revision: int
    # For an agreed outcome: the fingerprint of the record after this save, when the page that
    # saved it had seen the record as it was just before (see agreed_fingerprint); else "".
    seen: str = ""


# --- starting ---------------------------------------------------------------------------------

def cannot_start(person) -> str:
    """Why `person` cannot start a check-in now ("" when they can): the home page shows this
    instead of a Start button that would only fail."""
    version = active_version()
    if version is None:
        return "No framework is published yet, so there is nothing to check in on."
    if not person.family_slug or not person.level_slug:
        return ("Your family and level are not set in the directory yet; ask whoever keeps "
                "the directory to set them.")
    family = framework_of(version).find_family(person.family_slug)
    if family is None or family.find_level(person.level_slug) is None:
        return f"Your level ({person.level_slug}) is not in the current framework."
    return ""


def start(person, include_next: bool) -> CheckIn:
    """Open a check-in for `person` on the active framework version, at their level (and the
    next one when asked), in their family and tracks."""
    problem = cannot_start(person)
    if problem:
        raise LoopError(problem)
    version = active_version()
    framework = framework_of(version)
    family = framework.find_family(person.family_slug)
    level = family.find_level(person.level_slug)
    following = family.next_level(level) if include_next else None
    scope = scopes.build(framework, family.slug, level.slug,
                         following.slug if following else "", tuple(person.track_slugs or ()))
    if not scope.items:
        raise LoopError("The framework has no statements for your level and tracks yet.")
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                person=person, version=version, family_slug=family.slug, level_slug=level.slug,
                next_level_slug=following.slug if following else "",
                track_slugs=list(scope.tracks))
            Entry.objects.bulk_create(Entry(checkin=checkin, statement_id=item.statement.id,
                                            position=item.position) for item in scope.items)
    except IntegrityError:
        raise LoopError("You already have an open check-in; finish or close it first.") from None
    return checkin


def open_checkin_of(person) -> CheckIn | None:
    return CheckIn.objects.filter(person=person, closed_at=None).first()


# --- saving one voice -------------------------------------------------------------------------

def editable_side(checkin: CheckIn, side: str) -> str | None:
    """Why `side` cannot be changed now, or None when it can."""
    if checkin.is_closed:
        return "This check-in is closed; its record no longer changes."
    if side == "agreed":
        return None if checkin.both_submitted else \
            "The outcome is agreed once both the self-assessment and the review are submitted."
    if checkin.submitted_at(side) is not None:
        return "This side was submitted; it no longer changes."
    return None


def editable_entry(checkin: CheckIn, side: str, entry: Entry) -> str | None:
    """Why `side` of this one entry cannot be changed now, or None when it can. A submitted
    side keeps what it submitted; it still rates the statements a move to a new version
    added after it submitted (`added_by_move`), which it never rated blind."""
    why_not = editable_side(checkin, side)
    if why_not and side != "agreed" and not checkin.is_closed and entry.added_by_move:
        return None
    return why_not


def save_voice(checkin: CheckIn, side: str, statement_id: str, *, value: str, reason: str,
               comment: str, revision: int, evidence_ids: list[int] | None = None,
               seen: str | None = None) -> Saved:
    """Store one statement's rating for `side`, if `revision` is still the stored one.
    `seen` is the agreed-record fingerprint of the page saving an agreed outcome."""
    scope = scopes.of_checkin(checkin)
    if scope.item(statement_id) is None:
        raise LoopError("That statement is not part of this check-in.")
    value, reason, comment = value.strip(), reason.strip(), comment.strip()
    if value and value not in scope.choices:
        raise LoopError(f"“{value}” is not on this framework's scale.")
    if value == NOT_APPLICABLE and not reason:
        raise LoopError("Not applicable needs a reason: say why in “Why it does not apply”; it "
                        "saves as you type.")
    if value != NOT_APPLICABLE:
        reason = ""  # a reason only ever explains a Not applicable
    for name, text in (("reason", reason), ("comment", comment)):
        if len(text) > LIMITS[name]:
            raise LoopError(f"The {name} is too long (at most {LIMITS[name]} characters).")
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        stored = Entry.objects.filter(checkin=checkin, statement_id=statement_id).first()
        if stored is None:  # moved to a version without it since the page was drawn
            raise LoopError("That statement is not part of this check-in.")
        why_not = editable_entry(current, side, stored)
        if why_not:
            raise LoopError(why_not)
        followed = side == "agreed" and seen is not None and seen == agreed_fingerprint(current)
        update = {f"{side}_value": value, f"{side}_reason": reason, f"{side}_comment": comment,
                  f"{side}_revision": F(f"{side}_revision") + 1, "updated_at": timezone.now()}
        if side != "agreed" and current.both_submitted:
            update[f"{side}_after_seeing"] = True  # the other side's ratings were in view
        changed = Entry.objects.filter(
            checkin=checkin, statement_id=statement_id, **{f"{side}_revision": revision},
        ).update(**update)
        entry = Entry.objects.get(checkin=checkin, statement_id=statement_id)
        if not changed:
            raise Conflict(entry, side, "Someone else (or this page in another tab) saved this "
                           "statement after you opened it, so your change was not saved. Your "
                           "input is still here; what is stored now is shown beside it.")
        if side == "self" and evidence_ids is not None:
            entry.evidence.set(Evidence.objects.filter(owner_id=checkin.person_id,
                                                       pk__in=evidence_ids))
            # a link the person removed no longer came from a suggestion
            SuggestedLink.objects.filter(entry=entry).exclude(evidence__in=entry.evidence.all()) \
                .delete()
        now_seen = agreed_fingerprint(current) if followed else ""
    return Saved(entry, getattr(entry, f"{side}_revision"), now_seen)


def attach_new_evidence(checkin: CheckIn, statement_id: str, evidence: Evidence) -> Entry:
    """Attach a just-added evidence item to the person's rating of a statement. It adds to the
    entry, so the revision moves on: another tab holding the old list gets a conflict instead
    of dropping the new item when it saves."""
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        why_not = editable_side(current, "self")
        if why_not:
            raise LoopError(why_not)
        entry = Entry.objects.get(checkin=checkin, statement_id=statement_id)
        entry.evidence.add(evidence)
        Entry.objects.filter(pk=entry.pk).update(self_revision=F("self_revision") + 1)
        entry.refresh_from_db()
    return entry


def unrated(checkin: CheckIn, side: str) -> list[str]:
    return list(checkin.entries.filter(**{f"{side}_value": ""})
                .values_list("statement_id", flat=True))


def submit(checkin: CheckIn, side: str, by) -> CheckIn:
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        why_not = editable_side(current, side)
        if why_not:
            raise LoopError(why_not)
        missing = unrated(current, side)  # under the lock, as close's
        if missing:
            verb = "needs" if len(missing) == 1 else "need"
            raise LoopError(f"{counted(len(missing), 'statement')} still {verb} a rating (or Not "
                            "applicable with a reason) before submitting.")
        now = timezone.now()
        if side == "self":
            current.self_submitted_at = now
        else:
            current.manager_submitted_at, current.reviewer = now, by
        current.save(update_fields=["self_submitted_at", "manager_submitted_at", "reviewer"])
    return current


def agree_matching(checkin: CheckIn) -> int:
    """Where self and manager gave the same rating and nothing is agreed yet, agree it."""
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        why_not = editable_side(current, "agreed")
        if why_not:
            raise LoopError(why_not)
        return current.entries.filter(agreed_value="", self_value=F("manager_value")) \
            .exclude(self_value="").update(
                agreed_value=F("self_value"), agreed_reason=F("self_reason"),
                agreed_revision=F("agreed_revision") + 1, updated_at=timezone.now())


def save_summary(checkin: CheckIn, text: str, revision: int, seen: str | None = None) -> Saved:
    """Store the summary if `revision` is still the stored one; `seen` as for save_voice."""
    text = text.strip()
    if len(text) > 20000:
        raise LoopError("The summary is too long (at most 20,000 characters).")
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        why_not = editable_side(current, "agreed")
        if why_not:
            raise LoopError(why_not)
        followed = seen is not None and seen == agreed_fingerprint(current)
        changed = CheckIn.objects.filter(pk=checkin.pk, summary_revision=revision).update(
            summary=text, summary_revision=F("summary_revision") + 1)
        if not changed:
            raise Conflict(None, "summary", "The summary was changed elsewhere after you opened "
                           "it, so your text was not saved. Your text is still here; the stored "
                           "summary is shown beside it.")
        now_seen = agreed_fingerprint(current) if followed else ""
    return Saved(None, revision + 1, now_seen)


def agreed_fingerprint(checkin: CheckIn) -> str:
    """A digest of what closing freezes and the reviewer reads first: every agreed outcome
    and the summary. The close button carries the fingerprint of the page it is on, so a
    change made elsewhere after that page was drawn refuses the close instead of being frozen
    unseen; the reviewer's own saves hand their page the new fingerprint."""
    digest = hashlib.sha256()
    for row in checkin.entries.order_by("statement_id").values_list(
            "statement_id", "agreed_value", "agreed_reason", "agreed_comment"):
        digest.update(json.dumps(row).encode())
    summary = CheckIn.objects.filter(pk=checkin.pk).values_list("summary", flat=True).first()
    digest.update(json.dumps(summary or "").encode())
    return digest.hexdigest()[:32]


def self_fingerprint(checkin: CheckIn) -> str:
    """Changes whenever any self rating is saved: an import form carries it, so a sheet
    filled while the page was also being edited is refused instead of overwriting."""
    total = checkin.entries.aggregate(total=Sum("self_revision"))["total"] or 0
    return f"{checkin.pk}-{total}"


def import_self(checkin: CheckIn, ratings: dict[str, dict], fingerprint: str) -> int:
    """Store a checked sheet's ratings as the self-assessment, all or nothing."""
    with transaction.atomic():
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        why_not = editable_side(current, "self")
        if why_not:
            raise LoopError(why_not)
        if fingerprint != self_fingerprint(current):
            raise Conflict(None, "self", "The self-assessment changed after this import page "
                           "was opened (in another tab, perhaps), so nothing was imported. "
                           "Open the import page again and upload the file again.")
        now = timezone.now()
        for statement_id, voice in ratings.items():
            checkin.entries.filter(statement_id=statement_id).update(
                self_value=voice["value"], self_reason=voice["reason"],
                self_comment=voice["comment"], self_revision=F("self_revision") + 1,
                updated_at=now)
    return len(ratings)


# --- closing ----------------------------------------------------------------------------------

def close(checkin: CheckIn, by, seen: str | None = None) -> CheckIn:
    """Freeze the check-in: what was agreed, against which version, with the evidence as it
    reads today. Every statement needs an agreed outcome first. With `seen` (the page's
    agreed_fingerprint), a record that changed since the page was drawn is not closed."""
    with transaction.atomic():
        # Checked under the lock: a move to a new version (which adds unrated statements) or
        # a rating cleared since `checkin` was read is seen here.
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        why_not = editable_side(current, "agreed")
        if why_not:
            raise LoopError(why_not)
        missing = unrated(current, "agreed")
        if missing:
            verb = "has" if len(missing) == 1 else "have"
            raise LoopError(f"{counted(len(missing), 'statement')} {verb} no agreed outcome yet.")
        scope = scopes.of_checkin(current)
        if seen is not None and seen != agreed_fingerprint(current):
            raise Conflict(None, "agreed", "The agreed outcomes or the summary changed after "
                           "this page was opened, so the check-in was not closed. Read them "
                           "again below, then close.")
        current.snapshot = snapshot_of(current, scope)
        current.closed_at, current.closed_by = timezone.now(), by
        current.save(update_fields=["snapshot", "closed_at", "closed_by"])
        checkin_closed.send(CheckIn, checkin=current)
    return current


def snapshot_of(checkin: CheckIn, scope: scopes.Scope) -> dict:
    cited: dict[str, list[dict]] = {}
    links = Entry.evidence.through.objects.filter(entry__checkin=checkin) \
        .select_related("entry", "evidence")
    for link in links:
        cited.setdefault(link.entry.statement_id, []).append(link.evidence.frozen())
    mark_suggested(checkin, cited)
    return {
        "framework": scope.framework.name, "version": checkin.version.label,
        "scale": list(scope.framework.scale), "family": scope.family.slug,
        "level": scope.level.slug, "next_level": scope.next_level.slug if scope.next_level else "",
        "tracks": list(scope.tracks), "statements": len(scope.items), "evidence": cited,
    }


def frozen_evidence(checkin: CheckIn) -> dict[str, list[dict]]:
    """Statement id → the evidence as it was cited: frozen for a closed check-in, live for an
    open one."""
    if checkin.is_closed and checkin.snapshot is not None:
        return checkin.snapshot.get("evidence", {})
    cited: dict[str, list[dict]] = {}
    for link in Entry.evidence.through.objects.filter(entry__checkin=checkin) \
            .select_related("entry", "evidence").order_by("evidence__date", "evidence_id"):
        cited.setdefault(link.entry.statement_id, []).append(link.evidence.frozen())
    return mark_suggested(checkin, cited)


def mark_suggested(checkin: CheckIn, cited: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Add `suggested_by` (the model's name and version) to each cited item whose link was made
    from an evidence-assistant suggestion, so the person and reviewers can tell."""
    made = {(statement, evidence): model for statement, evidence, model in
            SuggestedLink.objects.filter(entry__checkin=checkin)
            .values_list("entry__statement_id", "evidence_id", "model")}
    for statement_id, items in cited.items():
        for item in items:
            model = made.get((statement_id, item.get("id")))
            if model:
                item["suggested_by"] = model
    return cited


# --- carrying to a new framework version ------------------------------------------------------

def carry_to(checkin: CheckIn, version, level_slug: str = "") -> CheckIn:
    """Move an open check-in to `version` (and to `level_slug`, when a promotion takes effect),
    taking each rating along the statement mapping of core.compare (kept and reworded
    statements keep their rating; a split statement's rating goes to each part; merged ones
    keep the first rated). New statements start unrated. Moved to a new level, a check-in that
    also looked at the next level looks at the one above the new level.

    What a side submitted stays submitted: its ratings were given blind, and reopening it
    after both sides had submitted would let it be rewritten with the other side in view. A
    side that had submitted rates the new statements still (they are marked `added_by_move`);
    a rating given once both sides had submitted is marked as given after seeing the other
    side (see save_voice)."""
    if checkin.is_closed:
        raise ClosedCheckInError("a closed check-in keeps the version it was made against")
    old_framework, new_framework = framework_of(checkin.version), framework_of(version)
    old_family = old_framework.find_family(checkin.family_slug)
    new_family = new_framework.find_family(checkin.family_slug)
    level_slug = level_slug or checkin.level_slug
    level = new_family.find_level(level_slug) if new_family else None
    if level is None or level.missing:
        raise LoopError("The new version has no such family or level; this check-in stays on "
                        "its version.")
    carried = compare_family_versions(old_family, new_family).carried()
    if level_slug == checkin.level_slug:
        next_slug = checkin.next_level_slug if checkin.next_level_slug and \
            new_family.find_level(checkin.next_level_slug) else ""
    else:
        following = new_family.next_level(level) if checkin.next_level_slug else None
        next_slug = following.slug if following else ""
    scope = scopes.build(new_framework, checkin.family_slug, level_slug, next_slug,
                         tuple(checkin.track_slugs))
    with transaction.atomic():
        # The row lock every save of a rating takes: a rating saved meanwhile is carried, not
        # lost, and a second move made from the same stale page (a double click, the people
        # team's bulk move) is refused instead of mapping the new entries as if they were old.
        current = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if current.is_closed:
            raise ClosedCheckInError("a closed check-in keeps the version it was made against")
        if (current.version_id, current.level_slug) != (checkin.version_id,
                                                         checkin.level_slug):
            raise LoopError("This check-in was moved to another version meanwhile (or to "
                            "another level); reload it.")
        checkin.refresh_from_db()
        old_entries = list(checkin.entries.prefetch_related("evidence"))
        suggested: dict[int, list[SuggestedLink]] = {}  # old entry id → links from suggestions
        for link in SuggestedLink.objects.filter(entry__checkin=checkin):
            suggested.setdefault(link.entry_id, []).append(link)
        by_new_id: dict[str, Entry] = {}
        for old in old_entries:
            for new_id in carried.get(old.statement_id, ()):
                kept = by_new_id.get(new_id)
                if kept is None or (not kept.self_value and old.self_value):
                    by_new_id[new_id] = old
        checkin.entries.all().delete()
        fields = [f"{side}_{part}" for side in ("self", "manager", "agreed")
                  for part in ("value", "reason", "comment")] + [
            "added_by_move", "self_after_seeing", "manager_after_seeing"]
        any_submitted = bool(current.self_submitted_at or current.manager_submitted_at)
        # Every carried entry starts above any revision a page opened before the move holds,
        # so a stale tab's save is refused rather than overwriting the carried rating.
        revisions = {f"{side}_revision": 1 + max((getattr(old, f"{side}_revision")
                                                  for old in old_entries), default=0)
                     for side in ("self", "manager", "agreed")}
        # Made in a few statements whatever the scope's size (a promotion's job carries
        # hundreds of check-ins): the entries, then their links and the suggestions'.
        sources = [by_new_id.get(item.statement.id) for item in scope.items]
        entries = Entry.objects.bulk_create(
            Entry(checkin=checkin, statement_id=item.statement.id, position=item.position,
                  **revisions,
                  **({name: getattr(source, name) for name in fields} if source
                     else {"added_by_move": any_submitted}))
            for item, source in zip(scope.items, sources, strict=True))
        carried_links = [Entry.evidence.through(entry_id=entry.pk, evidence_id=evidence.pk)
                         for entry, source in zip(entries, sources, strict=True) if source
                         for evidence in source.evidence.all()]
        Entry.evidence.through.objects.bulk_create(carried_links)
        SuggestedLink.objects.bulk_create(
            SuggestedLink(entry=entry, evidence_id=link.evidence_id, model=link.model)
            for entry, source in zip(entries, sources, strict=True) if source
            for link in suggested.get(source.pk, ()))
        if carried_links:
            # What the assistant learned went with the old entries; a bulk insert sends no
            # m2m_changed, so it is sent here, as one add, for the learning to be queued.
            m2m_changed.send(sender=Entry.evidence.through,
                             instance=next(e for e in entries if e.pk == carried_links[0]
                                           .entry_id),
                             action="post_add", reverse=False, model=Evidence,
                             pk_set={link.evidence_id for link in carried_links}, using="default")
        checkin.version, checkin.level_slug = version, level_slug
        checkin.next_level_slug = next_slug
        checkin.save(update_fields=["version", "level_slug", "next_level_slug"])
    return checkin
