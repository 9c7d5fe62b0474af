"""Import speed on one large ladder-shaped Markdown file: levels as headings, areas under
each, many statements per area (about 20 MB by default, the Import page's upload limit).

    .venv/bin/python bench/import_speed.py [--mb 20] [--runs 3] [--craftpath PATH]
                                           [--phases] [--keep FILE]

Prints the median whole-process time of `craftpath import FILE -o OUT` over the runs, and
with --phases the time of each phase in this process (read, tree, inference, lint, output),
measured once, wall-clock and CPU (the CPU time is steadier on a busy machine).
`--craftpath` points at another checkout's command to measure it the same way.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CRAFTPATH = ROOT / ".venv" / "bin" / "craftpath"

LEVELS = ["Apprentice", "Junior Engineer", "Engineer", "Senior Engineer", "Staff Engineer",
          "Senior Staff Engineer", "Principal Engineer", "Distinguished Engineer"]
AREAS = ["Craft", "Delivery", "Collaboration", "Mentoring", "Architecture", "Operations",
         "Quality", "Security", "Product sense", "Communication", "Planning", "Leadership"]
VERBS = ["designs", "reviews", "ships", "mentors others on", "owns", "measures", "plans",
         "documents", "debugs", "improves", "leads work on", "automates"]
OBJECTS = ["services", "data pipelines", "experiments", "incidents", "public APIs", "tests",
           "roadmaps", "models", "deployments", "interviews", "the architecture", "budgets"]
SCOPES = ["for their own work", "for the team", "across teams", "for the whole organisation"]


def ladder_markdown(megabytes: float, seed: int = 1) -> str:
    """One page: `# Engineering ladder`, a `## N. Level` per level with a line of intro, a
    `### Area` per area with a sentence of description, then list items until the size.
    Statements draw their words from a vocabulary of thousands, common words far more often
    than rare ones (as in prose: the n-th commonest word about 1/n as often); one in forty
    restates a statement of the level before with one word changed, so lint has findings."""
    rng = random.Random(seed)
    vocabulary = [rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") + rng.choice("lnrst") +
                  rng.choice("aeiou") + rng.choice("bcdfghklmnprstvz") for _ in range(5000)]
    weights = [1 / rank for rank in range(1, len(vocabulary) + 1)]
    target = int(megabytes * 1_000_000)
    per_area = max(1, target // (len(LEVELS) * len(AREAS) * 130))
    lines = ["# Engineering ladder", "", "How to read this ladder: each level builds on the "
             "one before it.", ""]
    before: dict[str, list[str]] = {}
    for number, level in enumerate(LEVELS, 1):
        lines += [f"## {number}. {level}", "", f"What a {level} does, area by area.", ""]
        for area in AREAS:
            lines += [f"### {area}", "", f"How a {level} works on {area.lower()}.", ""]
            written = []
            for index in range(per_area):
                earlier = before.get(area)
                if earlier and index % 40 == 0:
                    words = rng.choice(earlier).split()
                    words[-1] = rng.choice(vocabulary) + "."
                    statement = " ".join(words)
                else:
                    statement = (f"{rng.choice(VERBS).capitalize()} {rng.choice(OBJECTS)} "
                                 f"{rng.choice(SCOPES)}, "
                                 f"{' '.join(rng.choices(vocabulary, weights, k=14))}.")
                written.append(statement)
                lines.append(f"- {statement}")
            before[area] = written
            lines.append("")
    return "\n".join(lines) + "\n"


def whole_process(craftpath: Path, source: Path, output: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([str(craftpath), "import", str(source), "-o", str(output)],
                              capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            sys.exit(f"import failed: {done.stderr.strip()[-500:]}")
    return times


def phases(source: Path) -> tuple[list[tuple[str, float, float]], int]:
    """Each phase once, in this process, the way `craftpath import` runs them."""
    from craftpath.core import lint
    from craftpath.core.formats import canonical, document, inputs, tree

    timed = []

    def clock(name, work):
        started, cpu = time.perf_counter(), time.process_time()
        value = work()
        timed.append((name, time.perf_counter() - started, time.process_time() - cpu))
        return value

    text_file, _ = clock("read", lambda: inputs.read_text(source))
    clock("tree", lambda: tree.build(text_file))
    framework, notes, _ = clock("tree + inference",
                                lambda: document.read_with_report([text_file], None))
    findings = clock("lint", lambda: lint.lint(framework, notes))
    clock("output", lambda: canonical.dumps(framework, "bench"))
    return timed, len(findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--craftpath", type=Path, default=DEFAULT_CRAFTPATH)
    parser.add_argument("--phases", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the generated file here too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "ladder.md"
        source.write_text(ladder_markdown(args.mb), encoding="utf-8")
        if args.keep:
            args.keep.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        size = source.stat().st_size / 1_000_000
        print(f"{source.name}: {size:.1f} MB")
        if args.phases:
            timed, findings = phases(source)
            for name, wall, cpu in timed:
                print(f"  {name:<18} {wall:8.2f} s  (CPU {cpu:.2f} s)")
            print(f"  lint findings      {findings:8,}")
        if args.runs:
            times = whole_process(args.craftpath, source, Path(scratch) / "out.yaml", args.runs)
            print(f"craftpath import: median {statistics.median(times):.1f} s over {args.runs} "
                  f"run(s) ({', '.join(f'{t:.1f}' for t in times)})")


if __name__ == "__main__":
    main()
