"""The hash chain, as pure functions: no database, so the data migration that moved the old
check-in audit log into the trail links its rows exactly as the trail does.

Each entry's hash is SHA-256 over its own fields and the previous entry's hash. Editing an
entry changes its hash; deleting one leaves the next pointing at a hash that is no longer
there; so a walk from the first entry to the head finds either.
"""

from __future__ import annotations

import hashlib
import json
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
