"""Names in the trail that anonymising a person can take out without breaking the chain.

An entry keeps the name and email of who acted and of whose data it was, as they were, so
the trail still says who did what after an account changes or goes. But the chain hashes
every field, and an anonymised or erased person must leave nothing readable behind. So the
chain does not hash a person's names as such: from the first entry that names them, it
hashes a commitment to each, `#c:` + SHA-256(salt, name), with a random salt kept per person
in NameSalt (outside the chain). While the salt is kept, verification recomputes the
commitment from the name stored in the entry, so editing a name is still caught. Anonymising
or erasing (`forget`) replaces each of the person's names in their entries by that very
commitment (the only change the database's update guard allows) and deletes the salt: the
chain still verifies, with the same hashes, and the 32 random bytes that are gone are what
anybody would need to test a guessed name against what is left.

Entries written before salts existed (before audit migration 0004) hash names as such; they cannot
be changed and keep the names they hold until the retention purge removes them.

The erasure entry itself carries lookup keys instead of the name: keyed hashes (HMAC with the
server's secret key) of the email and of the name, so the people team finds it by typing
either in the trail search (`lookup_terms`), and nobody without the key can tell whom it was
about."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models

from .models import ChainHead, Event, NameSalt

MARK = "#c:"
# Each name column, and the id column of the person it names.
NAME_OF = {"actor_name": "actor_pk", "actor_email": "actor_pk", "subject_name": "subject_pk"}


def commitment(salt: str, value: str) -> str:
    return MARK + hashlib.sha256(f"{salt}\x1f{value}".encode()).hexdigest()[:60]


def is_forgotten(value: str) -> bool:
    return value.startswith(MARK)


def salts_for(person_pks) -> dict[int, tuple[str, int]]:
    """person id → (salt, first seq it seals), for the given ids (all of them when None)."""
    rows = NameSalt.objects.all() if person_pks is None \
        else NameSalt.objects.filter(person_pk__in=set(person_pks))
    return {pk: (salt, since) for pk, salt, since in
            rows.values_list("person_pk", "salt", "since_seq")}


def ensure_salts(events: list[Event], salts: dict[int, tuple[str, int]]) -> None:
    """Give every person these entries name a salt (sealing from the first of them), adding
    to `salts`. Called under the chain's lock, so `since_seq` is the entry about to be
    written."""
    missing = {}
    for event in events:
        for column, pk_column in NAME_OF.items():
            pk = getattr(event, pk_column)
            if pk is not None and getattr(event, column) and pk not in salts \
                    and pk not in missing:
                missing[pk] = NameSalt(person_pk=pk, salt=secrets.token_hex(32),
                                       since_seq=event.seq)
    if missing:
        NameSalt.objects.bulk_create(missing.values())
        salts.update({pk: (row.salt, row.since_seq) for pk, row in missing.items()})


def sealed(fields: dict, salts: dict[int, tuple[str, int]]) -> dict:
    """`fields` as the chain hashes them: each person's name, from their salt's first entry
    on, as its commitment (a name already replaced by it stays as it is)."""
    out = dict(fields)
    for column, pk_column in NAME_OF.items():
        value, pk = fields[column], fields[pk_column]
        if not value or pk is None or is_forgotten(value):
            continue
        found = salts.get(pk)
        if found is not None and fields["seq"] >= found[1]:
            out[column] = commitment(found[0], value)
    return out


def forget(person_pk: int) -> int:
    """Replace `person_pk`'s names in the trail by their commitments and delete their salt;
    how many names were replaced. In the caller's transaction, under the chain's lock."""
    ChainHead.locked()
    found = NameSalt.objects.filter(person_pk=person_pk).first()
    if found is None:
        return 0
    replaced = 0
    for column, pk_column in NAME_OF.items():
        named = Event.objects.filter(**{pk_column: person_pk, "seq__gte": found.since_seq}) \
            .exclude(**{column: ""}).exclude(**{f"{column}__startswith": MARK})
        for value in set(named.values_list(column, flat=True)):
            # The only change to an entry anything makes: EventQuerySet.update refuses all.
            replaced += models.QuerySet.update(named.filter(**{column: value}),
                                               **{column: commitment(found.salt, value)})
    NameSalt.objects.filter(pk=found.pk).delete()
    return replaced


# --- finding an erasure entry -------------------------------------------------------------

def _key(kind: str, value: str) -> str:
    text = " ".join(value.split()).casefold()
    digest = hmac.new(settings.SECRET_KEY.encode(), f"erasure-{kind}:{text}".encode(),
                      hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:20]}"


def lookup_keys(email: str, name: str) -> str:
    """What an erasure entry's detail carries so it can be found by email or name."""
    keys = [_key("email", email)] + ([_key("name", name)] if name.strip() else [])
    return "lookup " + " ".join(keys)


def lookup_terms(text: str) -> list[str]:
    """The keys a search for `text` (a name or an email, as typed) would match."""
    return [_key("email", text), _key("name", text)] if text.strip() else []
