"""The evidence assistant learning from the links people make, in the app.

Every link of a piece of evidence to a statement in a check-in (made from a suggestion or
ticked by hand) is a past link. The background task (tasks.learn_links, queued after the
commit of a change of links) keeps one `LearnedLink` row per link: the evidence's vector and
the statement, never the text. A web process reads a family's rows into its matcher when they
change (`refresh`), so a suggestion never waits for learning and a link made now counts a
second or so later.

Across framework versions the rows are shared by statement id, which is stable across
versions (a check-in moved to a new version carries its links to the new ids, and the rows of
the old entries give way to new ones); a statement missing from a version takes nothing from
the rows about it.

Privacy: the rows go with the link (unlinking, deleting the evidence or its check-in removes
them) and with the person (`forget_person`, called by the erasure and anonymisation, removes
theirs at once, whatever the queue holds). When the people team switches learning off, every
row is deleted and the task learns nothing until it is switched on again. Suggestions show
only statements and a fixed reason ("people linked similar evidence here"), never evidence.
"""

from __future__ import annotations

import hashlib

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from .models import AssistantSettings, Entry, LearnedLink

BATCH = 256  # links embedded and written at a time


class StaleSettings(Exception):
    """Someone else saved the assistant settings after this form was opened."""


def evidence_text(title: str, description: str) -> str:
    """What the assistant reads of an item: its title and description."""
    return ". ".join(part.strip() for part in (title, description) if part and part.strip())


def current() -> AssistantSettings:
    found = AssistantSettings.objects.order_by("pk").first()
    if found is None:
        try:
            with transaction.atomic():
                found = AssistantSettings.objects.create()
        except IntegrityError:  # made at the same moment by another request
            found = AssistantSettings.objects.order_by("pk").first()
    return found


def save_learning(on: bool, revision: int, by) -> AssistantSettings:
    """Compare-and-set on the revision the form was drawn from; switching off forgets
    everything learned (in the caller's transaction)."""
    stored = current()
    changed = AssistantSettings.objects.filter(pk=stored.pk, revision=revision).update(
        learning=on, revision=F("revision") + 1, changed_at=timezone.now(), changed_by=by)
    if not changed:
        raise StaleSettings("The assistant settings were changed by someone else after you "
                            "opened this page, so yours were not saved. The stored value is "
                            "shown now; make your change again.")
    if not on:
        LearnedLink.objects.all().delete()
    return current()


def forget_person(person_id: int) -> int:
    """Remove what was learned from `person_id`'s evidence; returns the rows removed."""
    return LearnedLink.objects.filter(evidence__owner_id=person_id).delete()[0]


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def sync(embedder) -> dict[str, int]:
    """Make the rows match the links in the database: learn the new ones (and the edited),
    forget the gone ones. Cheap when nothing changed (one read of the links' ids and
    digests). Returns {"added": …, "removed": …}."""
    if not current().learning:
        return {"added": 0, "removed": LearnedLink.objects.all().delete()[0]}
    if embedder is None:  # no model here: learning waits for a worker that has it
        return {"added": 0, "removed": 0}
    links = Entry.evidence.through.objects.values_list(
        "entry_id", "evidence_id", "entry__checkin__family_slug", "entry__statement_id",
        "evidence__title", "evidence__description")
    wanted = {}
    for entry_id, evidence_id, family, statement, title, description in links.iterator():
        text = evidence_text(title, description)
        wanted[entry_id, evidence_id] = (family, statement, text, _digest(text))
    stored = {(entry_id, evidence_id): (pk, digest) for pk, entry_id, evidence_id, digest in
              LearnedLink.objects.values_list("pk", "entry_id", "evidence_id", "text_digest")}
    gone = [pk for key, (pk, digest) in stored.items()
            if key not in wanted or wanted[key][3] != digest]
    removed = 0
    for start in range(0, len(gone), 500):
        removed += LearnedLink.objects.filter(pk__in=gone[start:start + 500]).delete()[0]
    new = [(key, value) for key, value in wanted.items()
           if key not in stored or stored[key][1] != value[3]]
    # A text already embedded for another link (a check-in moved to a new version carries
    # its links) is read back instead of embedded again.
    needed = list({value[3] for _, value in new})
    kept = {}
    for start in range(0, len(needed), 500):
        kept.update(LearnedLink.objects.filter(text_digest__in=needed[start:start + 500])
                    .values_list("text_digest", "vector"))
    added = 0
    for start in range(0, len(new), BATCH):
        chunk = new[start:start + BATCH]
        missing = list(dict.fromkeys(v[2] for _, v in chunk if v[3] not in kept))
        if missing:
            for text, vector in zip(missing, embedder.embed_queries(missing), strict=True):
                kept[_digest(text)] = vector.astype("float32").tobytes()
        rows = [LearnedLink(entry_id=key[0], evidence_id=key[1], family_slug=family,
                            statement_id=statement, text_digest=digest,
                            vector=bytes(kept[digest]))
                for key, (family, statement, _, digest) in chunk]
        # A link removed while this ran, or a second worker on the same links: skipped.
        LearnedLink.objects.bulk_create(rows, ignore_conflicts=True)
        added += len(rows)
    return {"added": added, "removed": removed}


def state_of(family_slug: str) -> tuple[int, int | None]:
    """What a process compares to tell whether a family's rows changed: their count and the
    newest id (a removal changes the count, an addition the id)."""
    found = LearnedLink.objects.filter(family_slug=family_slug).aggregate(
        count=Count("id"), last=Max("id"))
    return found["count"], found["last"]


def refresh(matcher, family_slug: str) -> None:
    """Give `matcher` the family's rows when they changed since it last read them (one small
    query per call otherwise)."""
    if matcher.embedder is None:
        return
    import numpy

    state = state_of(family_slug)
    if matcher.learned_state == state:
        return
    ids = matcher.statement_ids
    statements, vectors = [], []
    for statement, vector in LearnedLink.objects.filter(family_slug=family_slug) \
            .order_by("id").values_list("statement_id", "vector"):
        if statement in ids:
            statements.append(statement)
            vectors.append(bytes(vector))
    if statements:
        array = numpy.frombuffer(b"".join(vectors), dtype=numpy.float32).reshape(
            len(statements), -1)
        matcher.learned = matcher.learned_from_vectors(array, statements,
                                                       [False] * len(statements))
    else:
        matcher.learned = None
    matcher.learned_state = state
