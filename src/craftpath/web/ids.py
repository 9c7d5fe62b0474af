"""Reading an id someone typed or sent (a path, a query parameter, a SCIM attribute, a form
field): one strict parser for every door, so that `²`, `٣`, ` 7`, `+7`, `07` or a number
past what the database holds is "not an id" everywhere, never a server error somewhere.

str.isdigit() and int() accept far more than ASCII digits (superscripts, other scripts'
digits, signs, spaces, underscores), and the database refuses numbers beyond 64 bits.
"""

from __future__ import annotations

import re

MAX_ID = 2**63 - 1  # the database's 64-bit keys: a larger number cannot name anything
_DIGITS = re.compile(r"[1-9][0-9]{0,18}")


def parse_id(value) -> int | None:
    """The id `value` spells (a positive whole number in ASCII digits, no sign, spaces or
    leading zeros, at most MAX_ID), or None. An int is taken as it is, within the range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def parse_count(value, default: int, most: int) -> int | None:
    """A non-negative count or position from a query string (SCIM's startIndex and count),
    capped at `most`; None when it is not a number. Empty or missing gives `default`."""
    if value is None or value == "":
        return default
    if not isinstance(value, str) or not re.fullmatch(r"-?[0-9]{1,30}", value):
        return None
    return min(max(int(value), 0), most)
