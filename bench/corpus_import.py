"""Per corpus framework: the layout inferred, the counts, the share of the input's text that
became statements, and the whole-process import time (median of N runs of `craftpath import
FOLDER -o FILE`); then the layout generator's pass rate (tests/core/layouts.py: every layout ×
the seeds and each corpus framework, imported by the same command); then the rule layouts'
pass rate (tests/core/layout_rules.py: random frameworks in the shapes that break the
inference's general rules, over many seeds).

    .venv/bin/python bench/corpus_import.py [--craftpath PATH] [--runs N] [--no-layouts]
                                            [--rule-seeds N]

`--craftpath` points at another checkout's command (e.g. /work/main/.venv/bin/craftpath) to
measure it the same way: everything goes through the command line, so an older version
without `--report` still gives counts and times (layout and share then read n/a).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CRAFTPATH = ROOT / ".venv" / "bin" / "craftpath"
CORPUS = ROOT.parent / "shared" / "corpus"


def run_import(craftpath: Path, paths: list[Path], output: Path, report: Path | None,
               hints: dict | None = None) -> subprocess.CompletedProcess:
    command = [str(craftpath), "import", *map(str, paths), "-o", str(output)]
    if report is not None:
        command += ["--report", str(report)]
    for key, value in (hints or {}).items():
        command += ["--hint", f"{key}={value}"]
    return subprocess.run(command, capture_output=True, text=True)


def supports_report(craftpath: Path) -> bool:
    done = subprocess.run([str(craftpath), "import", "--help"], capture_output=True, text=True)
    return "--report" in done.stdout


def corpus_rows(craftpath: Path, runs: int, with_report: bool) -> list[tuple[str, ...]]:
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
            output = Path(scratch) / f"{folder.name}.yaml"
            report = Path(scratch) / f"{folder.name}.json" if with_report else None
            times, done = [], None
            for _ in range(runs):
                started = time.perf_counter()
                done = run_import(craftpath, [folder], output, report)
                times.append(time.perf_counter() - started)
            if done.returncode != 0:
                reason = (done.stderr.strip().splitlines() or ["?"])[-1][:60]
                rows.append((folder.name, f"failed: {reason}", "-", "-", "-", "-", "-",
                             f"{statistics.median(times):.3f}"))
                continue
            summary = subprocess.run([str(craftpath), "summary", str(output), "--json"],
                                     capture_output=True, text=True)
            totals = json.loads(summary.stdout)["totals"]
            layout, share = "n/a", "n/a"
            if report is not None and report.exists():
                data = json.loads(report.read_text())
                readers = sorted({f["reader"] for f in data["files"] if f["status"] == "read"})
                layout = (data.get("layout") or f"{'+'.join(readers)} reader")[:60]
                share = f"{data['share_of_text_imported']:.0%}"
            rows.append((folder.name, layout, str(totals["families"]),
                         str(totals["levels_present"] + totals.get("levels_missing", 0)),
                         str(totals["areas"]), str(totals["statements"]), share,
                         f"{statistics.median(times):.3f}"))
    return rows


def layout_pass_rate(craftpath: Path) -> tuple[int, int, dict[str, int]]:
    """(passed, tried, failures per layout) over every layout × source framework."""
    sys.path.insert(0, str(ROOT / "tests" / "core"))
    import layouts  # the generator lives with the tests that use it

    from craftpath.core.formats import canonical, load
    from craftpath.core.formats.inputs import TextFile
    from craftpath.core.sample import load_bundled

    labels = json.loads((CORPUS / "labels.json").read_text())
    sources = {"seeds": layouts.spec_from(load_bundled())}
    for label in labels:
        sources[label["id"]] = layouts.spec_from(
            load([CORPUS / path for path in label["inputs"]]).framework)
    passed = tried = 0
    failures: dict[str, int] = {}
    for layout, write in layouts.LAYOUTS.items():
        for spec in sources.values():
            tried += 1
            with tempfile.TemporaryDirectory() as scratch:
                folder = Path(scratch) / "in"
                written = write(spec)
                layouts.write(written, folder)
                output = Path(scratch) / "out.yaml"
                done = run_import(craftpath, [folder], output, None, written.hints)
                framework = None
                if done.returncode == 0 and output.exists():
                    framework, _ = canonical.read_text(TextFile(output, output.read_text()))
                if not layouts.recovered(spec, framework, written):
                    passed += 1
                else:
                    failures[layout] = failures.get(layout, 0) + 1
    return passed, tried, failures


def rule_pass_rate(seeds: int) -> tuple[int, int, dict[str, list[int]]]:
    """(passed, tried, failing seeds per rule) of the rule layouts (tests/core/layout_rules.py)
    over `seeds` seeds, imported in this process with this checkout's importer."""
    sys.path.insert(0, str(ROOT / "tests" / "core"))
    import layout_rules

    with tempfile.TemporaryDirectory() as scratch:
        return layout_rules.pass_rate(range(seeds), Path(scratch))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--craftpath", type=Path, default=DEFAULT_CRAFTPATH)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-layouts", action="store_true")
    parser.add_argument("--rule-seeds", type=int, default=50,
                        help="seeds per rule layout (0: skip the rule layouts)")
    args = parser.parse_args()
    header = ("framework", "layout inferred", "families", "levels", "areas", "statements",
              "text imported", "import s")
    rows = corpus_rows(args.craftpath, args.runs, supports_report(args.craftpath))
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"\nimport s: median of {args.runs} whole-process runs of `craftpath import FOLDER -o "
          "FILE` (start-up, reading, lint and writing included); counts from `craftpath "
          "summary --json`; text imported: the share of the input's characters that became "
          "statements (from --report)")
    if not args.no_layouts:
        passed, tried, failures = layout_pass_rate(args.craftpath)
        print(f"\nlayout generator: {passed}/{tried} passed ({passed / tried:.0%})")
        for layout, count in sorted(failures.items()):
            print(f"  {layout}: {count} failed")
    if args.rule_seeds:
        passed, tried, failing = rule_pass_rate(args.rule_seeds)
        print(f"\nrule layouts: {passed}/{tried} passed ({passed / tried:.0%}) over "
              f"{args.rule_seeds} seeds each (this checkout's importer, in process)")
        for rule, seeds in sorted(failing.items()):
            print(f"  {rule}: {len(seeds)} failed (seeds {seeds[:8]})")


if __name__ == "__main__":
    main()
