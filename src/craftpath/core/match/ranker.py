"""Ranking a family's statements for a piece of evidence, with a reason for each suggestion.

Signals, each switched on by a weight in `Settings` so the bench can show what each one adds:
- dense: cosine between the evidence and the statement;
- lexical: BM25 over the statement, its area name and description, squashed into 0..1;
- area: cosine between the evidence and the area as a whole (the mean of its statements at
  every level), so a short piece of evidence is first placed in the right area;
- level: a small lift for statements of the item's own level, since evidence someone logs
  speaks to the level they are at more often than to the next; small enough that a clearly
  better match at the next level still comes first.
Tried and measured, then left off (bench/matching.py shows them): the area's name embedded
with the statement, centring on the family's mean statement vector (adapting to the framework's
own register), re-ranking by the other statements of a cell, and reciprocal rank fusion of the
dense and lexical rankings in place of the score mix.
- learned: when the matcher has learned from past links (learning.py), the votes of the links
  nearest the evidence for each statement, its cell and its area; a suggestion that rests on
  them says "people linked similar evidence here".
Without an embedding model only the lexical signal is used (with the level lift), and `method`
says so; past links are then not used.

Suggestions never rate and never link: they are returned to whoever asked, nothing more.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..model import Area, Family, Level, Statement
from .learning import Learned, Link
from .lexical import BM25, stems, words
from .reasons import LEARNED, explain

SCOPES = ("next", "family")


class MatchError(ValueError):
    """A query the ranker cannot answer (an unknown level, a scope that needs a level)."""


@dataclass(frozen=True)
class Settings:
    dense: float = 1.0
    lexical: float = 0.2
    lexical_half: float = 6.0  # the BM25 score that counts as half a match
    area: float = 0.3
    level: float = 0.1
    cell: float = 0.0
    centre: bool = False
    context: bool = False  # embed each statement with its area's name
    rank_fusion: bool = False  # reciprocal rank fusion of dense and BM25 instead of the mix
    # Learning from past links (learning.py); chosen on the corpus's worked examples.
    learned_statement: float = 0.2
    learned_cell: float = 0.2
    learned_area: float = 0.4
    learned_temperature: float = 0.1
    learned_statement_share: float = 0.2  # of a statement in the vote's denominator
    learned_reason: float = 0.05  # the learned part of a score that the reason mentions

    @classmethod
    def lexical_only(cls, level: float = 0.0) -> Settings:
        return cls(dense=0.0, lexical=1.0, area=0.0, level=level)


@dataclass(frozen=True)
class Suggestion:
    statement: Statement
    area: Area
    level: Level
    score: float
    why: str

    def as_json(self) -> dict:
        return {"statement": self.statement.id, "score": round(self.score, 4), "why": self.why}


@dataclass(frozen=True)
class Query:
    text: str
    level: str | None = None  # any form Family.find_level accepts
    scope: str = "next"
    top: int = 3
    within: frozenset[str] | None = None  # statement ids to keep to (the app's linkable ones)


@dataclass
class _Row:
    statement: Statement
    area: Area
    level: Level
    stems: list[str] = field(default_factory=list)
    words: list = field(default_factory=list)  # of the statement text, for reasons


class Matcher:
    """The statements of one family, indexed once; `suggest` ranks them for evidence."""

    def __init__(self, family: Family, embedder=None, settings: Settings | None = None,
                 fallback_reason: str = ""):
        self.family = family
        self.settings = settings or (Settings() if embedder else Settings.lexical_only())
        self.embedder = embedder if self.settings.dense or self.settings.area else None
        levels = {level.slug: level for level in family.present_levels}
        areas = {area.slug: area for area in family.areas}
        self.rows: list[_Row] = []
        for cell in family.expectations:
            if cell.level in levels and cell.area in areas:
                for statement in cell.statements:
                    self.rows.append(_Row(statement, areas[cell.area], levels[cell.level]))
        for row in self.rows:
            row.stems = stems(f"{row.statement.text} {row.area.name} {row.area.description}")
            row.words = words(row.statement.text)
        self.bm25 = BM25([row.stems for row in self.rows])
        self._cells: dict[tuple[str, str], list[int]] = {}
        for index, row in enumerate(self.rows):
            self._cells.setdefault((row.area.slug, row.level.slug), []).append(index)
        self.fallback_reason = fallback_reason
        self._lock = threading.Lock()
        self._vectors = None
        self._area_rows = None
        self._mean = None
        self.learned: Learned | None = None  # replaced whole, never changed in place
        self.learned_state = None  # what the caller learned from, for its own bookkeeping

    @property
    def method(self) -> str:
        if self.embedder is not None:
            learned = self.learned
            links = f" + {len(learned)} past links" if learned is not None and len(learned) else ""
            return f"{self.embedder.label} + BM25{links}"
        why = f" ({self.fallback_reason})" if self.fallback_reason else ""
        return f"BM25 only: no embedding model{why}"

    @property
    def statement_ids(self) -> frozenset[str]:
        return frozenset(row.statement.id for row in self.rows)

    def learned_from(self, links: list[Link]) -> Learned | None:
        """What `links` teach (their evidence embedded as evidence is), or None without the
        model: learning compares vectors. Links to statements not in the family are left out."""
        if self.embedder is None:
            return None
        import numpy

        index = {row.statement.id: i for i, row in enumerate(self.rows)}
        links = [link for link in links if link.statement in index]
        vectors = (self.embedder.embed_queries([link.text for link in links]) if links
                   else numpy.zeros((0, 384), dtype=numpy.float32))
        return self.learned_from_vectors(vectors, [link.statement for link in links],
                                         [link.rejected for link in links])

    def learned_from_vectors(self, vectors, statements: list[str],
                             rejected: list[bool]) -> Learned:
        """The same from vectors already made (the app keeps them, never the texts)."""
        self._index_vectors()
        index = {row.statement.id: i for i, row in enumerate(self.rows)}
        cells: dict[tuple[str, str], int] = {}
        areas: dict[str, int] = {}
        cell_of = [cells.setdefault((r.area.slug, r.level.slug), len(cells)) for r in self.rows]
        area_of = [areas.setdefault(r.area.slug, len(areas)) for r in self.rows]
        keep = [i for i, statement in enumerate(statements) if statement in index]
        return Learned(vectors[keep] if len(keep) != len(statements) else vectors,
                       [index[statements[i]] for i in keep],
                       [-1.0 if rejected[i] else 1.0 for i in keep], cell_of, area_of,
                       self._vectors, self.settings.learned_statement_share)

    def learn(self, links: list[Link]) -> None:
        self.learned = self.learned_from(links)

    def learn_more(self, links: list[Link]) -> None:
        """Add `links` to what was learned, embedding only them (a link made just now)."""
        more = self.learned_from(links)
        if more is None or self.learned is None:
            self.learned = more
        else:
            self.learned = self.learned.adding(more.vectors, more.rows, more.signs)

    @property
    def model_label(self) -> str:
        """What a link made from a suggestion records."""
        return self.embedder.label if self.embedder is not None else "bm25"

    def _index_vectors(self):
        """Statement and area vectors, made on first use (a few hundred sentences at most).
        The web app shares a matcher between threads: one thread makes them, under a lock,
        and `_vectors` is set last, so a reader never sees half an index."""
        if self._vectors is not None:
            return
        import numpy

        with self._lock:
            if self._vectors is not None:
                return
            texts = [f"{row.area.name}: {row.statement.text}" if self.settings.context
                     else row.statement.text for row in self.rows]
            vectors = self.embedder.embed_statements(texts)
            self._mean = vectors.mean(axis=0) if self.settings.centre and len(vectors) else None
            centred = self._centred(vectors)
            area_of = [row.area.slug for row in self.rows]
            profile = {}
            for slug in dict.fromkeys(area_of):
                members = [i for i, a in enumerate(area_of) if a == slug]
                profile[slug] = centred[members].mean(axis=0)
            areas = numpy.array([profile[a] for a in area_of]).reshape(len(area_of), -1)
            norms = numpy.linalg.norm(areas, axis=1, keepdims=True)
            self._area_rows = areas / numpy.maximum(norms, 1e-12)
            self._vectors = centred

    def _centred(self, vectors):
        import numpy

        if self._mean is None:
            return vectors
        shifted = vectors - self._mean
        return shifted / numpy.maximum(numpy.linalg.norm(shifted, axis=1, keepdims=True), 1e-12)

    def candidates(self, level: str | None, scope: str) -> list[int]:
        """Indexes of the rows in scope: the level and the next, or the whole family."""
        if scope not in SCOPES:
            raise MatchError(f"unknown scope {scope!r} (known: {', '.join(SCOPES)})")
        if scope == "family" and not level:
            return list(range(len(self.rows)))
        found = self.family.find_level(level) if level else None
        if level and found is None:
            known = ", ".join(lvl.label for lvl in self.family.present_levels)
            raise MatchError(f"no level {level!r} in {self.family.name} (known: {known})")
        if scope == "family":
            return list(range(len(self.rows)))
        if found is None:
            raise MatchError("--scope next needs the item's level")
        if found.missing:  # a hole in the numbering: take the nearest written level below
            found = self.family.previous_level(found) or self.family.next_level(found)
        wanted = {found.slug}
        following = self.family.next_level(found)
        if following is not None:
            wanted.add(following.slug)
        return [i for i, row in enumerate(self.rows) if row.level.slug in wanted]

    def suggest(self, text: str, level: str | None = None, scope: str = "next",
                top: int = 3) -> list[Suggestion]:
        return self.suggest_many([Query(text, level, scope, top)])[0]

    def suggest_many(self, queries: list[Query]) -> list[list[Suggestion]]:
        """Suggestions for each query, the texts embedded together in batches."""
        scopes = [self.candidates(q.level, q.scope) for q in queries]
        scopes = [among if q.within is None else
                  [i for i in among if self.rows[i].statement.id in q.within]
                  for q, among in zip(queries, scopes, strict=True)]
        own = [self._level_slug(q.level) for q in queries]
        dense = learned = None
        if self.embedder is not None and queries:
            self._index_vectors()
            dense = self._centred(self.embedder.embed_queries([q.text for q in queries]))
            learned = self._learned_signal(dense)
        results = []
        for number, (query, among) in enumerate(zip(queries, scopes, strict=True)):
            evidence = dense[number] if dense is not None else None
            found = words(query.text)  # once: its stems rank, its words explain
            from_links = learned[number][among] if learned is not None else None
            scores = self.scores(query.text, among, evidence, own[number],
                                 [stem for stem, _, _, _ in found], from_links)
            order = sorted(range(len(among)), key=lambda i: -scores[i])[: max(query.top, 0)]
            results.append([self._suggestion(
                query.text, found, among[i], scores[i],
                from_links is not None and from_links[i] >= self.settings.learned_reason)
                for i in order])
        return results

    def _learned_signal(self, evidence):
        learned, settings = self.learned, self.settings
        if learned is None or not len(learned):
            return None
        return learned.signal(evidence, settings.learned_statement, settings.learned_cell,
                              settings.learned_area, settings.learned_temperature)

    def _level_slug(self, level: str | None) -> str | None:
        found = self.family.find_level(level) if level else None
        return found.slug if found else None

    def scores(self, text: str, among: list[int], evidence_vector=None,
               own_level: str | None = None, text_stems: list[str] | None = None,
               learned=None) -> list[float]:
        """The combined score of each row in `among` (same order); `learned`, the learned
        signal of the same rows, is added when given."""
        settings = self.settings
        lexical = self.bm25.scores(stems(text) if text_stems is None else text_stems, among)
        half = settings.lexical_half
        combined = [settings.lexical * s / (s + half) for s in lexical]
        if evidence_vector is not None:
            dense = [0.0] * len(among)
            if settings.dense:
                cosines = self._vectors[among] @ evidence_vector
                dense = [d + settings.dense * float(c) for d, c in zip(dense, cosines,
                                                                       strict=True)]
            if settings.area:
                areas = self._area_rows[among] @ evidence_vector
                dense = [d + settings.area * float(a) for d, a in zip(dense, areas,
                                                                      strict=True)]
            if settings.rank_fusion:
                combined = _fused(dense, lexical, settings.lexical)
            else:
                combined = [c + d for c, d in zip(combined, dense, strict=True)]
        if settings.level and own_level:
            combined = [c + (settings.level if self.rows[i].level.slug == own_level else 0.0)
                        for c, i in zip(combined, among, strict=True)]
        if settings.cell:
            combined = self._rerank_by_cell(among, combined)
        if learned is not None:
            combined = [c + float(v) for c, v in zip(combined, learned, strict=True)]
        return combined

    def _rerank_by_cell(self, among: list[int], scores: list[float]) -> list[float]:
        position = {row: i for i, row in enumerate(among)}
        best_other = []
        for row, score in zip(among, scores, strict=True):
            key = (self.rows[row].area.slug, self.rows[row].level.slug)
            others = [scores[position[o]] for o in self._cells[key] if o != row and o in position]
            best_other.append(max(others) if others else score)
        return [s + self.settings.cell * o for s, o in zip(scores, best_other, strict=True)]

    def _suggestion(self, text: str, text_words, index: int, score: float,
                    from_links: bool = False) -> Suggestion:
        row = self.rows[index]
        why = explain(text, row.statement.text, row.area.name, row.level.label, text_words,
                      row.words)
        return Suggestion(row.statement, row.area, row.level, score,
                          f"{LEARNED}; {why}" if from_links else why)


def _fused(dense: list[float], lexical: list[float], lexical_weight: float,
           k: int = 60) -> list[float]:
    """Reciprocal rank fusion, scaled by k so a level lift keeps its meaning: each list gives
    k / (k + rank); BM25 only where it found a shared word."""
    def ranks(values):
        order = sorted(range(len(values)), key=lambda i: -values[i])
        found = [0] * len(values)
        for rank, index in enumerate(order):
            found[index] = rank
        return found

    by_dense, by_words = ranks(dense), ranks(lexical)
    return [k / (k + by_dense[i]) - 1
            + (lexical_weight * k / (k + by_words[i]) if lexical[i] > 0 else 0.0)
            for i in range(len(dense))]
