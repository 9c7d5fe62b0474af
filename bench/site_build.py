"""Static site build times: craftpath against MkDocs and Jekyll on the same pages.

    python bench/site_build.py [--runs 3] [--out bench/out/site-build]

In one run: generates the large synthetic framework (20 families × 8 levels × 12 areas ×
4 statements), builds craftpath's static site from its canonical file, exports the same pages
as Markdown (home, glossary, print; per family: every level, every area, the matrix and every
comparison of two levels), builds them with MkDocs and with Jekyll, and prints the median of
`--runs` whole-process builds of each, and the ratios.

MkDocs goes into its own virtual environment under --out and Jekyll comes from Debian's
`jekyll` package; this script installs both when missing (the tests never need them).
Navigation is like craftpath's: the site links plus one section per family (its levels, the
matrix and the comparisons), not a list of every page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from synthetic import make_framework

from craftpath.core.compare import Change
from craftpath.core.formats import canonical
from craftpath.present.pages import PageSet

ROOT = Path(__file__).resolve().parents[1]


# --- tools -----------------------------------------------------------------------------------

def ensure_mkdocs(out: Path) -> Path:
    venv = out / "mkdocs-venv"
    mkdocs = venv / "bin" / "mkdocs"
    if not mkdocs.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q",
                        "--disable-pip-version-check", "mkdocs"], check=True)
    return mkdocs


def ensure_jekyll() -> str:
    found = shutil.which("jekyll")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "jekyll"], check=True, env=env)
    return shutil.which("jekyll") or "jekyll"


def version_of(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"


# --- the same pages as Markdown ----------------------------------------------------------------

def markdown_pages(framework, link_suffix: str) -> dict[str, tuple[str, str, str]]:
    """{path without suffix: (title, family slug or "", Markdown text)} for every page that
    craftpath's site has, except search (MkDocs brings its own; Jekyll has none)."""
    pages = PageSet(framework)
    out = {}
    for spec in pages.page_specs():
        if spec[0] == "search":
            continue
        page = pages.make(spec)
        base = page.path[: -len(".html")]
        up = "../" * page.path.count("/")

        def link(path: str, up=up) -> str:
            path, _, anchor = path.partition("#")
            return f"{up}{path[: -len('.html')]}{link_suffix}" + (f"#{anchor}" if anchor else "")

        family = page.context.get("family")
        text = RENDERERS[page.template.split("/")[-1]](page.context, link)
        out[base] = (page.title, family.slug if family else "", text)
    return out


def _statements(cell) -> str:
    if not cell.written:
        return "*Not written yet.*\n"
    return "".join(f'- <span id="{s.id}"></span>{s.statement.text}\n' for s in cell.statements)


def md_home(c, link) -> str:
    lines = [f"# {c['framework'].name}\n", "## How to read this\n",
             "These are **expectations, not a checklist**: read a level as a whole and compare "
             "it with the next one up.\n"]
    for ladder in c["ladders"]:
        lines.append(f"## {ladder['family'].name}\n")
        for rung in ladder["rungs"]:
            note = " — *not written yet*" if rung.level.missing else f" ({rung.count} statements)"
            lines.append(f"- [{rung.level.label}]({link(rung.href)}){note}")
        lines.append("")
        for track, areas in ladder["tracks"]:
            lines.append(f"### {track.name}\n")
            lines += [f"- [{area.name}]({link(href)})" for area, href in areas]
            lines.append("")
    return "\n".join(lines)


def md_level(c, link) -> str:
    lines = [f"# {c['level'].label}\n"]
    if c["previous"]:
        lines.append(f"Previous: [{c['previous'].level.label}]({link(c['previous'].href)})\n")
    if c["next"]:
        lines.append(f"Next: [{c['next'].level.label}]({link(c['next'].href)})\n")
    for track, cells in c["tracks"]:
        lines.append(f"## {track.name}\n")
        for cell in cells:
            lines.append(f"### [{cell.area.name}]({link(cell.area_href)})\n")
            lines.append(_statements(cell))
    return "\n".join(lines)


def md_area(c, link) -> str:
    lines = [f"# {c['area'].name}\n", "| Level | Expectations |", "|---|---|"]
    for cell in c["cells"]:
        text = ("<br>".join(s.statement.text for s in cell.statements) if cell.written
                else "*not written yet*")
        lines.append(f"| [{cell.level.label}]({link(cell.href)}) | {text} |")
    return "\n".join(lines) + "\n"


def md_compare(c, link) -> str:
    lines = [f"# {c['before'].label} → {c['after'].label}\n"]
    for item in c["areas"]:
        lines.append(f"## [{item['area'].name}]({link(item['href'])})\n")
        if item["before_gap"] and item["after_gap"]:
            lines.append("*Not written yet at either level.*\n")
        for heading, changes in (("Added", item["added"]), ("Reworded", item["reworded"]),
                                 ("Dropped", item["dropped"])):
            if not changes:
                continue
            lines.append(f"### {heading}\n")
            for change in changes:
                if change.change is Change.REWORDED:
                    text = " ".join(f"<ins>{s.text}</ins>" if s.kind == "added" else
                                    f"<del>{s.text}</del>" if s.kind == "removed" else s.text
                                    for s in change.segments)
                else:
                    text = (change.after or change.before).text
                lines.append(f"- {text}")
            lines.append("")
    return "\n".join(lines)


def md_compare_index(c, link) -> str:
    return "# Compare levels\n\n" + "".join(
        f"- [{a.label} → {b.label}]({link(href)})\n" for a, b, href in c["pairs"])


def md_matrix(c, link) -> str:
    lines = [f"# {c['family'].name}: matrix\n",
             "| Area | " + " | ".join(lv.level.label for lv in c["levels"]) + " |",
             "|---|" + "---|" * len(c["levels"])]
    for _track, areas in c["rows"]:
        for area, href, cells in areas:
            counts = [("—" if cell.level.missing else
                       f"[{len(cell.statements)}]({link(cell.href)})" if cell.written
                       else "*not written yet*") for cell in cells]
            lines.append(f"| [{area.name}]({link(href)}) | " + " | ".join(counts) + " |")
    return "\n".join(lines) + "\n"


def md_glossary(c, link) -> str:
    lines = ["# Glossary\n"]
    for term in c["terms"]:
        lines.append(f"## {term['name']}\n")
        lines.append((term["definition"] or "*No definition yet.*") + "\n")
        lines += [f"- [{u['area'].name}, {u['level'].label}]({link(u['href'])})"
                  for u in term["uses"]]
        lines.append("")
    return "\n".join(lines)


def md_print(c, link) -> str:
    lines = [f"# {c['framework'].name}\n"]
    for family, levels in c["print_families"]:
        lines.append(f"## {family.name}\n")
        for level, tracks in levels:
            lines.append(f"### {level.label}\n")
            for track, cells in tracks:
                lines.append(f"#### {track.name}\n")
                for cell in cells:
                    lines.append(f"**{cell.area.name}**\n")
                    lines.append(_statements(cell))
    return "\n".join(lines)


RENDERERS = {"home.html": md_home, "level.html": md_level, "area.html": md_area,
             "compare.html": md_compare, "compare_index.html": md_compare_index,
             "matrix.html": md_matrix, "glossary.html": md_glossary, "print.html": md_print}


def family_nav(framework, suffix: str):
    """Per family: its levels, the matrix and the comparisons (as craftpath's family nav)."""
    for family in framework.families:
        items = [(level.label, f"{family.slug}/{level.slug}{suffix}") for level in family.levels]
        items += [("Matrix", f"{family.slug}/matrix{suffix}"),
                  ("Compare levels", f"{family.slug}/compare/index{suffix}")]
        yield family, items


def write_mkdocs(framework, folder: Path) -> Path:
    docs = folder / "docs"
    for base, (_title, _family, text) in markdown_pages(framework, ".md").items():
        target = docs / f"{base}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    nav = ["nav:", "  - Home: index.md", "  - Glossary: glossary.md", "  - Print: print.md"]
    for family, items in family_nav(framework, ".md"):
        nav.append(f'  - "{family.name}":')
        nav += [f'    - "{title}": {path}' for title, path in items]
    config = folder / "mkdocs.yml"
    config.write_text("\n".join([
        f'site_name: "{framework.name}"', "use_directory_urls: false",
        "markdown_extensions: [tables, attr_list]", *nav]) + "\n", encoding="utf-8")
    return config


def write_jekyll(framework, folder: Path) -> Path:
    for base, (title, family, text) in markdown_pages(framework, ".html").items():
        target = folder / f"{base}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        front = f'---\ntitle: "{title}"\nfamily: "{family}"\n---\n'
        target.write_text(front + text, encoding="utf-8")
    data = ["# per family: the links craftpath shows on that family's pages"]
    for family, items in family_nav(framework, ".html"):
        data.append(f"{family.slug}:")
        data += [f'  - {{title: "{title}", url: "/{path}"}}' for title, path in items]
    (folder / "_data").mkdir(exist_ok=True)
    (folder / "_data" / "nav.yml").write_text("\n".join(data) + "\n", encoding="utf-8")
    (folder / "_layouts").mkdir(exist_ok=True)
    (folder / "_layouts" / "default.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>{{ page.title }}</title></head><body>\n"
        "<nav><a href=\"{{ '/index.html' | relative_url }}\">Home</a> "
        "<a href=\"{{ '/glossary.html' | relative_url }}\">Glossary</a> "
        "<a href=\"{{ '/print.html' | relative_url }}\">Print</a></nav>\n"
        "{% if page.family != \"\" %}<nav>{% for item in site.data.nav[page.family] %}"
        "<a href=\"{{ item.url | relative_url }}\">{{ item.title }}</a> {% endfor %}</nav>"
        "{% endif %}\n<main>{{ content }}</main>\n</body></html>\n", encoding="utf-8")
    (folder / "_config.yml").write_text(
        f'title: "{framework.name}"\nmarkdown: kramdown\nexclude: [_site]\n'
        "defaults:\n  - scope: {path: \"\"}\n    values: {layout: default}\n",
        encoding="utf-8")
    return folder


# --- timing ----------------------------------------------------------------------------------

def median_seconds(command: list[str], dest: Path, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        shutil.rmtree(dest, ignore_errors=True)
        shutil.rmtree(dest.parent / "jekyll" / ".jekyll-cache", ignore_errors=True)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return statistics.median(times), times


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "site-build")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    mkdocs, jekyll = ensure_mkdocs(out), ensure_jekyll()
    framework = make_framework(families=20, levels=8, areas=12, statements=4)
    source = canonical.write(framework, out / "framework.yaml")
    for folder in ("mkdocs", "jekyll"):
        shutil.rmtree(out / folder, ignore_errors=True)
    mkdocs_config = write_mkdocs(framework, out / "mkdocs")
    jekyll_source = write_jekyll(framework, out / "jekyll")

    builds = {
        "craftpath": ([sys.executable, "-m", "craftpath.cli", "build", str(source), "-o",
                       str(out / "site-craftpath")], out / "site-craftpath"),
        "MkDocs": ([str(mkdocs), "build", "-q", "-f", str(mkdocs_config), "-d",
                    str(out / "site-mkdocs")], out / "site-mkdocs"),
        # Cold builds for all three: Jekyll's disk cache would otherwise skip Markdown work
        # on runs after the first, and neither craftpath nor MkDocs keeps one.
        "Jekyll": ([jekyll, "build", "-q", "--disable-disk-cache", "-s", str(jekyll_source),
                    "-d", str(out / "site-jekyll")], out / "site-jekyll"),
    }
    statements = sum(len(family.statements) for family in framework.families)
    print(f"framework: {len(framework.families)} families, {statements} statements; "
          f"{os.cpu_count()} cores; median of {args.runs} whole-process builds")
    print(f"tools: {version_of([str(mkdocs), '--version'])}; {version_of([jekyll, '--version'])}")
    results = {}
    for name, (command, dest) in builds.items():
        median, times = median_seconds(command, dest, args.runs)
        results[name] = median
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"{name:>10}: {median:6.2f} s  ({count_html(dest)} HTML files; runs: {runs})")
    for other in ("MkDocs", "Jekyll"):
        print(f"{other} / craftpath: {results[other] / results['craftpath']:.2f}×")


if __name__ == "__main__":
    main()
