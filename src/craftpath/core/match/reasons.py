"""Why a statement was suggested, in a line a person can check: the phrases of the evidence
and of the statement that share words (by stem, so "reviewed" meets "reviews"), and the area.
When nothing is shared word for word the match came from meaning alone, and the line says so
rather than inventing a phrase. A suggestion lifted by past links says so first."""

from __future__ import annotations

from .lexical import words

MAX_PHRASES = 3
# Leads the reason of a suggestion that rests on past links. It names no one and quotes no
# one's evidence: only that links were made here.
LEARNED = "people linked similar evidence here"
MAX_GAP = 12  # characters of stop words and punctuation a phrase may run across


def phrases(text: str, shared: set[str], found_words=None) -> list[str]:
    """Runs of `text` whose content words are all in `shared`, as written, longest first."""
    runs: list[tuple[int, int]] = []
    joined = False  # whether the next shared word may extend the last run
    for stem, _, start, end in found_words if found_words is not None else words(text):
        if stem not in shared:
            joined = False  # an unshared content word ends a phrase
            continue
        if joined and start - runs[-1][1] <= MAX_GAP and _joinable(text[runs[-1][1]:start]):
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
        joined = True
    found = list({text[a:b].lower(): text[a:b] for a, b in reversed(runs)}.values())[::-1]
    return sorted(found, key=lambda p: -len(p))[:MAX_PHRASES]


def _joinable(between: str) -> bool:
    return not any(mark in between for mark in ".;:!?()")


def explain(evidence: str, statement: str, area: str, level: str = "",
            evidence_words=None, statement_words=None) -> str:
    """The reason line; `*_words` are `lexical.words` of each text when the caller has them."""
    evidence_words = words(evidence) if evidence_words is None else evidence_words
    statement_words = words(statement) if statement_words is None else statement_words
    shared = {w[0] for w in evidence_words} & {w[0] for w in statement_words}
    where = f"area {area}" + (f", {level}" if level else "")
    if not shared:
        return f"close in meaning, no words in common; {where}"
    said = ", ".join(f"“{p}”" for p in phrases(evidence, shared, evidence_words))
    asked = ", ".join(f"“{p}”" for p in phrases(statement, shared, statement_words))
    if said.lower() == asked.lower():
        return f"both mention {said}; {where}"
    return f"evidence {said} ~ statement {asked}; {where}"
