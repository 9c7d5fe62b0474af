"""Rules about statement text shared by every format: splitting cells, gaps and term marks."""

from __future__ import annotations

import re

from .model import Family, Term, slugify

BREAKS = re.compile(r"(?:\s*<br\s*/?>\s*)+", re.IGNORECASE)
WHITESPACE = re.compile(r"\s+")
GAP_WORDS = {"", "todo", "tbd", "tbc"}

# A term mark is a `*` straight after a word and not followed by another word character, so
# `*emphasis*` and `**bold**` are not taken for one.
TERM_MARK = re.compile(r"(?<=[\w)])\*(?![\w*])")
EMPHASIS_OPEN = re.compile(r"(?<![\w*])\*(?=\w)")
TERM_MAX_WORDS = 5


def normalise_space(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def is_gap(text: str) -> bool:
    """An empty cell or one that only says TODO (any case) holds no statement."""
    return normalise_space(text).strip(".").lower() in GAP_WORDS


def split_statements(cell: str) -> list[str]:
    """The statements of a cell: parts between runs of `<br>`, whitespace normalised."""
    parts = (normalise_space(part) for part in BREAKS.split(cell))
    return [part for part in parts if not is_gap(part)]


def find_terms(text: str) -> list[tuple[str, str]]:
    """(slug, name) of each phrase marked with a trailing `*`, in order of appearance.

    The phrase runs back from the mark to the nearest word that starts with a capital
    (`take MLOps goals*` gives "MLOps goals"), at most a few words; with no capital in reach
    (the pronoun "I" does not count) it is the last word alone.
    """
    found: list[tuple[str, str]] = []
    for mark in TERM_MARK.finditer(text):
        before = text[: mark.start()]
        if len(EMPHASIS_OPEN.findall(before)) % 2:  # closing an *emphasis*, not a term
            continue
        words = before.split()[-TERM_MAX_WORDS:]
        start = next(
            (i for i in range(len(words) - 1, -1, -1)
             if words[i][:1].isupper() and words[i] != "I"),
            len(words) - 1,
        )
        name = " ".join(words[start:]).strip("([\"'")
        slug = slugify(name)
        if slug and all(slug != existing for existing, _ in found):
            found.append((slug, name))
    return found


def unmark(text: str) -> str:
    """The text as people read it: the `*` after each marked term taken out (`MLOps goals*`
    reads "MLOps goals"); the stars of an *emphasis* stay."""
    kept, start = [], 0
    for mark in TERM_MARK.finditer(text):
        if len(EMPHASIS_OPEN.findall(text[: mark.start()])) % 2:
            continue
        kept.append(text[start:mark.start()])
        start = mark.end()
    kept.append(text[start:])
    return "".join(kept)


def sentences(text: str) -> list[str]:
    """Sentences split after . ! or ? followed by a capital; good enough for lint hints."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", normalise_space(text)) if s]


def collect_terms(families: tuple[Family, ...], declared: list[Term] = ()) -> tuple[Term, ...]:
    """The declared terms, then every other term the statements mark, undefined, in order."""
    terms = {term.slug: term for term in declared}
    for family in families:
        for statement in family.statements:
            for slug, name in find_terms(statement.text):
                terms.setdefault(slug, Term(slug, name, source=statement.source))
    return tuple(terms.values())
