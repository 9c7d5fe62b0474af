"""Cursor pagination and revisions (ETag / If-Match) shared by the routes."""

from __future__ import annotations

import base64
import hashlib
import json

from .problems import Problem, bad_field

MAX_LIMIT = 200
MAX_ID = 2**63 - 1  # the database's 64-bit keys: a larger number cannot name anything


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"after:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "after":
            raise ValueError
        return int(value)
    except ValueError:
        raise bad_field("cursor", "is not a cursor this API gave out; start again "
                        "without it", status=400) from None


def page(queryset, cursor: str | None, limit: int, serialise=None, serialise_all=None) -> dict:
    """One page in id order: {"items": […], "next_cursor": str | null}. Keyset pagination,
    so a page costs the same however deep it is and rows added meanwhile are not skipped.
    `serialise` turns one row into its document; `serialise_all` the page's rows at once."""
    queryset = queryset.order_by("pk")
    if cursor:
        queryset = queryset.filter(pk__gt=decode_cursor(cursor))
    rows = list(queryset[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = serialise_all(rows) if serialise_all else [serialise(row) for row in rows]
    return {"items": items,
            "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None}


def etag(value) -> str:
    return f'"{value}"'


def with_etag(document: dict, tag, status: int = 200):
    """A JSON answer carrying the revision a later write sends back in If-Match."""
    from ninja.responses import Response

    answer = Response(document, status=status)
    answer["ETag"] = etag(tag)
    return answer


def fingerprint(document: dict) -> str:
    """A revision for rows without a counter: the digest of what the API shows of them."""
    text = json.dumps(document, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def if_match(request) -> str:
    """The revision the client's write is based on; refused when missing."""
    value = request.headers.get("If-Match", "").strip()
    if not value:
        raise Problem(428, "Precondition required",
                      "Send If-Match with the ETag you read, so a change made meanwhile is "
                      "not overwritten.", field="If-Match")
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


def revision_from(request) -> int:
    text = if_match(request)
    try:
        return int(text)
    except ValueError:
        return -1  # matches nothing stored: refused as stale


def stale(current: dict | None = None, what: str = "it") -> Problem:
    return Problem(412, "Precondition failed",
                   f"{what[0].upper() + what[1:]} changed after you read it, so your change "
                   "was not saved. Read it again and retry.", field="If-Match",
                   current=current)
