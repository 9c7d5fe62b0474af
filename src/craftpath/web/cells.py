"""Spreadsheet cells that are safe to open: every CSV or XLSX the app writes passes its text
through `defuse`, and every one it reads back through `undefuse`.

A cell that starts like a formula ("=HYPERLINK(...)", "+1", "@SUM") would run in the reader's
spreadsheet program, so it gets a leading apostrophe, which spreadsheet programs show as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(text):
    return "'" + text if isinstance(text, str) and text.startswith(FORMULA_STARTS) else text


def undefuse(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_STARTS else text
