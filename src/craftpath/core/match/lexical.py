"""Words and BM25: the lexical half of the evidence assistant, and its fallback when no
embedding model is installed.

Words are lower-cased, stop words dropped and reduced to their stem by the Snowball English
(Porter 2) stemmer, so "reviewed", "reviews" and "reviewing" meet. The stem is only ever used to
compare; reasons quote the words as written.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

import snowballstemmer

WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#'’-]*|[0-9]+[A-Za-z][A-Za-z0-9]*")
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing done down during each eg etc few
for from further had has have having he her here hers herself him himself his how i i'm i've
ie if in into is it it's its itself just let's like made make makes making me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this
those through to too under until up use used uses using very was we well were what when
where which while who whom why will with within would you your yours yourself yourselves
able across around etc way ways within without work works working worked new
""".split())
_stemmers = threading.local()  # a Snowball stemmer keeps the word it works on: one per thread


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    word = word.lower().replace("’", "'").strip("'-")
    english = getattr(_stemmers, "english", None)
    if english is None:
        english = _stemmers.english = snowballstemmer.stemmer("english")
    return english.stemWord(word)


def words(text: str) -> list[tuple[str, str, int, int]]:
    """(stem, word as written, start, end) of each content word, in order."""
    found = []
    for match in WORD.finditer(text):
        written = match.group().rstrip("'’-")
        if written.lower().replace("’", "'") in STOP_WORDS or len(written) < 2:
            continue
        found.append((stem(written), written, match.start(), match.start() + len(written)))
    return found


def stems(text: str) -> list[str]:
    return [s for s, _, _, _ in words(text)]


@dataclass
class BM25:
    """Okapi BM25 over a fixed list of documents (a family's statements with their context)."""

    documents: list[list[str]]
    k1: float = 1.2
    b: float = 0.75

    def __post_init__(self) -> None:
        self.counts = [Counter(doc) for doc in self.documents]
        self.lengths = [len(doc) for doc in self.documents]
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        frequency = Counter(term for doc in self.counts for term in doc)
        total = len(self.documents)
        self.idf = {term: math.log(1 + (total - n + 0.5) / (n + 0.5))
                    for term, n in frequency.items()}

    def scores(self, query: list[str], among: list[int] | None = None) -> list[float]:
        """The score of each document (or of those at the indexes `among`), in that order."""
        indexes = range(len(self.documents)) if among is None else among
        terms = [t for t in set(query) if t in self.idf]
        result = []
        for index in indexes:
            counts, length = self.counts[index], self.lengths[index]
            norm = self.k1 * (1 - self.b + self.b * length / (self.average or 1))
            total = 0.0
            for term in terms:
                tf = counts.get(term)
                if tf:
                    total += self.idf[term] * tf * (self.k1 + 1) / (tf + norm)
            result.append(total)
        return result
