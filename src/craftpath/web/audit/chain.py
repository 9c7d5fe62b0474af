"""The hash chain, as pure functions: no database, so the data migration that moved the old
check-in audit log into the trail links its rows exactly as the trail does.

Each entry's hash is SHA-256 over its own fields and the previous entry's hash. Editing an
entry changes its hash; deleting one leaves the next pointing at a hash that is no longer
there; so a walk from the first entry to the head finds either. The retention purge deletes
the oldest entries and moves the anchor (the hash the first kept entry points at); its own
entry records that anchor, so an anchor moved without a purge is found too.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime

GENESIS = "0" * 64  # the "previous hash" of the very first entry
FIELDS = ("seq", "at", "actor_pk", "actor_name", "actor_email", "action", "subject_pk",
          "subject_name", "target", "detail")


def clean_text(value, limit: int) -> str:
    """Text as stored: NUL bytes (which PostgreSQL refuses) dropped, cut to the column."""
    return str(value or "").replace("\x00", "")[:limit]


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def link(previous_hash: str, fields: dict) -> str:
    """The hash of one entry given the hash before it. `fields` holds FIELDS; `at` is an
    aware datetime."""
    values = [fields[name] for name in FIELDS]
    values[FIELDS.index("at")] = timestamp(fields["at"])
    payload = json.dumps([previous_hash, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def purge_detail(count: int, last_seq: int, last_hash: str, why: str) -> str:
    """The purge entry's detail: how many entries went, and the last one's number and hash,
    which the next kept entry points at (the new anchor is `last_seq + 1`, `last_hash`)."""
    return f"{count} entries up to {last_seq} (hash {last_hash}), {why}"


# Purge entries written before they named the hash say "N entries up to SEQ, older than …".
_PURGED_UP_TO = re.compile(r"\d+ entries up to (\d+)(?: \(hash ([0-9a-f]{64})\))?")


def anchor_set_by(detail: str) -> tuple[int, str | None] | None:
    """The anchor (seq, hash; hash None in an older entry) a purge entry's detail records."""
    found = _PURGED_UP_TO.match(detail)
    if found is None:
        return None
    return int(found[1]) + 1, found[2]
