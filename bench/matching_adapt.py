"""Adapting the evidence assistant to the framework's own text, measured: what each attempt adds
to the final ranker, with its weight chosen on the dev half and the figures read on the test
half (the same evaluation set as bench/matching.py).

Each attempt learns from the family's statements only, never from the evaluation pairs, and adds
one signal to the final ranker's score (its weight picked from a small grid by the dev half's
top-1 and top-3 in both scopes):
- area classifier: softmax regression from a statement's vector to its area, trained with NumPy
  when the family is indexed; log P(area | evidence) is the signal;
- cell classifier: the same to the statement's cell (area and level);
- pseudo-queries: each statement cut into clauses and six-word windows, embedded like statements;
  a statement's signal is the cosine of its closest piece (short evidence resembles a clause more
  than a whole statement);
- area BM25: BM25 of the evidence against each area's statements taken as one document.
Also a stronger own-level lift (the statement cosine weighted 0.3 instead of 1, which a wider
grid on the dev half picks), with the "stretch" reading of bench/matching.py to show its cost.

    .venv/bin/python bench/matching_adapt.py
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching import FINAL, Remembering, _cell, evaluate  # noqa: E402
from matching_set import build  # noqa: E402

from craftpath.core.match import Matcher, load_embedder  # noqa: E402
from craftpath.core.match.lexical import BM25, stems  # noqa: E402

SPLITS = ("dev", "test")


def _softmax(values):
    shifted = values - values.max(axis=1, keepdims=True)
    exp = numpy.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def train_classifier(vectors, labels, classes: int, steps: int = 300, rate: float = 2.0,
                     penalty: float = 1e-2):
    """Softmax regression by full-batch gradient descent from zero weights: deterministic."""
    weights = numpy.zeros((vectors.shape[1], classes))
    bias = numpy.zeros(classes)
    target = numpy.eye(classes)[labels]
    for _ in range(steps):
        error = _softmax(vectors @ weights + bias) - target
        weights -= rate * (vectors.T @ error / len(vectors) + penalty * weights)
        bias -= rate * error.mean(axis=0)
    return weights, bias


def pieces(text: str) -> list[str]:
    """The statement, its clauses of three words or more, and six-word windows."""
    clauses = [part.strip() for part in re.split(r"[,;:.()]| and | or | such as | including ",
                                                 text) if len(part.split()) >= 3]
    tokens = text.split()
    windows = [" ".join(tokens[i:i + 6]) for i in range(0, max(1, len(tokens) - 5), 3)]
    return list(dict.fromkeys([text, *clauses, *windows]))


class Family:
    """One family of the set: the final ranker's matcher and each signal per (pair, row)."""

    def __init__(self, family, pairs, embedder):
        self.matcher = Matcher(family, embedder, FINAL)
        self.matcher._index_vectors()
        self.pairs = pairs
        rows = self.matcher.rows
        statements = self.matcher._vectors
        evidence = embedder.embed_queries([p.text for p in pairs])
        self.evidence = evidence
        self.trained_seconds = 0.0
        self.signals = {}
        self.areas = list(dict.fromkeys(r.area.slug for r in rows))
        area_of = numpy.array([self.areas.index(r.area.slug) for r in rows])
        cosines = evidence @ statements.T
        closest = [numpy.sort(cosines[:, area_of == a], axis=1)[:, ::-1][:, :5].mean(axis=1)
                   for a in range(len(self.areas))]
        self.placement = {"area profile": evidence @ self.matcher._area_rows[
                              [list(area_of).index(a) for a in range(len(self.areas))]].T,
                          "five closest statements": numpy.array(closest).T}
        for name, key in (("area classifier", lambda r: r.area.slug),
                          ("cell classifier", lambda r: (r.area.slug, r.level.slug))):
            names = list(dict.fromkeys(key(r) for r in rows))
            labels = numpy.array([names.index(key(r)) for r in rows])
            started = time.perf_counter()
            weights, bias = train_classifier(statements, labels, len(names))
            self.trained_seconds = max(self.trained_seconds, time.perf_counter() - started)
            chance = _softmax(evidence @ weights + bias)
            self.signals[name] = numpy.log(chance + 1e-6)[:, labels]
            if name == "area classifier":
                self.placement[name] = chance
        texts, owner = [], []
        for index, row in enumerate(rows):
            for piece in pieces(row.statement.text):
                texts.append(piece)
                owner.append(index)
        cosines = evidence @ embedder.embed_statements(texts).T
        best = numpy.full((len(pairs), len(rows)), -1.0)
        for column, index in enumerate(owner):
            best[:, index] = numpy.maximum(best[:, index], cosines[:, column])
        self.signals["pseudo-queries"] = best
        self.pieces = len(texts)
        areas = list(dict.fromkeys(r.area.slug for r in rows))
        documents = [[s for r in rows if r.area.slug == a for s in r.stems] for a in areas]
        by_area = BM25(documents)
        found = numpy.array([by_area.scores(stems(p.text)) for p in pairs])
        squashed = found / (found + FINAL.lexical_half)
        self.signals["area BM25"] = squashed[:, [areas.index(r.area.slug) for r in rows]]

    def counts(self, signal: str | None, weight: float, split: str, tally: dict) -> None:
        matcher = self.matcher
        for number, pair in enumerate(self.pairs):
            if pair.split != split:
                continue
            for scope in ("next", "family"):
                among = matcher.candidates(pair.level, scope)
                scores = numpy.array(matcher.scores(pair.text, among, self.evidence[number],
                                                    pair.level))
                if signal:
                    scores = scores + weight * self.signals[signal][number, among]
                order = [among[i] for i in numpy.argsort(-scores, kind="stable")[:3]]
                ids = [matcher.rows[i].statement.id for i in order]
                row = tally.setdefault(scope, [0, 0, 0])
                row[0] += ids[0] in pair.gold
                row[1] += bool(set(ids) & set(pair.gold))
                row[2] += 1


def placed(families, how: str, split: str) -> float:
    """How often the evidence's own area comes first by `how`."""
    right = total = 0
    for family in families:
        for number, pair in enumerate(family.pairs):
            if pair.split == split:
                best = int(numpy.argmax(family.placement[how][number]))
                right += family.areas[best] == pair.area
                total += 1
    return right / total


def measure(families, signal, weight, split):
    tally: dict = {}
    for family in families:
        family.counts(signal, weight, split, tally)
    return {scope: (one / n, three / n) for scope, (one, three, n) in tally.items()}


def _figures(result) -> str:
    return "   ".join(f"{result[s][0]:.2f} / {result[s][1]:.2f}" for s in ("next", "family"))


def main() -> None:
    embedder, why = load_embedder()
    if embedder is None:
        sys.exit(f"the embedding model is not installed: {why}")
    embedder = Remembering(embedder)
    frameworks, pairs = build()
    groups: dict = {}
    for pair in pairs:
        groups.setdefault((pair.source, pair.family), []).append(pair)
    families = [Family(frameworks[source].find_family(slug), members, embedder)
                for (source, slug), members in groups.items()]
    slowest = max(families, key=lambda f: f.trained_seconds)
    print(f"classifiers trained in at most {slowest.trained_seconds * 1000:.0f} ms a family "
          f"({len(slowest.matcher.rows)} statements); pseudo-queries: "
          f"{sum(f.pieces for f in families)} pieces for "
          f"{sum(len(f.matcher.rows) for f in families)} statements")
    print("the evidence's area first (dev, test): " + "; ".join(
        f"{how} {placed(families, how, 'dev'):.2f}, {placed(families, how, 'test'):.2f}"
        for how in families[0].placement))
    print(f"{'signal added to the final ranker':34} {'weight':>6}   {'dev: next  family':>24}"
          f"   {'test: next  family':>24}")
    base = {split: measure(families, None, 0.0, split) for split in SPLITS}
    print(f"{'none (the final ranker)':34} {'-':>6}   {_figures(base['dev']):>24}   "
          f"{_figures(base['test']):>24}")
    for signal in families[0].signals:
        def by_dev(weight, signal=signal):
            result = measure(families, signal, weight, "dev")
            return sum(result[s][1] + 0.5 * result[s][0] for s in ("next", "family"))
        weight = max((0.02, 0.05, 0.1, 0.2, 0.3, 0.5), key=by_dev)
        dev, test = (measure(families, signal, weight, split) for split in SPLITS)
        print(f"{signal:34} {weight:6.2f}   {_figures(dev):>24}   {_figures(test):>24}")

    print("\na stronger own-level lift (statement cosine 0.3, area 0.15, BM25 0.1, lift 0.1), "
          "test half, then the stretch reading on all pairs:")
    stronger = replace(FINAL, dense=0.3, area=0.15, lexical=0.1)
    test = [p for p in pairs if p.split == "test"]
    for name, settings in (("final", FINAL), ("stronger lift", stronger)):
        own = evaluate(frameworks, test, settings, embedder)
        stretch = evaluate(frameworks, pairs, settings, embedder, "stretch")
        print(f"  {name:14} test {_cell(own, 'next')}, {_cell(own, 'family')};  stretch "
              f"{_cell(stretch, 'next')}, {_cell(stretch, 'family')}")


if __name__ == "__main__":
    main()
