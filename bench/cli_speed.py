"""Whole-process timings of the CLI: median of 5 runs each, as a user would feel them.

    python bench/cli_speed.py [--runs 5]

Measures `craftpath summary` on the seed pages, and import + lint of the synthetic framework
(20 families × 8 levels × 12 areas × 4 statements, as just-the-docs pages).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import make_framework

from craftpath.core.formats import jtd

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CRAFTPATH = [sys.executable, "-m", "craftpath"]


def median_seconds(argv: list[str], runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(CRAFTPATH + argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):  # lint exits 1 on findings
            raise SystemExit(f"{' '.join(argv)} failed: {result.stderr.decode()}")
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        pages = Path(tmp) / "pages"
        count = len(jtd.write(make_framework(), pages))
        out = Path(tmp) / "out.yaml"
        cases = [
            ("python startup only (baseline)", ["-c", "pass"], True),
            ("craftpath summary <seeds>", ["summary", str(SEEDS)], False),
            ("craftpath --help (import cost)", ["--help"], False),
            (f"craftpath import <synthetic, {count} pages> -o out.yaml (reads + lints)",
             ["import", str(pages), "-o", str(out)], False),
            (f"craftpath lint <synthetic, {count} pages>", ["lint", str(pages)], False),
            ("craftpath lint out.yaml (canonical)", ["lint", str(out)], False),
        ]
        print(f"median of {runs} whole-process runs on {sys.platform}, python "
              f"{sys.version.split()[0]}")
        for label, argv, raw_python in cases:
            command = [sys.executable] + argv if raw_python else None
            if command:
                times = []
                for _ in range(runs):
                    start = time.perf_counter()
                    subprocess.run(command, check=True)
                    times.append(time.perf_counter() - start)
                median = statistics.median(times)
            else:
                median, times = median_seconds(argv, runs)
            spread = f"{min(times):.3f}–{max(times):.3f}"
            print(f"  {median:7.3f} s  (range {spread})  {label}")


if __name__ == "__main__":
    main()
