"""A layout generator: one framework written in the many layouts real frameworks use.

`spec_from(framework)` takes a framework (the seeds, or a corpus framework as imported) down to
a small grid of families × levels × areas × statements; each function in LAYOUTS writes that
grid as files (Markdown, HTML, reStructuredText, LaTeX, XLSX, CSV, JSON, YAML, JavaScript) with
noise — a navigation block on every page, intros, examples, reading lists, a placeholder,
emoji — and says which hints (at most two) a person would give. `recovered(spec, framework)`
says what an import got wrong, or nothing.

Used by tests/core/test_layouts.py and bench/corpus_import.py (the pass rate).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from craftpath.core.model import Framework, slugify

NAV_MD = "- [Home](/)\n- [All levels](/levels)\n- [Contact](/contact)\n\n"
NAV_HTML = ("<div class='sidebar'><ul><li><a href='/'>Home</a></li>"
            "<li><a href='/levels'>All levels</a></li></ul></div>")
INTRO = "This part of the ladder describes what we expect."
EXAMPLES = ["Ran the weekly demo for the team", "Wrote the migration guide"]
READING = ["The Manager's Path", "Staff Engineer by Will Larson"]


@dataclass
class FamilySpec:
    name: str
    levels: list[str]
    areas: list[str]
    cells: dict[tuple[str, str], list[str]] = field(default_factory=dict)


@dataclass
class Spec:
    name: str
    families: list[FamilySpec]


@dataclass
class Written:
    files: dict[str, str | bytes]
    hints: dict[str, str] = field(default_factory=dict)
    level_names: dict[int, list[str]] | None = None  # when the layout renames levels


def clean_text(text: str) -> str:
    """Statement text that every format can carry unchanged."""
    text = re.sub(r"[|;*_<>`#\\&%$^{}~\[\]:\"']", " ", text)
    text = re.sub(r"^[\W\d]+", "", text)
    text = re.sub(r"\s+", " ", text).strip()[:160].strip()
    if re.match(r"(?i)^(for example|e\.g|for instance|examples?|todo|tbd|tbc|n a|none)\b", text):
        text = "Shows " + text
    return text


def clean_name(text: str, fallback: str) -> str:
    # 31 characters and no / or ?: the longest sheet name a workbook holds, and characters
    # it refuses, so every layout can carry the name.
    text = clean_text(re.sub(r"[/?]", " ", text))[:31].strip()
    return text if sum(c.isalpha() for c in text) >= 2 else fallback


def spec_from(framework: Framework, max_families=2, max_levels=5, max_areas=4,
              max_statements=3) -> Spec:
    families = []
    for f_index, family in enumerate(framework.families[:max_families]):
        levels = list(family.present_levels)[:max_levels]
        areas = list(family.areas)[:max_areas]
        level_names = _distinct([clean_name(level.label if level.name else level.code,
                                            f"Level {i + 1}") for i, level in enumerate(levels)],
                                "Level")
        area_names = _distinct([clean_name(area.name, f"Area {i + 1}")
                                for i, area in enumerate(areas)], "Area")
        spec = FamilySpec(clean_name(family.name, f"Family {f_index + 1}"), level_names,
                          area_names)
        for area, area_name in zip(areas, area_names, strict=True):
            for level, level_name in zip(levels, level_names, strict=True):
                cell = family.expectation(area.slug, level.slug)
                texts = _distinct_texts([clean_text(s.text) for s in (cell.statements if cell
                                                                      else ())])
                texts = [t for t in texts if sum(c.isalpha() for c in t) >= 3
                         and len(t.split()) >= 3][:max_statements]
                spec.cells[(area_name, level_name)] = texts or [
                    f"Works on {area_name} at the level of {level_name}"]
        if len(level_names) >= 2 and area_names:
            families.append(spec)
    names = _distinct([f.name for f in families], "Family")
    for family, name in zip(families, names, strict=True):
        family.name = name
    return Spec(clean_name(framework.name, "Framework"), families)


def _distinct(names: list[str], prefix: str) -> list[str]:
    seen, out = set(), []
    for i, name in enumerate(names):
        key = slugify(name)
        if not key or key in seen or _generic(name):
            name = f"{prefix} {chr(65 + i)}"
            key = slugify(name)
        seen.add(key)
        out.append(name)
    return out


def _generic(name: str) -> bool:
    from craftpath.core.formats.sections import left_out_reason
    return bool(left_out_reason(name))


def _distinct_texts(texts: list[str]) -> list[str]:
    seen, out = set(), []
    for text in texts:
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out


# --- checking ------------------------------------------------------------------------------------

def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def recovered(spec: Spec, framework: Framework | None, written: Written) -> list[str]:
    """What the import got wrong (empty: it recovered everything)."""
    if framework is None:
        return ["no framework"]
    problems = []
    if len(framework.families) != len(spec.families):
        return [f"{len(framework.families)} families, expected {len(spec.families)}"]
    by_name = {_key(f.name): f for f in framework.families}
    pairs = [(want, by_name.get(_key(want.name), got))
             for want, got in zip(spec.families, framework.families, strict=True)]
    for index, (want, got) in enumerate(pairs):
        levels = (written.level_names or {}).get(index, want.levels)
        got_levels = [level.code for level in got.levels]
        if [_key(x) for x in got_levels] != [_key(x) for x in levels]:
            problems.append(f"{want.name}: levels {got_levels}, expected {levels}")
        if sorted(_key(a.name) for a in got.areas) != sorted(_key(a) for a in want.areas):
            problems.append(f"{want.name}: areas {[a.name for a in got.areas]}, "
                            f"expected {want.areas}")
        want_statements = sorted(_key(t) for texts in want.cells.values() for t in texts)
        got_statements = sorted(_key(s.text) for s in got.statements)
        if want_statements != got_statements:
            missing = set(want_statements) - set(got_statements)
            extra = set(got_statements) - set(want_statements)
            problems.append(f"{want.name}: statements {len(got_statements)}, expected "
                            f"{len(want_statements)} (missing {sorted(missing)[:2]}, "
                            f"extra {sorted(extra)[:2]})")
    return problems


# --- layouts -------------------------------------------------------------------------------------

def _slug(name: str, fallback: str) -> str:
    return slugify(name) or fallback


def md_levels_h2_areas_h3(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# 🚀 {fam.name}", "", INTRO, ""]
        for level in fam.levels:
            lines += [f"## {level}", "", INTRO, ""]
            for area in fam.areas:
                lines += [f"### {area}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
            lines += ["### Examples", ""] + [f"- {t}" for t in EXAMPLES] + [""]
        lines += ["## Further reading", ""] + [f"- {t}" for t in READING]
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines)
    return Written(files)


def md_areas_h2_levels_h3(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", ""]
        for area in fam.areas:
            lines += [f"## {area}", "", "What this area covers.", ""]
            for level in fam.levels:
                lines += [f"### {level}", ""] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines)
    return Written(files, {"level": "heading-3"})


def md_file_per_level_weight(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        for rank, level in enumerate(fam.levels):
            lines = ["---", f"title: \"{level}\"", f"weight: {100 + rank}", "---", "", NAV_MD,
                     INTRO, ""]
            for area in fam.areas:
                lines += [f"## {area} ", ""] + [f"* {t}" for t in fam.cells[(area, level)]] + [""]
            # file names in reverse so that alphabetical order is not seniority
            files[f"{_slug(fam.name, f'f{i}')}/{chr(122 - rank)}-{_slug(level, 'l')}.md"] = \
                "\n".join(lines)
    return Written(files, {"family": "folder"} if len(spec.families) > 1 else {})


def md_file_per_area(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        for n, area in enumerate(fam.areas, start=1):
            lines = [NAV_MD, f"# {area}", "A short description of the area.", ""]
            for level in fam.levels:
                lines += [f"## {level}"] + [f"- {t}" for t in fam.cells[(area, level)]] + [""]
            files[f"{_slug(fam.name, f'f{i}')}/{n:02d}. {_slug(area, 'a')}.md"] = "\n".join(lines)
    return Written(files, _per_area_hints(spec))


def _per_area_hints(spec: Spec) -> dict[str, str]:
    """Folders of area files sharing one list of levels read as one ladder's categories (as
    dskst's translations); when each folder is its own ladder, a person says so."""
    hints = {"area": "file-name"}
    if len(spec.families) > 1:
        hints["family"] = "folder"
    return hints


def md_bold_lead_ins(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", ""]
        for level in fam.levels:
            lines += [f"## {level}", ""]
            for area in fam.areas:
                lines += [f"- **{area}:** {t}" for t in fam.cells[(area, level)]]
            lines += [""]
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines)
    return Written(files, {"area": "bold-lead-in"})


def md_table_levels_as_columns(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", "", "| Area | " + " | ".join(fam.levels) + " |",
                 "|---" * (len(fam.levels) + 1) + "|"]
        for area in fam.areas:
            lines.append(f"| {area} | " + " | ".join("<br>".join(fam.cells[(area, level)])
                                                    for level in fam.levels) + " |")
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines) + "\n"
    return Written(files, {"level": "table-column"})


def md_table_levels_as_rows(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", "", "| Level | " + " | ".join(fam.areas) + " |",
                 "|---" * (len(fam.areas) + 1) + "|"]
        for level in fam.levels:
            lines.append(f"| {level} | " + " | ".join("<br>".join(fam.cells[(area, level)])
                                                     for area in fam.areas) + " |")
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines) + "\n"
    return Written(files, {"level": "table-row"})


def md_numbered_items(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", ""]
        for level in fam.levels:
            lines += [f"## {level}", ""]
            for area in fam.areas:
                lines += [f"### {area}", ""] + [f"{n}. {t}" for n, t in
                                                enumerate(fam.cells[(area, level)], start=1)]
                lines += ["- [ ] ...", ""]
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines)
    return Written(files, {"level": "heading-2"})


def md_paragraphs(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", ""]
        for level in fam.levels:
            lines += [f"## {level}", "", "---", ""]
            for area in fam.areas:
                lines += [f"### {area}", ""]
                for t in fam.cells[(area, level)]:
                    lines += [t + ".", ""]
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines)
    return Written(files, {"level": "heading-2"})


def md_semicolons(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [f"# {fam.name}", ""]
        for level in fam.levels:
            lines += [f"## {level}", ""]
            for area in fam.areas:
                lines += [f"### {area}", "", "; ".join(fam.cells[(area, level)]), ""]
        files[f"{_slug(fam.name, f'f{i}')}.md"] = "\n".join(lines)
    return Written(files, {"split": ";"})


def html_headings_lists(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        body = [f"<h1>🎯 {fam.name}</h1>"]
        for level in fam.levels:
            body.append(f"<h2>{level}</h2><p>{INTRO}</p>")
            for area in fam.areas:
                body.append(f"<h3>{area}</h3><ul>" + "".join(
                    f"<li>{t}</li>" for t in fam.cells[(area, level)]) + "</ul>")
        files[f"{_slug(fam.name, f'f{i}')}.html"] = _html_page(fam.name, "".join(body))
    return Written(files, {"level": "heading-2"})


def html_table_levels_as_columns(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        head = "<tr><th>Area</th>" + "".join(f"<th>{lv}</th>" for lv in fam.levels) + "</tr>"
        rows = "".join(
            f"<tr><td>{area}</td>" + "".join(
                "<td><ul>" + "".join(f"<li>{t}</li>" for t in fam.cells[(area, lv)])
                + "</ul></td>" for lv in fam.levels) + "</tr>" for area in fam.areas)
        files[f"{_slug(fam.name, f'f{i}')}.html"] = _html_page(
            fam.name, f"<h1>{fam.name}</h1><table>{head}{rows}</table>")
    return Written(files, {"level": "table-column"})


def html_file_per_level(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        for rank, level in enumerate(fam.levels, start=1):
            body = [NAV_HTML, f"<h1>{level}</h1>"]
            for area in fam.areas:
                body.append(f"<h2>{area}</h2><ul>" + "".join(
                    f"<li>{t}</li>" for t in fam.cells[(area, level)]) + "</ul>")
            files[f"{_slug(fam.name, f'f{i}')}/{rank}-{_slug(level, 'l')}.html"] = _html_page(
                level, "".join(body))
    return Written(files, {"level": "file-name"})


def _html_page(title: str, body: str) -> str:
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav>{body}<footer>© The company</footer></body></html>")


def rst_sections(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = [fam.name, "=" * (len(fam.name) * 2), ""]
        for level in fam.levels:
            lines += [level, "-" * (len(level) * 2), ""]
            for area in fam.areas:
                lines += [area, "~" * (len(area) * 2), ""] + [
                    f"* {t}" for t in fam.cells[(area, level)]] + [""]
        files[f"{_slug(fam.name, f'f{i}')}.rst"] = "\n".join(lines)
    return Written(files, {"level": "heading-2"})


def rst_grid_table(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        header = ["Area"] + fam.levels
        rows = [[[area]] + [[f"- {t}" for t in fam.cells[(area, lv)]] for lv in fam.levels]
                for area in fam.areas]
        widths = [max([_width(header[c])] + [_width(line) for row in rows for line in row[c]])
                  + 2 for c in range(len(header))]
        rule = "+" + "+".join("-" * w for w in widths) + "+"
        head_rule = "+" + "+".join("=" * w for w in widths) + "+"
        lines = [fam.name, "=" * (len(fam.name) * 2), "", rule,
                 "|" + "|".join(_pad(f" {h}", w) for h, w in zip(header, widths, strict=True))
                 + "|", head_rule]
        for row in rows:
            height = max(len(cell) for cell in row)
            for k in range(height):
                lines.append("|" + "|".join(
                    _pad(f" {cell[k] if k < len(cell) else ''}", w)
                    for cell, w in zip(row, widths, strict=True)) + "|")
            lines.append(rule)
        files[f"{_slug(fam.name, f'f{i}')}.rst"] = "\n".join(lines) + "\n"
    return Written(files, {"level": "table-column"})


def _width(text: str) -> int:
    """Columns a text takes in a plain-text table: wide (CJK) characters take two."""
    import unicodedata
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF"
               else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def latex_sections(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = ["\\documentclass{article}", "\\begin{document}", f"\\title{{{fam.name}}}"]
        for level in fam.levels:
            lines.append(f"\\section{{{level}}}")
            for area in fam.areas:
                lines += [f"\\subsection{{{area}}}", "\\begin{itemize}"] + [
                    f"  \\item {t}" for t in fam.cells[(area, level)]] + ["\\end{itemize}"]
        lines.append("\\end{document}")
        files[f"{_slug(fam.name, f'f{i}')}.tex"] = "\n".join(lines)
    return Written(files, {"level": "heading-2"})


def latex_tabular(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        lines = ["\\documentclass{article}", "\\begin{document}",
                 f"\\section{{{fam.name}}}",
                 "\\begin{tabular}{" + "l" * (len(fam.levels) + 1) + "}", "\\hline",
                 "Area & " + " & ".join(fam.levels) + " \\\\", "\\hline"]
        for area in fam.areas:
            lines.append(f"{area} & " + " & ".join("; ".join(fam.cells[(area, lv)])
                                                   for lv in fam.levels) + " \\\\")
        lines += ["\\hline", "\\end{tabular}", "\\end{document}"]
        files[f"{_slug(fam.name, f'f{i}')}.tex"] = "\n".join(lines)
    return Written(files, {"level": "table-column"})


def xlsx_sheet_per_area(spec: Spec) -> Written:
    from openpyxl import Workbook

    files = {}
    for i, fam in enumerate(spec.families):
        book = Workbook()
        book.remove(book.active)
        for area in fam.areas:
            sheet = book.create_sheet(area[:31])
            sheet.append(["Level", "Expectation"])
            for level in fam.levels:
                for t in fam.cells[(area, level)]:
                    sheet.append([level, t])
        data = io.BytesIO()
        book.save(data)
        files[f"{_slug(fam.name, f'f{i}')}.xlsx"] = data.getvalue()
    return Written(files, {"area": "sheet"})


def xlsx_grid(spec: Spec) -> Written:
    from openpyxl import Workbook

    files = {}
    for i, fam in enumerate(spec.families):
        book = Workbook()
        sheet = book.active
        sheet.title = fam.name[:31]
        sheet.append(["Area"] + fam.levels)
        for area in fam.areas:
            sheet.append([area] + ["\n".join(f"- {t}" for t in fam.cells[(area, lv)])
                                   for lv in fam.levels])
        data = io.BytesIO()
        book.save(data)
        files[f"{_slug(fam.name, f'f{i}')}.xlsx"] = data.getvalue()
    return Written(files, {"level": "table-column"})


def csv_grid(spec: Spec) -> Written:
    import csv

    files = {}
    for i, fam in enumerate(spec.families):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["Area"] + fam.levels)
        for area in fam.areas:
            writer.writerow([area] + ["\n".join(f"- {t}" for t in fam.cells[(area, lv)])
                                      for lv in fam.levels])
        files[f"{_slug(fam.name, f'f{i}')}.csv"] = out.getvalue()
    return Written(files, {"level": "table-column"})


def json_file_per_area(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        for n, area in enumerate(fam.areas, start=1):
            data = {"name": area, "category": "A"}
            for level in fam.levels:
                data[level] = {"expectations": fam.cells[(area, level)],
                               "examples": EXAMPLES[:1]}
            files[f"{_slug(fam.name, f'f{i}')}/{n:02d}-{_slug(area, 'a')}.json"] = json.dumps(
                data, ensure_ascii=False, indent=2)
    return Written(files, _per_area_hints(spec))


def _nested(fam: FamilySpec) -> dict:
    return {"name": fam.name, "levels": [
        {"title": level, "areas": [{"name": area, "statements": fam.cells[(area, level)],
                                    "examples": EXAMPLES[:1]}
                                   for area in fam.areas]} for level in fam.levels]}


def yaml_nested(spec: Spec) -> Written:
    files = {f"{_slug(fam.name, f'f{i}')}.yaml": yaml.safe_dump(_nested(fam), allow_unicode=True,
                                                                sort_keys=False)
             for i, fam in enumerate(spec.families)}
    return Written(files)


def yaml_list_positions(spec: Spec) -> Written:
    """Levels only as positions in each area's list, as Snowflake's milestones."""
    files = {}
    for i, fam in enumerate(spec.families):
        data = {"areas": [{"displayName": area, "description": "What the area covers.",
                           "milestones": [{"signals": fam.cells[(area, lv)]}
                                          for lv in fam.levels]} for area in fam.areas]}
        files[f"{_slug(fam.name, f'f{i}')}.yml"] = yaml.safe_dump(data, allow_unicode=True,
                                                                  sort_keys=False)
    names = {i: [str(n) for n in range(1, len(fam.levels) + 1)]
             for i, fam in enumerate(spec.families)}
    return Written(files, level_names=names)


def js_object_literal(spec: Spec) -> Written:
    files = {}
    for i, fam in enumerate(spec.families):
        literal = json.dumps(_nested(fam), ensure_ascii=False, indent=2)
        files[f"{_slug(fam.name, f'f{i}')}.js"] = (
            "// @flow\nimport * as d3 from 'd3'\n\nexport type Ladder = {| name: string |}\n\n"
            f"export const ladder: Ladder = {literal}\n\n"
            "export const score = (points: number): number => points * 2\n")
    return Written(files)


LAYOUTS = {f.__name__: f for f in (
    md_levels_h2_areas_h3, md_areas_h2_levels_h3, md_file_per_level_weight, md_file_per_area,
    md_bold_lead_ins, md_table_levels_as_columns, md_table_levels_as_rows, md_numbered_items,
    md_paragraphs, md_semicolons, html_headings_lists, html_table_levels_as_columns,
    html_file_per_level, rst_sections, rst_grid_table, latex_sections, latex_tabular,
    xlsx_sheet_per_area, xlsx_grid, csv_grid, json_file_per_area, yaml_nested,
    yaml_list_positions, js_object_literal)}


def write(written: Written, folder: Path) -> Path:
    for name, content in written.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def try_layout(spec: Spec, layout: str, folder: Path) -> list[str]:
    """Write `spec` in `layout` under `folder`, import it, and say what went wrong."""
    from craftpath.core.formats import load
    from craftpath.core.formats.inputs import InputError

    written = LAYOUTS[layout](spec)
    write(written, folder)
    try:
        loaded = load([folder], hints=written.hints or None)
    except InputError as error:
        return [f"import failed: {error}"]
    return recovered(spec, loaded.framework, written)
