"""The evidence assistant in the app: which statements a piece of evidence likely supports.

Suggestions come from core.match, computed on the server for the person's level and the next
(in their open check-in's version, family and tracks, or their directory entry when no check-in
is open). They are shown with their reasons and never applied on their own: a link is made only
when the person clicks one, and the link then records the model that suggested it.

The model and each family's statement index are loaded once per process, on first use; what
was learned from past links (learning.py) is read again whenever it changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction

from craftpath.core.match import Matcher, MatchError, Query, Suggestion, load_embedder
from craftpath.web.frameworks.models import FrameworkVersion
from craftpath.web.frameworks.publishing import active_version, framework_of

from . import learning, loop
from . import scope as scopes
from .learning import evidence_text
from .models import CheckIn, Entry, Evidence, SuggestedLink

TOP = 3


@dataclass
class Context:
    """Where suggestions for one person come from."""

    version: object  # FrameworkVersion
    family_slug: str
    level_slug: str
    tracks: tuple[str, ...]
    checkin: CheckIn | None = None
    linkable: set[str] = field(default_factory=set)  # statements one click may link to now


@lru_cache(maxsize=1)
def _model():
    """(embedder or None, why not): the model is found once per process, loaded on first use."""
    return load_embedder()


@lru_cache(maxsize=16)
def _matcher(version_pk: int, content_hash: str, family_slug: str) -> Matcher | None:
    version = FrameworkVersion.objects.defer("document").get(pk=version_pk)
    family = framework_of(version).find_family(family_slug)
    if family is None:
        return None
    embedder, why = _model()
    return Matcher(family, embedder, fallback_reason=why)


def matcher_of(context: Context) -> Matcher | None:
    """The family's matcher, with what was learned from past links as it stands now."""
    matcher = _matcher(context.version.pk, context.version.content_hash, context.family_slug)
    if matcher is not None:
        learning.refresh(matcher, context.family_slug)
    return matcher


def context_for(person) -> Context | None:
    """The person's open check-in, else their directory entry on the active version; None when
    neither names a family and level of a published framework."""
    checkin = (CheckIn.objects.select_related("version").defer("version__document")
               .filter(person=person, closed_at=None).first())
    if checkin is not None:
        linkable = set()
        if loop.editable_side(checkin, "self") is None:
            linkable = {item.statement.id for item in scopes.of_checkin(checkin).items}
        return Context(checkin.version, checkin.family_slug, checkin.level_slug,
                       tuple(checkin.track_slugs), checkin, linkable)
    version = active_version()
    if version is None or not person.family_slug or not person.level_slug:
        return None
    return Context(version, person.family_slug, person.level_slug, tuple(person.track_slugs))


def _within_tracks(matcher: Matcher, tracks: tuple[str, ...]) -> frozenset[str] | None:
    if not tracks:
        return None
    areas = {area.slug for track in matcher.family.tracks if track.slug in tracks
             for area in track.areas}
    return frozenset(row.statement.id for row in matcher.rows if row.area.slug in areas)


def suggest(context: Context, text: str, *, exclude: set[str] = frozenset(),
            scope: str = "next", only: set[str] | None = None) -> list[Suggestion]:
    """Up to three statements for `text`, of the context's level and the next (in its tracks),
    leaving out `exclude` and, when given, keeping to `only`."""
    matcher = matcher_of(context)
    if matcher is None or not text.strip():
        return []
    allowed = _within_tracks(matcher, context.tracks)
    if only is not None:
        allowed = frozenset(only) if allowed is None else allowed & frozenset(only)
    if exclude:
        everything = frozenset(row.statement.id for row in matcher.rows)
        allowed = (everything if allowed is None else allowed) - frozenset(exclude)
    try:
        return matcher.suggest_many([Query(text, context.level_slug, scope, TOP, allowed)])[0]
    except MatchError:
        return []  # the person's level is not in this version: nothing to suggest


def method_of(context: Context | None) -> str:
    matcher = matcher_of(context) if context else None
    return matcher.method if matcher else ""


class NotSuggested(loop.LoopError):
    """The statement clicked is not (or no longer) among the suggestions for this evidence."""


def link_from_suggestion(context: Context, item: Evidence, statement_id: str) -> Entry:
    """Link `item` to `statement_id` in the open check-in, recording the model that suggested
    it. The suggestion is computed again here, so a link is recorded as suggested only when the
    statement really is among the suggestions for the item as saved."""
    if context.checkin is None or statement_id not in context.linkable:
        raise loop.LoopError("That statement is not open for linking in your check-in.")
    linked = set(context.checkin.entries.filter(evidence=item)
                 .values_list("statement_id", flat=True))
    ids = [s.statement.id for s in suggest(context, evidence_text(item.title, item.description),
                                           exclude=linked, only=context.linkable)]
    if statement_id in linked:
        raise loop.LoopError("That evidence is already linked to the statement.")
    if statement_id not in ids:
        raise NotSuggested("That statement is no longer suggested for this evidence; tick it "
                           "in your check-in to link it yourself.")
    with transaction.atomic():
        entry = loop.attach_new_evidence(context.checkin, statement_id, item)
        SuggestedLink.objects.update_or_create(
            entry=entry, evidence=item, defaults={"model": matcher_of(context).model_label})
    return entry


def unlinked_for(checkin: CheckIn, item: Evidence) -> list[Suggestion]:
    """For a reviewer: statements of this check-in the item may support but is not linked to."""
    version = checkin.version
    context = Context(version, checkin.family_slug, checkin.level_slug,
                      tuple(checkin.track_slugs), checkin)
    in_scope = {i.statement.id for i in scopes.of_checkin(checkin).items}
    linked = set(checkin.entries.filter(evidence=item).values_list("statement_id", flat=True))
    return suggest(context, evidence_text(item.title, item.description), exclude=linked,
                   only=in_scope)
