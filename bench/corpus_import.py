"""For each corpus framework: the reader chosen, the counts found and the whole-process import
time (median of 5 runs of `craftpath import <folder> -o <file>` as a subprocess).

    .venv/bin/python bench/corpus_import.py [CORPUS_DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from craftpath.core.formats import load

ROOT = Path(__file__).resolve().parents[1]
CRAFTPATH = ROOT / ".venv" / "bin" / "craftpath"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def import_seconds(folder: Path, output: Path, runs: int) -> float:
    """The median wall time of `craftpath import` over `runs` runs, start-up included."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(CRAFTPATH), "import", str(folder), "-o", str(output)],
                              capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"craftpath import {folder} failed ({done.returncode}):\n{done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folders = sorted(p for p in args.corpus.iterdir() if p.is_dir())
    header = ("framework", "reader", "families", "levels", "areas", "statements", "import s")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for folder in folders:
            loaded = load([folder])
            families = loaded.framework.families if loaded.framework else ()
            seconds = import_seconds(folder, Path(scratch) / f"{folder.name}.yaml", args.runs)
            rows.append((folder.name, loaded.reader, str(len(families)),
                         str(sum(len(f.present_levels) for f in families)),
                         str(sum(len(f.areas) for f in families)),
                         str(sum(len(f.statements) for f in families)), f"{seconds:.3f}"))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"\nimport s: median of {args.runs} whole-process runs of `craftpath import FOLDER -o "
          "FILE` (Python start-up, reading, lint and writing included); levels and areas are "
          "summed over families")


if __name__ == "__main__":
    main()
