"""Layouts that test the inference's general rules, over frameworks drawn from a seed.

`layouts.py` writes one framework in many formats; this module writes random frameworks
(`random_spec(seed)`) in the shapes that break the rules of the importer issue, each with a
known truth and no hints:

- a stand-alone bold paragraph before a list names an area (`**Impact**` then bullets, or
  `<p><strong>Impact</strong> <em>what it covers</em></p><ul>…`);
- a wrapper heading repeated in every file (`# Core Responsibilities` on every level's page)
  is neither a family nor a level;
- two ladders in one folder, one page per level, that share their level numbers (`IC1 Software
  Engineer`, `IC1 Data Engineer`) are two families;
- a level whose areas differ from its siblings' (it lacks one, adds one) is still a level;
- distractors beside the ladder (a README listing the levels and defining each in one line, a
  "how to read this" legend, a points table) stay out;
- a file whose ladder is a grid (a table) and a file whose ladder is a series of level headings
  holding flat lists, in one folder, are both kept.

`RULES` maps each name to a writer; `try_rule(name, seed, folder)` writes, imports and says what
went wrong (nothing when the import recovered the truth).
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml
from layouts import FamilySpec, Spec, Written, recovered, write

WORDS = ("reviews", "designs", "delivers", "mentors", "plans", "owns", "explains", "tests",
         "measures", "improves", "documents", "shares", "leads", "supports", "questions")
OBJECTS = ("the service", "pull requests", "the roadmap", "new hires", "incidents",
           "the design", "customer needs", "the budget", "releases", "the team's goals",
           "on-call rotations", "technical debt", "the hiring loop", "migrations")
AREA_NAMES = ("Impact", "Ownership", "Decision Making", "Collaboration", "Communication",
              "Code Fluency", "Software Design", "Personal Growth", "Team Development",
              "Delivery", "Quality", "Strategy")
ROLES = ("Software Engineer", "Data Engineer", "Site Reliability Engineer", "Designer",
         "Product Manager", "Security Engineer")
LEVEL_STYLES = ("Level {n}", "L{n}", "IC{n} {role}", "{role} {roman}")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")


def _statement(rng: random.Random, area: str, level: str, k: int) -> str:
    return (f"{rng.choice(WORDS).capitalize()} {rng.choice(OBJECTS)} "
            f"for {area.lower()} at {level.lower()} number {k + 1}")


def random_family(rng: random.Random, role: str, first: int = 1) -> FamilySpec:
    count = rng.randint(2, 6)
    style = rng.choice(LEVEL_STYLES)
    levels = [style.format(n=n, role=role, roman=ROMAN[n - 1])
              for n in range(first, first + count)]
    areas = rng.sample(AREA_NAMES, rng.randint(2, 5))
    family = FamilySpec(role, levels, areas)
    for area in areas:
        for level in levels:
            family.cells[(area, level)] = [_statement(rng, area, level, k)
                                           for k in range(rng.randint(1, 3))]
    return family


def random_spec(seed: int, families: int = 1) -> Spec:
    rng = random.Random(seed)
    roles = rng.sample(ROLES, families)
    return Spec("Ladders", [random_family(rng, role) for role in roles])


def _numbered_spec(seed: int) -> Spec:
    """Two ladders whose levels share their numbers: `IC1 Software Engineer`, `IC1 Designer`."""
    rng = random.Random(seed)
    roles = rng.sample(ROLES, 2)
    families = []
    for role in roles:
        family = random_family(rng, role)
        renamed = {old: f"IC{n} {role}" for n, old in enumerate(family.levels, start=1)}
        family.cells = {(a, renamed[lv]): texts for (a, lv), texts in family.cells.items()}
        family.levels = [renamed[lv] for lv in family.levels]
        families.append(family)
    return Spec("Ladders", families)


def _file(level: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in level.lower()).strip("-")


# --- the rules -----------------------------------------------------------------------------------

def bold_paragraph_areas_md(seed: int) -> tuple[Spec, Written]:
    spec = random_spec(seed)
    fam = spec.families[0]
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        lines = [f"# {level}", "", "What this level is about, in one sentence.", ""]
        for area in fam.areas:
            lines += [f"**{area}**", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
        files[f"{n}-{_file(level)}.md"] = "\n".join(lines)
    return spec, Written(files)


def bold_paragraph_areas_html(seed: int) -> tuple[Spec, Written]:
    spec = random_spec(seed)
    fam = spec.families[0]
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        body = [f"<h1>{level}</h1>", "<p><strong><em>A summary of the level.</em></strong></p>"]
        for area in fam.areas:
            body.append(f"<p><strong>{area}</strong>\n<em>What {area.lower()} covers</em></p>")
            body.append("<ul>" + "".join(f"<li>{t}</li>" for t in fam.cells[(area, level)])
                        + "</ul>")
        files[f"{n}-{_file(level)}.html"] = _page("\n".join(body))
    return spec, Written(files)


def wrapper_in_every_file(seed: int) -> tuple[Spec, Written]:
    spec = random_spec(seed)
    fam = spec.families[0]
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        body = [f"<h1>{level}</h1>", "<p>A summary of the level.</p>",
                "<h1>Core Responsibilities</h1>"]
        for area in fam.areas:
            body.append(f"<h2>{area}</h2><ul>" + "".join(
                f"<li>{t}</li>" for t in fam.cells[(area, level)]) + "</ul>")
        files[f"{n}-{_file(level)}.html"] = _page("\n".join(body))
    return spec, Written(files)


def families_share_numbers(seed: int) -> tuple[Spec, Written]:
    spec = _numbered_spec(seed)
    files = {}
    for fam in spec.families:
        for level in fam.levels:
            lines = [f"# {level}", ""]
            for area in fam.areas:
                lines += [f"## {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
            files[f"{_file(level)}.md"] = "\n".join(lines)
    return spec, Written(files)


def differing_level(seed: int) -> tuple[Spec, Written]:
    """The most senior level lacks the first area and adds one of its own."""
    spec = random_spec(seed)
    fam = spec.families[0]
    if len(fam.areas) < 3:
        fam.areas.append("Strategy" if "Strategy" not in fam.areas else "Quality")
        for level in fam.levels:
            fam.cells[(fam.areas[-1], level)] = [f"Works on {fam.areas[-1].lower()} at "
                                                 f"{level.lower()}"]
    top = fam.levels[-1]
    dropped = fam.areas[0]
    del fam.cells[(dropped, top)]
    extra = "Organisational Health"
    fam.areas.append(extra)
    fam.cells[(extra, top)] = [f"Builds the health of the organisation at {top.lower()}"]
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        lines = [f"# {level}", ""]
        for area in fam.areas:
            if (area, level) in fam.cells:
                lines += [f"## {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
        files[f"{n}-{_file(level)}.md"] = "\n".join(lines)
    return spec, Written(files)


def with_distractors(seed: int) -> tuple[Spec, Written]:
    spec = random_spec(seed)
    fam = spec.families[0]
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        lines = [f"# {level}", ""]
        for area in fam.areas:
            lines += [f"## {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
        files[f"ladder/{n}-{_file(level)}.md"] = "\n".join(lines)
    files["README.md"] = "\n".join(
        ["# Our career ladder", "", "This repository holds our ladder. The levels are:", ""]
        + [f"- [{level}](ladder/{n}-{_file(level)}.md)"
           for n, level in enumerate(fam.levels, start=1)]
        + ["", "## What the levels mean", "", "| Level | Description |", "|---|---|"]
        + [f"| {level} | Works at the scope of level {n} and guides those below |"
           for n, level in enumerate(fam.levels, start=1)]
        + ["", "## Contributing", "", "- Open a pull request", "- Ask in the channel", ""])
    files["how-to-read.md"] = "\n".join(
        ["# How to read this ladder", "", "## Legend", "",
         "- A bullet is one expectation", "- Levels build on each other", "",
         "## Levels and areas", "", "- Each page is a level", "- Each heading is an area", ""])
    files["points.md"] = "\n".join(
        ["# Points", "", "| Level | Points |", "|---|---|"]
        + [f"| {level} | {10 * n} |" for n, level in enumerate(fam.levels, start=1)] + [""])
    return spec, Written(files)


def grid_file_beside_series_file(seed: int) -> tuple[Spec, Written]:
    spec = random_spec(seed, families=2)
    grid, series = spec.families
    files = {}
    lines = [f"# {grid.name}", "", "| Area | " + " | ".join(grid.levels) + " |",
             "|---" * (len(grid.levels) + 1) + "|"]
    for area in grid.areas:
        lines.append(f"| {area} | " + " | ".join("<br>".join(grid.cells[(area, lv)])
                                                for lv in grid.levels) + " |")
    files[f"{_file(grid.name)}.md"] = "\n".join(lines) + "\n"
    # the series file's levels are flat lists: one area, the importer's default
    flat = {lv: [t for a in series.areas for t in series.cells[(a, lv)]] for lv in series.levels}
    series.areas = ["Expectations"]
    series.cells = {("Expectations", lv): texts for lv, texts in flat.items()}
    lines = [f"# {series.name}", ""]
    for level in series.levels:
        lines += [f"## {level}", ""] + [f"- {t}" for t in flat[level]] + [""]
    files[f"{_file(series.name)}.md"] = "\n".join(lines)
    return spec, Written(files)


def bold_line_levels(seed: int) -> tuple[Spec, Written]:
    """Levels as stand-alone bold lines (`**L2 - Engineer II**`), areas as bold lead-ins."""
    spec = random_spec(seed)
    fam = spec.families[0]
    lines = [f"# {fam.name}", "", "The ladder, one level after another.", ""]
    for level in fam.levels:
        lines += [f"**{level}**", ""]
        lines += [f"- **{area}:** {t}" for area in fam.areas for t in fam.cells[(area, level)]]
        lines += [""]
    return spec, Written({f"{_file(fam.name)}.md": "\n".join(lines)})


def one_area_level(seed: int) -> tuple[Spec, Written]:
    """The most junior level holds only one of the areas."""
    spec = random_spec(seed)
    fam = spec.families[0]
    first = fam.levels[0]
    for area in fam.areas[1:]:
        del fam.cells[(area, first)]
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        lines = [f"# {level}", ""]
        for area in fam.areas:
            if (area, level) in fam.cells:
                lines += [f"## {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
        files[f"{n}-{_file(level)}.md"] = "\n".join(lines)
    return spec, Written(files)


def intro_sections_before_series(seed: int) -> tuple[Spec, Written]:
    """One page: two sections of principles and how-to before the numbered levels."""
    spec = random_spec(seed)
    fam = spec.families[0]
    lines = [f"# {fam.name}", "", "## Our principles", "",
             "- We grow people before titles", "- Impact matters more than activity", "",
             "## How promotions work", "", "- Your manager writes the case",
             "- A committee reviews it each half", ""]
    for level in fam.levels:
        lines += [f"## {level}", ""]
        for area in fam.areas:
            lines += [f"### {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
    return spec, Written({f"{_file(fam.name)}.md": "\n".join(lines)})


def notes_column(seed: int) -> tuple[Spec, Written]:
    """A table with levels as columns and a last column of notes, which is not a level."""
    spec = random_spec(seed)
    fam = spec.families[0]
    lines = [f"# {fam.name}", "", "| Area | " + " | ".join(fam.levels) + " | Notes |",
             "|---" * (len(fam.levels) + 2) + "|"]
    for area in fam.areas:
        lines.append(f"| {area} | " + " | ".join("<br>".join(fam.cells[(area, lv)])
                                                for lv in fam.levels)
                     + f" | Ask your manager about {area.lower()} |")
    return spec, Written({f"{_file(fam.name)}.md": "\n".join(lines) + "\n"})


KEYWORDS = ("Adopts", "Designs", "Owns", "Leads", "Shapes", "Drives", "Guides")


def keywords_under_area_headings(seed: int) -> tuple[Spec, Written]:
    """Under each area heading, each statement opens with a bold proficiency keyword
    (`- **Adopts:** …`): the keyword is part of the statement, not an area."""
    spec = random_spec(seed)
    fam = spec.families[0]
    rng = random.Random(seed)
    files = {}
    for n, level in enumerate(fam.levels, start=1):
        lines = [f"# {level}", ""]
        for area in fam.areas:
            keyed = [f"{rng.choice(KEYWORDS)}: {t}" for t in fam.cells[(area, level)]]
            fam.cells[(area, level)] = keyed
            lines += [f"## {area}", ""] + [f"- **{k.split(': ', 1)[0]}:** {k.split(': ', 1)[1]}"
                                           for k in keyed] + [""]
        files[f"{n}-{_file(level)}.md"] = "\n".join(lines)
    return spec, Written(files)


def one_file_per_ladder_with_own_levels(seed: int) -> tuple[Spec, Written]:
    """Two ladders, a file each, one with a level the other lacks: that level stays in its
    own ladder."""
    spec = random_spec(seed, families=2)
    first = spec.families[0]
    extra = "Distinguished Fellow"
    first.levels.append(extra)
    for area in first.areas:
        first.cells[(area, extra)] = [f"Sets the direction of {area.lower()} for the company"]
    files = {}
    for fam in spec.families:
        lines = [f"# {fam.name}", ""]
        for level in fam.levels:
            lines += [f"## {level}", ""]
            for area in fam.areas:
                lines += [f"### {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]]
                lines += [""]
        files[f"{_file(fam.name)}.md"] = "\n".join(lines)
    return spec, Written(files)


def positions_named_in_readme(seed: int) -> tuple[Spec, Written]:
    """Levels only as positions in each area's list (as Snowflake's milestones), their names
    given by a numbered list in the README."""
    spec = random_spec(seed)
    fam = spec.families[0]
    data = {"areas": [{"displayName": area, "description": "What the area covers.",
                       "milestones": [{"signals": fam.cells[(area, lv)]} for lv in fam.levels]}
                      for area in fam.areas]}
    readme = ["# Our ladder", "", "Each area lists its milestones in this order:", ""]
    readme += [f"{n}. {level}" for n, level in enumerate(fam.levels, start=1)] + [""]
    return spec, Written({"ladder.yml": yaml.safe_dump(data, sort_keys=False),
                          "README.md": "\n".join(readme)})


def _page(body: str) -> str:
    return ("<!doctype html><html><head><title>Ladder</title></head><body class='wiki-nav'>"
            "<div class='sidebar'><ul><li><a href='/'>Home</a></li>"
            "<li><a href='/levels'>All levels</a></li></ul></div>"
            f"<div id='doc'>{body}</div></body></html>")


RULES = {f.__name__: f for f in (
    bold_paragraph_areas_md, bold_paragraph_areas_html, wrapper_in_every_file,
    families_share_numbers, differing_level, with_distractors, grid_file_beside_series_file,
    bold_line_levels, one_area_level, intro_sections_before_series, notes_column,
    keywords_under_area_headings, one_file_per_ladder_with_own_levels,
    positions_named_in_readme)}


def try_rule(rule: str, seed: int, folder: Path) -> list[str]:
    """Write the framework of `seed` in the shape of `rule`, import it with no hint, and say
    what went wrong."""
    from craftpath.core.formats import load
    from craftpath.core.formats.inputs import InputError

    spec, written = RULES[rule](seed)
    write(written, folder)
    try:
        loaded = load([folder])
    except InputError as error:
        return [f"import failed: {error}"]
    return recovered(_in_order_of(spec, loaded.framework), loaded.framework, written)


def _in_order_of(spec: Spec, framework) -> Spec:
    """The spec's families in the order the import gives them, paired by their levels: family
    names are informative only (the counting rules), so they cannot pair them."""
    if framework is None or len(framework.families) != len(spec.families):
        return spec
    left = list(spec.families)
    ordered = []
    for got in framework.families:
        codes = {level.code.lower() for level in got.levels}
        best = max(left, key=lambda want: len(codes & {lv.lower() for lv in want.levels}))
        left.remove(best)
        ordered.append(best)
    return Spec(spec.name, ordered)


def pass_rate(seeds: range, scratch: Path) -> tuple[int, int, dict[str, list[int]]]:
    """(passed, tried, failing seeds per rule) over every rule × seed."""
    passed = tried = 0
    failing: dict[str, list[int]] = {}
    for rule in RULES:
        for seed in seeds:
            tried += 1
            if try_rule(rule, seed, scratch / f"{rule}-{seed}"):
                failing.setdefault(rule, []).append(seed)
            else:
                passed += 1
    return passed, tried, failing
