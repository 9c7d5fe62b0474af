"""Mutation testing of the rule modules: how many one-line changes to the rules do the tests
notice? Runs mutmut (3.x) over a scratch copy of the project and prints, per module, the
mutants killed, timed out, survived and not reached by any selected test, then every survivor
with its diff, to be explained or killed by a new test.

    .venv/bin/python bench/mutation.py                      # the rule modules, their tests
    .venv/bin/python bench/mutation.py --module src/craftpath/web/access.py --max-children 2

Too slow for every run (each mutant runs the tests that reach its function): an hour or so on
two cores for the whole set. The scratch copy lives in a temporary folder with `shared` linked
beside it, so the project itself is never touched (mutmut writes a `mutants/` folder).

The score counts a timeout as a kill: a mutant that makes the tests hang is noticed. On a busy
machine some timeouts are the machine's, not the mutant's; the figures say how many.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"

# The rules: who may do what (access.py, the actions layer, the API's token scopes), what the
# audit chain covers, and insights' privacy (the minimum group size and its page use).
RULE_MODULES = [
    "src/craftpath/web/access.py",
    "src/craftpath/web/actions/",
    "src/craftpath/web/api/auth.py",
    "src/craftpath/web/audit/chain.py",
    "src/craftpath/web/audit/trail.py",
    "src/craftpath/web/insights/privacy.py",
]
# The tests that speak to those rules (mutmut runs, for each mutant, those of them that
# reach the mutated function).
RULE_TESTS = [
    "tests/web/test_access.py",
    "tests/web/test_access_matrix.py",
    "tests/web/test_action_matrix.py",
    "tests/web/test_actions_people.py",
    "tests/web/test_actions_checkins.py",
    "tests/web/test_actions_rights.py",
    "tests/web/test_security_review.py",
    "tests/web/test_security.py",
    "tests/web/test_api_tokens.py",
    "tests/web/test_audit_trail.py",
    "tests/web/test_checkin_audit.py",
    "tests/web/test_checkin_loop.py",
    "tests/web/test_insights_privacy.py",
    "tests/web/test_insights_fairness.py",
    "tests/web/test_data_rights.py",
]


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def scratch_copy(modules: list[str], tests: list[str], into: Path) -> Path:
    project = into / "project"
    shutil.copytree(PROJECT / "src", project / "src",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT / "tests", project / "tests",
                    ignore=shutil.ignore_patterns("__pycache__"))
    config = (PROJECT / "pyproject.toml").read_text()
    config += ("\n[tool.mutmut]\n"
               f"source_paths = {_toml_list(modules)}\n"
               f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
               'also_copy = ["src"]\n')
    (project / "pyproject.toml").write_text(config)
    # The tests look for ../shared beside the project; mutmut runs them from mutants/.
    (project / "shared").symlink_to(SHARED)
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", help="a module or folder to mutate "
                        "(repeatable; default: the rule modules)")
    parser.add_argument("--tests", action="append", help="a test file to run (repeatable; "
                        "default: the rule tests)")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"mutation: expected the shared folder at {SHARED}")
    modules = args.module or RULE_MODULES
    tests = [t for t in (args.tests or RULE_TESTS) if (PROJECT / t).exists()]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="craftpath-mut-"))
    work.mkdir(parents=True, exist_ok=True)
    project = scratch_copy(modules, tests, work) if not (work / "project").exists() \
        else work / "project"
    mutmut = [str(Path(sys.executable).with_name("mutmut"))]
    subprocess.run([*mutmut, "run", "--max-children", str(args.max_children)], cwd=project,
                   stdout=subprocess.DEVNULL, check=False)
    listed = subprocess.run([*mutmut, "results", "--all", "true"], cwd=project,
                            capture_output=True, text=True, check=False).stdout
    statuses: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for name, status in re.findall(r"^\s*(\S+): (.+)$", listed, re.M):
        module = name.split(".x_")[0]
        statuses[module][status] += 1
        if status in ("survived", "no tests"):
            survivors.append(name)
    print(f"{'module':42} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} "
          f"{'no test':>7} {'score':>6}")
    totals: Counter = Counter()
    for module, counts in sorted(statuses.items()):
        totals.update(counts)
        _row(module, counts)
    _row("all", totals)
    print(f"\ntests: {', '.join(tests)}")
    print(f"\nsurvivors ({len(survivors)}), each with its diff:")
    for name in survivors:
        shown = subprocess.run([*mutmut, "show", name], cwd=project, capture_output=True,
                               text=True, check=False).stdout
        print(shown.rstrip())
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def _row(module: str, counts: Counter) -> None:
    total = sum(counts.values())
    detected = counts["killed"] + counts["timeout"]
    score = f"{100 * detected / total:.0f} %" if total else "-"
    print(f"{module:42} {total:7} {counts['killed']:6} {counts['timeout']:7} "
          f"{counts['survived']:8} {counts['no tests']:7} {score:>6}")


if __name__ == "__main__":
    sys.exit(main())
