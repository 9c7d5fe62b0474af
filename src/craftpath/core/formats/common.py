"""What every reader of someone else's format needs: level labels and their order, statement
splitting, cells and the framework around the families.

The readers of foreign formats (relational YAML, front matter, headings, JSON references, HTML,
grids) differ in how they find levels, areas and statements; once found, these are turned into
model objects here, the same way for all of them, so that one framework written in two shapes
reads as the same framework.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..model import (
    Diagnostic,
    Expectation,
    Family,
    Framework,
    Level,
    Severity,
    Source,
    Statement,
    Term,
    Track,
    in_grid_order,
    slugify,
    statement_id,
)
from ..text import find_terms, is_gap, normalise_space, split_statements
from .budget import MAX_DEPTH, check_data, load_yaml, too_deep
from .inputs import TextFile
from .jtd import CORE_TRACK, SENIORITY_WORDS

# CORE_TRACK is re-exported: the track for areas a format does not group, named as the seeds do.
__all__ = ["CORE_TRACK"]  # (the other names are imported from here by name)

# A level label: an optional short word, then a number, then perhaps a name.
# "Level 3 (Senior)", "L3: Senior engineer", "D1 - Developer 1", "TL4", "3".
LEVEL_CODE = re.compile(
    r"^\s*(?P<code>(?:[^\W\d_]{1,12}[ .\-]?)?(?P<number>\d{1,2}))(?![\d.,]\d)"
    r"(?=$|[\s:–—\-(|.,)])[\s:–—\-|.,]*(?P<rest>.*)$"
)
# Bullets and numbers that start a statement inside one text: "1.", "2)", "-", "*", "•".
ITEM_MARK = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•‣◦▪●–])\s+", re.MULTILINE)
LEADING_SYMBOLS = re.compile(r"^[^\w(\[\"'“‘]+")
TRAILING_SYMBOLS = re.compile(r"[^\w)\]\"'”’.!?]+$")


@dataclass(frozen=True)
class LevelLabel:
    code: str
    number: int | None
    name: str


def note(code: str, severity: Severity, source: Source, message: str) -> Diagnostic:
    return Diagnostic(code, severity, message, source)


def plain_title(text: object) -> str:
    """A title without the emoji and symbols that decorate it: "🛠️ Backend" gives "Backend"."""
    text = normalise_space(str(text or ""))
    return TRAILING_SYMBOLS.sub("", LEADING_SYMBOLS.sub("", text)).strip()


def level_label(text: str) -> LevelLabel | None:
    """The level a heading or header cell names, or None when it does not look like a level.

    A level label either starts with a number, perhaps after a short word ("Level 3",
    "D1 - Developer 1", "3"), or holds a seniority word ("Senior Engineer").
    """
    text = plain_title(text)
    if not text or len(text) > 80:
        return None
    numbered = LEVEL_CODE.match(text)
    if numbered:
        rest = numbered["rest"].strip()
        name = rest[1:-1].strip() if rest.startswith("(") and rest.endswith(")") else rest
        return LevelLabel(normalise_space(numbered["code"]), int(numbered["number"]), name)
    if seniority(text) is not None:
        return LevelLabel(text, None, "")
    return None


def seniority(text: str) -> int | None:
    """The place of a known seniority word in `text` (junior low), or None."""
    for word in slugify(text).split("-"):
        if word in SENIORITY_WORDS:
            return SENIORITY_WORDS[word]
    return None


def numbers_descend(labels: list[LevelLabel]) -> bool:
    """Whether numbers fall as seniority rises ("Level 1 (Head of)"): seniority words decide,
    otherwise a higher number is the more senior level, as most ladders count."""
    ranked = [(label.number, seniority(label.name or label.code)) for label in labels]
    ranked = [(number, word) for number, word in ranked if number is not None and word is not None]
    score = 0
    for i, (number_a, word_a) in enumerate(ranked):
        for number_b, word_b in ranked[i + 1:]:
            if number_a != number_b and word_a != word_b:
                score += 1 if (number_a < number_b) == (word_a < word_b) else -1
    return score < 0


def level_order(labels: list[LevelLabel], hints: dict | None = None) -> list[int]:
    """Indexes of `labels` from the most junior up.

    Numbered labels are ordered by number (direction from seniority words, or the hint
    `level_order=ascending|descending`); otherwise the document order is the seniority order,
    as every corpus framework lists its levels junior first (`level_order=reversed` flips it).
    """
    wanted = str((hints or {}).get("level_order", "")).lower()
    indexes = list(range(len(labels)))
    if wanted == "document":
        return indexes
    if wanted == "reversed":
        return indexes[::-1]
    if labels and all(label.number is not None for label in labels):
        descending = wanted == "descending" or (wanted != "ascending" and numbers_descend(labels))
        return sorted(indexes, key=lambda i: -labels[i].number if descending else labels[i].number)
    return indexes


def unique_slug(name: str, taken: set[str], fallback: str) -> str:
    """A slug for `name` not yet in `taken` (which it joins); `fallback` when the name has no
    ASCII letters (Korean, emoji only), numbered on repeats."""
    base = slugify(name) or fallback
    slug, count = base, 2
    while slug in taken:
        slug, count = f"{base}-{count}", count + 1
    taken.add(slug)
    return slug


def with_distinct_slugs(families: list[Family], notes: list[Diagnostic], code: str,
                        why: str) -> list[Family]:
    """The families with every repeated slug numbered, each rename noted with `code` and
    `why` (what made the slugs meet)."""
    taken: set[str] = set()
    distinct = []
    for family in families:
        slug = unique_slug(family.slug, taken, "family")
        if slug != family.slug:
            notes.append(Diagnostic(code, Severity.WARNING,
                                    f"family slug {family.slug!r} {why}; renamed {slug!r}",
                                    family.source))
            family = replace(family, slug=slug)
        distinct.append(family)
    return distinct


def make_level(label: LevelLabel, rank: int, taken: set[str], source: Source,
               title: str = "") -> Level:
    code = label.code
    slug = unique_slug(code, taken, f"level-{rank + 1}")
    return Level(slug, code, rank, label.number, label.name, title, source=source)


def split_text(text: str, *, lines: bool, separator: str | None = None) -> list[str]:
    """The statements in one text.

    With a `separator` (a regular expression from the hints) the text is split on it alone.
    Otherwise `<br>` always separates; when the text holds two or more items marked with a
    number or a bullet at a line start, each item is a statement (its continuation lines
    joined); else each line is a statement if `lines` (a spreadsheet cell), or the whole text
    is one statement (a YAML value, a paragraph).
    """
    text = str(text or "")
    if separator:
        try:
            parts = re.split(separator, text)
        except re.error:
            parts = [text]
        return [normalise_space(p) for p in parts if p and not is_gap(p)]
    statements: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for chunk in split_statements(text.replace("\n", "\x00")):
        chunk = chunk.replace("\x00", "\n")
        marks = list(ITEM_MARK.finditer(chunk))
        if marks and (len(marks) >= 2 or marks[0].start() == 0):
            head = chunk[: marks[0].start()]
            pieces = [head] + [chunk[m.end(): (marks[i + 1].start() if i + 1 < len(marks)
                                                else len(chunk))]
                               for i, m in enumerate(marks)]
        elif lines:
            pieces = chunk.split("\n")
        else:
            pieces = [chunk]
        statements += [normalise_space(p) for p in pieces if not is_gap(p)]
    return statements


def split_hint(hints: dict | None) -> str | None:
    value = (hints or {}).get("separator")
    return str(value) if value else None


def make_expectation(area: str, level: str, texts: list[str], source: Source,
                     raw: str = "") -> Expectation:
    """The cell (area, level) holding `texts`; a gap keeps what it said ("TODO")."""
    statements = tuple(
        Statement(statement_id(area, level, position), text,
                  tuple(slug for slug, _ in find_terms(text)), source)
        for position, text in enumerate(texts, start=1)
    )
    gap = normalise_space(raw)
    gap_text = gap if not statements and gap and is_gap(gap) else ""
    return Expectation(area, level, statements, gap_text, source)


def make_family(name: str, slug: str, levels: list[Level], tracks: list[Track],
                cells: list[Expectation], source: Source) -> Family:
    return Family(slug, name, tuple(levels), tuple(tracks),
                  in_grid_order(levels, tracks, cells), source=source)


def make_framework(name: str, families: list[Family], source: Source) -> Framework:
    """The framework around `families`, with the terms their statements mark with `*`."""
    terms: dict[str, Term] = {}
    for family in families:
        for statement in family.statements:
            for slug, term_name in find_terms(statement.text):
                terms.setdefault(slug, Term(slug, term_name, source=statement.source))
    return Framework(name=name or "Untitled framework", families=tuple(families),
                     terms=tuple(terms.values()), source=source)


def set_name(paths: list[Path], hints: dict | None, families: list[Family]) -> str:
    """The framework's name: the `name` hint, the only family's name, or the common folder."""
    if (hints or {}).get("name"):
        return str(hints["name"])
    if len(families) == 1:
        return families[0].name
    parents = {path.parent for path in paths}
    common = Path(*_common_parts([p.parts for p in parents])) if parents else Path()
    words = re.sub(r"[_\-.]+", " ", common.name).strip()
    return words[:1].upper() + words[1:] if words else "Imported framework"


def _common_parts(parts_list: list[tuple[str, ...]]) -> tuple[str, ...]:
    common = parts_list[0]
    for parts in parts_list[1:]:
        length = 0
        while length < min(len(common), len(parts)) and common[length] == parts[length]:
            length += 1
        common = common[:length]
    return common or ("",)


def family_slugs(names: list[tuple[str, Path]]) -> list[str]:
    """Slugs for families read one per file: from the name, or from the folder and file name
    when the name has no ASCII letters (Korean); a repeat (a translation in a sub-folder) is
    prefixed by its folder."""
    taken: set[str] = set()
    slugs = []
    for name, path in names:
        base = slugify(name) or slugify(f"{path.parent.name}-{path.stem}") or "family"
        slug = base
        if slug in taken:
            slug = unique_slug(f"{path.parent.name}-{base}", taken, base)
        taken.add(slug)
        slugs.append(slug)
    return slugs


def hint_int(hints: dict | None, key: str) -> int | None:
    value = (hints or {}).get(key)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class LinedDict(dict):
    """A mapping read from YAML that remembers the line it starts on, for diagnostics."""

    line = 0


class LinedLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (libyaml's when PyYAML has it: the pure-Python one spent minutes of
    the readers' fuzz test scanning), with mappings that know their line."""


def _construct_lined_map(loader: LinedLoader, node: yaml.MappingNode):
    data = LinedDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


LinedLoader.add_constructor("tag:yaml.org,2002:map", _construct_lined_map)


def line_of(value: object) -> int:
    return getattr(value, "line", 0)


def load_data(file: TextFile, code: str) -> tuple[object, list[Diagnostic]]:
    """The document in a YAML or JSON file (JSON by its suffix or first character), or None
    with a diagnostic naming the line of the syntax error."""
    text = file.text
    if file.path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "["):
        try:
            data = json.loads(text)
        except RecursionError:  # the decoder nests by recursion, to a thousand levels or so
            raise too_deep(file.name, "values", MAX_DEPTH) from None
        except ValueError as error:
            line = getattr(error, "lineno", 1)
            return None, [note(code, Severity.ERROR, file.source(line),
                               f"not valid JSON: {getattr(error, 'msg', error)}")]
        check_data(data, file.name)
        return data, []
    try:
        return load_yaml(text, file.name, LinedLoader), []
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "invalid YAML"
        return None, [note(code, Severity.ERROR, file.source(mark.line + 1 if mark else 1),
                           f"not valid YAML: {problem}")]
