"""How long each reader takes to refuse a small hostile file: YAML alias bombs (a billion
nodes from under a kilobyte), deeply nested JSON, YAML, JavaScript, Markdown, HTML, RST and
LaTeX, and one recursive YAML alias.

    python bench/reader_budgets.py [--timeout 60]

Each input is imported by `craftpath import FILE` in a child process (so a reader without a
budget cannot take this script down with it), and the script prints the input's size, the
seconds until the process ended, its peak memory and the first line it printed on stderr.
The budgets are in src/craftpath/core/formats/budget.py.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def yaml_alias_bomb(levels: int = 9, width: int = 9) -> str:
    """Each anchor is a list of `width` references to the one before: width**levels nodes."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def canonical_alias_bomb() -> str:
    """The same bomb inside a file the canonical reader takes (it has `families`)."""
    return "name: Bomb\nfamilies: []\n" + yaml_alias_bomb()


def yaml_recursive_alias() -> str:
    return "name: Loop\nfamilies: &loop [*loop]\n"


def nested_json(depth: int = 900) -> str:
    return '{"x": ' * depth + '"deep"' + "}" * depth


def nested_yaml(depth: int = 900) -> str:
    return "x: " + "{x: " * depth + "deep" + "}" * depth + "\n"


def nested_js(depth: int = 900) -> str:
    return "const levels = " + "{x: " * depth + "'deep'" + "}" * depth + ";\n"


def wide_json(keys: int = 300_000) -> str:
    return json.dumps({"levels": [{"n": i} for i in range(keys)]})


def nested_markdown(depth: int = 600) -> str:
    return "".join("  " * i + "- item\n" for i in range(depth)) + ">" * depth + " quote\n"


def nested_html(depth: int = 3000) -> str:
    return "<html><body>" + "<div>" * depth + "deep" + "</div>" * depth + "</body></html>"


def nested_rst(depth: int = 300) -> str:
    return "".join("  " * i + "- item\n\n" for i in range(depth))


def nested_latex(depth: int = 3000) -> str:
    return "\\section{Deep}\n" + "{" * depth + "deep" + "}" * depth + "\n"


HOSTILE = {
    "yaml alias bomb (document tree)": ("bomb.yaml", yaml_alias_bomb),
    "yaml alias bomb (canonical)": ("framework.yaml", canonical_alias_bomb),
    "yaml recursive alias": ("loop.yaml", yaml_recursive_alias),
    "json nested 900": ("nested.json", nested_json),
    "json wide 300k": ("wide.json", wide_json),
    "yaml nested 900": ("nested.yaml", nested_yaml),
    "js nested 900": ("nested.js", nested_js),
    "markdown nested 600": ("nested.md", nested_markdown),
    "html nested 3000": ("nested.html", nested_html),
    "rst nested 300": ("nested.rst", nested_rst),
    "latex nested 3000": ("nested.tex", nested_latex),
}


def run(path: Path, timeout: float) -> tuple[float, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "craftpath", "import", str(path), "-o",
                               os.devnull], capture_output=True, text=True, timeout=timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, f"still running after {timeout:.0f} s"
    seconds = time.perf_counter() - started
    lines = (done.stderr or done.stdout).strip().splitlines()
    return seconds, (lines[-1] if lines else f"exit {done.returncode}")[:110]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    # A bomb that is not refused must not take the machine down: cap the children's memory.
    limit = 2 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    print(f"{'input':34} {'bytes':>8} {'seconds':>8}  first line")
    with tempfile.TemporaryDirectory() as scratch:
        for label, (name, make) in HOSTILE.items():
            path = Path(scratch) / name
            path.write_text(make(), encoding="utf-8")
            seconds, said = run(path, args.timeout)
            print(f"{label:34} {path.stat().st_size:>8} {seconds:>8.2f}  {said}")


if __name__ == "__main__":
    main()
