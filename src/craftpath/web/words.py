"""Words for numbers on the pages: "1 statement", "3 statements", never "3 statement(s)"."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str = "") -> str:
    """The number with its noun, singular for one; `plural` for a noun that does not just
    take an s ("person", "people")."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
