"""The one way into the audit trail: `record(who, action, subject, ...)`, called by every
feature that reads or changes someone's personal data; and the ways out: entries about a
person, the people team's search, verification of the chain, and the retention purge.

Writers take the chain head's row lock (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
transaction is IMMEDIATE, which takes the database's write lock at its start), so entries get
gapless numbers and each is linked to the one before it, however many processes write.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from . import chain, names
from .models import Action, ChainHead, Event

COMMAND_LINE = "command line"
INSERTED = (*chain.FIELDS, "prev_hash", "hash")  # every column of an entry but its id

# Who is acting in this request or command, for changes seen only through model signals (a
# role granted in the admin site, a manager set by a directory import). A context variable,
# so each waitress thread has its own; the audit middleware sets it for each request.
_acting: ContextVar = ContextVar("craftpath_audit_actor", default=None)


@contextlib.contextmanager
def acting_as(user):
    token = _acting.set(user)
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor():
    return _acting.get()


def acting_from_now(user) -> None:
    """Who acts for the rest of this request, once an API or SCIM token has named them after
    the middleware ran (its `acting_as` puts the earlier value back when the request ends)."""
    _acting.set(user)


def _actor_of(who) -> tuple[int | None, str, str]:
    user = getattr(who, "user", who)  # a request, or a user
    if user is None:
        user = current_actor()
    if user is None or not getattr(user, "is_authenticated", False):
        return None, COMMAND_LINE if user is None else "someone not signed in", ""
    return user.pk, user.name or user.email, user.email


def _subject_of(subject) -> tuple[int | None, str]:
    if subject is None:
        return None, ""
    if isinstance(subject, int):
        return subject, ""
    return subject.pk, subject.name or subject.email


def record(who, action: str, subject=None, *, target: str = "", detail: str = "",
           subjects: Iterable | None = None) -> list[Event]:
    """Append one entry (or one per person in `subjects`) to the trail and return them.

    `who` is the request, the acting user, or None (whoever the request or command is acting
    as; the command line when nobody). `subject` is the person whose data it is (a user or
    their id). `target` names the page or object and `detail` adds names, never content.
    """
    actor_pk, actor_name, actor_email = _actor_of(who)
    shared = {"at": timezone.now(), "actor_pk": actor_pk, "action": action,
              "actor_name": chain.clean_text(actor_name, 200),
              "actor_email": chain.clean_text(actor_email, 254),
              "target": chain.clean_text(target, 100), "detail": chain.clean_text(detail, 300)}
    people = list(subjects) if subjects is not None else [subject]
    with transaction.atomic():
        head = ChainHead.locked()
        made = []
        for person in people:
            subject_pk, subject_name = _subject_of(person)
            made.append(Event(seq=head.seq + len(made) + 1, subject_pk=subject_pk,
                              subject_name=chain.clean_text(subject_name, 200), **shared))
        salts = names.salts_for({e.actor_pk for e in made} | {e.subject_pk for e in made})
        names.ensure_salts(made, salts)
        for event in made:
            event.prev_hash = head.hash
            event.hash = chain.link(head.hash, names.sealed(event.chained_fields(), salts))
            head.seq, head.hash = event.seq, event.hash
        _insert(made)
        ChainHead.objects.filter(pk=1).update(seq=head.seq, hash=head.hash)
    return made


def _insert(events: list[Event]) -> None:
    """The entries as multi-row INSERTs returning their ids, as bulk_create would write them
    but without its per-field preparation, which cost several times the database's own work
    for the fifty entries of a team page, paid while holding the chain's lock. Every column is
    text, a number or `at`, which the backend adapts as the ORM does (a test compares the
    rows with what the ORM writes)."""
    if not events:
        return
    connection = connections[Event.objects.db]
    quote, adapt_at = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    fields = [Event._meta.get_field(name) for name in INSERTED]
    table = quote(Event._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    returning = connection.features.can_return_rows_from_bulk_insert
    size = connection.ops.bulk_batch_size(fields, events)
    for start in range(0, len(events), size):
        batch = events[start:start + size]
        values = []
        for event in batch:
            values += [adapt_at(event.at) if name == "at" else getattr(event, name)
                       for name in INSERTED]
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(batch))}"
        with connection.cursor() as cursor:
            if returning:
                cursor.execute(f"{sql} RETURNING {quote('seq')}, {quote(Event._meta.pk.column)}",
                               values)
                ids = dict(cursor.fetchall())
            else:  # SQLite before 3.35
                cursor.execute(sql, values)
                ids = dict(Event.objects.filter(seq__gte=batch[0].seq, seq__lte=batch[-1].seq)
                           .values_list("seq", "pk"))
        # The returned entries are stored ones, as bulk_create's are: ids set, and saving
        # them again is refused as a change.
        for event in batch:
            event.pk = ids[event.seq]
            event._state.adding, event._state.db = False, connection.alias


def record_read(request, subject, target: str, detail: str = "") -> None:
    """A read of `subject`'s personal data; reading one's own is not news and is not kept."""
    if subject is not None and request.user.pk == getattr(subject, "pk", subject):
        return
    record(request, Action.VIEWED, subject, target=target, detail=detail)


# --- reading ----------------------------------------------------------------------------------

def about(person) -> Iterable[Event]:
    """Entries about `person`'s data made by anyone else, newest first."""
    return Event.objects.filter(subject_pk=person.pk).exclude(actor_pk=person.pk)


@dataclass
class Search:
    actor: str = ""
    subject: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None  # exclusive

    def run(self):
        found = Event.objects.all()
        for value, pk_field, text_fields in (
                (self.actor, "actor_pk", ("actor_name", "actor_email")),
                (self.subject, "subject_pk", ("subject_name",))):
            value = value.strip()
            if not value:
                continue
            if value.isdigit() and len(value) < 19:
                found = found.filter(**{pk_field: int(value)})
            else:
                from django.db.models import Q

                query = Q()
                for name in text_fields:
                    query |= Q(**{f"{name}__icontains": value})
                if pk_field == "subject_pk":
                    query |= _erasure_lookup(value)
                found = found.filter(query)
        if self.action:
            found = found.filter(action=self.action)
        if self.since:
            found = found.filter(at__gte=self.since)
        if self.until:
            found = found.filter(at__lt=self.until)
        return found


def _erasure_lookup(text: str):
    """Erasure and anonymisation entries keep no name, only keys that the name or email
    the person had give back (names.lookup_keys)."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for term in names.lookup_terms(text):
        query |= Q(action__in=[Action.ERASED, Action.ANONYMISED], detail__contains=term)
    return query


def head() -> tuple[int, str]:
    """The last entry's number and hash: noted somewhere else (beside each backup, say), it
    shows later whether the whole chain was rewritten."""
    found = ChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return found or (0, chain.GENESIS)


# --- verification -----------------------------------------------------------------------------

@dataclass
class Verification:
    checked: int = 0
    first_seq: int | None = None
    head_seq: int = 0
    head_hash: str = ""
    reaches: tuple[int, str] | None = None  # the noted head the trail was found to reach
    problems: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def parse_head(text: str) -> tuple[int, str]:
    """A head noted elsewhere, as `SEQ:HASH` (what `craftpath backup` and `audit_verify`
    print); ValueError with a message naming what is wrong."""
    seq, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not seq.strip().isdigit() or len(seq.strip()) > 18 or len(digest) != 64 \
            or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"{text!r} is not a head: give it as SEQ:HASH, an entry number and "
                         "its 64-character hash, as `audit_verify` and `craftpath backup` "
                         "print it")
    return int(seq), digest


def verify(limit_problems: int = 20, expect_head: tuple[int, str] | None = None
           ) -> Verification:
    """Walk the chain from its anchor to its head and report every break: an entry whose hash
    does not match its fields (edited), one that does not point at the entry before it or a
    gap in the numbers (deleted), a head that is not the last entry (deleted at the end), an
    anchor other than the one the last purge recorded (the start cut off). With
    `expect_head` (seq, hash), a head noted elsewhere, also whether the trail still holds that
    entry unchanged, which a rewrite of the whole chain cannot fake."""
    with transaction.atomic():
        head = ChainHead.locked()
    found = Verification(head_seq=head.seq, head_hash=head.hash)
    expected_seq, expected_prev = head.anchor_seq, head.anchor_hash
    # Where the anchor must be: the genesis until a purge, then where the last purge set it.
    recorded_anchor: tuple[int, str | None] = (1, chain.GENESIS)
    noted_hash = None  # the hash the trail holds for the noted head's entry

    def problem(text: str) -> None:
        if len(found.problems) < limit_problems:
            found.problems.append(text)

    # Up to the head as read: entries written while the walk goes on are the next walk's.
    rows = Event.objects.filter(seq__lte=head.seq).order_by("seq") \
        .values_list("prev_hash", "hash", *chain.FIELDS)
    salts = names.salts_for(None)
    for prev_hash, stored_hash, *values in rows.iterator(chunk_size=2000):
        fields = names.sealed(dict(zip(chain.FIELDS, values, strict=True)), salts)
        seq = fields["seq"]
        if found.first_seq is None:
            found.first_seq = seq
        if seq != expected_seq:
            problem(f"entries {expected_seq}–{seq - 1} are missing (deleted)"
                    if seq > expected_seq else f"entry {seq} is out of order")
        elif prev_hash != expected_prev:
            problem(f"entry {seq} does not follow the entry before it (one was deleted or "
                    "edited)")
        if chain.link(prev_hash, fields) != stored_hash:
            problem(f"entry {seq} was changed after it was written (its hash does not match)")
        if fields["action"] == Action.PURGED:
            recorded_anchor = chain.anchor_set_by(fields["detail"]) or recorded_anchor
        if expect_head and seq == expect_head[0]:
            noted_hash = stored_hash
        found.checked += 1
        expected_seq, expected_prev = seq + 1, stored_hash
    if expected_seq - 1 != head.seq or expected_prev != head.hash:
        problem(f"the chain ends at entry {expected_seq - 1} but its head says {head.seq}: "
                "the last entries were deleted")
    anchor_seq, anchor_hash = recorded_anchor
    if head.anchor_seq != anchor_seq or anchor_hash not in (None, head.anchor_hash):
        problem(f"the trail starts at entry {head.anchor_seq} but "
                + ("no purge is recorded" if anchor_seq == 1 else
                   f"the last purge recorded entry {anchor_seq}")
                + ": the anchor was moved and the entries before it deleted")
    if expect_head:
        _check_noted_head(found, head, expect_head, noted_hash, problem)
    return found


def _check_noted_head(found: Verification, head: ChainHead, noted: tuple[int, str],
                      noted_hash: str | None, problem) -> None:
    seq, digest = noted
    if seq == head.anchor_seq - 1:  # the last entry purged (or the genesis): the anchor's
        noted_hash = head.anchor_hash
    if noted_hash == digest:
        found.reaches = noted
    elif seq < head.anchor_seq - 1:
        problem(f"the noted head, entry {seq}, was purged (the trail starts at entry "
                f"{head.anchor_seq}): it cannot be checked; note a newer head")
    elif seq > head.seq:
        problem(f"the trail does not reach the noted head: it ends at entry {head.seq}, "
                f"before entry {seq} (entries deleted, or the trail rewritten)")
    elif noted_hash is None:
        problem(f"the trail does not reach the noted head: entry {seq} is missing")
    else:
        problem(f"the trail does not reach the noted head: entry {seq} has another hash "
                "(the trail was rewritten up to there)")


# --- retention --------------------------------------------------------------------------------

def retention_days() -> int:
    return int(getattr(settings, "CRAFTPATH_AUDIT_RETENTION_DAYS", 730))


@contextlib.contextmanager
def purge_permit(using: str | None = None):
    """Let the database delete entries and move the anchor, inside the caller's transaction
    (its triggers refuse both unless `audit_purge_permit` holds a row; see migration 0003).
    The row is added and removed in the same transaction, so no other connection sees it; if
    the transaction fails, its rollback removes it."""
    connection = connections[using or Event.objects.db]
    if not connection.in_atomic_block:
        raise RuntimeError("the purge permit is opened only inside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_purge_permit")


def purge(now: datetime | None = None, who=None) -> int:
    """Delete entries older than the retention period. The first kept entry becomes the
    anchor (the head row keeps the hash it points at), and the purge is itself recorded with
    that anchor, so the chain still verifies from the anchor to the head and an anchor moved
    by anything else is found."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    with transaction.atomic():
        ChainHead.locked()  # no entry is added meanwhile
        old = Event.objects.filter(at__lt=cutoff).order_by("-seq").values_list("seq", "hash")
        last = old.first()
        if last is None:
            return 0
        last_seq, last_hash = last
        with purge_permit():
            count = Event.objects.filter(seq__lte=last_seq)._purge()[0]
            ChainHead.objects.filter(pk=1).update(anchor_seq=last_seq + 1,
                                                  anchor_hash=last_hash)
        why = f"older than {cutoff:%Y-%m-%d} ({retention_days()} days' retention)"
        record(who, Action.PURGED, target="audit trail",
               detail=chain.purge_detail(count, last_seq, last_hash, why))
    return count
