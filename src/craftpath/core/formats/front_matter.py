"""Markdown pages whose YAML front matter holds the framework — the Monzo progression shape:

    title: "🛠️ Backend Engineering Framework"
    levels: 6
    topics:
      - name: communication
        title: "💬 Communication"          (optional; the area's display name)
        content:
          - level: 1
            criteria: ["…", …]
            exampleCriteria: [{criteria: "…", examples: ["…"]}]

One page is one family (its title, emoji dropped). Each topic is an area; each criterion is a
statement, the plain `criteria` first and then those of `exampleCriteria` (their examples have
no place in the model and are counted in an info note). Level numbers run up with seniority. A
`levels:` count that disagrees with the levels present is reported, and so are level numbers
that do not run from 1. The page body below the front matter (an about page or FAQ repeated on
every page) is not framework data and is skipped with a note.

Front matter that is not valid YAML is reported with its line; reading then recovers as best it
can: a tab is replaced by spaces, any other offending line is left out, until the rest parses.

Hints:
  level_order=ascending|descending|document|reversed   how level numbers map to seniority
  separator=REGEX   split each criterion on REGEX (default: a criterion is one statement)
  name=TEXT         the framework's name
"""

from __future__ import annotations

import re

import yaml

from ..model import Area, Diagnostic, Framework, Level, Severity, Track
from ..text import normalise_space
from .budget import load_yaml
from .common import (
    CORE_TRACK,
    LevelLabel,
    LinedLoader,
    family_slugs,
    level_order,
    line_of,
    make_expectation,
    make_family,
    make_framework,
    note,
    plain_title,
    set_name,
    split_hint,
    split_text,
    unique_slug,
)
from .inputs import TextFile

NAME = "front-matter"

FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)^---[ \t]*$", re.DOTALL | re.MULTILINE)
MAX_REPAIRS = 50


def sniff(file: TextFile) -> str | None:
    match = FRONT_MATTER.match(file.text)
    if match and re.search(r"^topics:\s*$", match.group(1), re.MULTILINE):
        return "Markdown with YAML front matter holding `topics` → levels → criteria"
    return None


def read(files: list[TextFile],
         hints: dict | None = None) -> tuple[Framework | None, list[Diagnostic]]:
    hints = dict(hints or {})
    notes: list[Diagnostic] = []
    read_pages = []
    for file in files:
        page = _read_page(file, hints, notes)
        if page is not None:
            read_pages.append((file, page))
    if not read_pages:
        return None, notes
    slugs = family_slugs([(name, file.path) for file, (name, *_rest) in read_pages])
    families = [make_family(name, slug, levels, tracks, cells, file.source(1))
                for slug, (file, (name, levels, tracks, cells)) in zip(slugs, read_pages,
                                                                      strict=True)]
    name = set_name([file.path for file in files], hints, families)
    return make_framework(name, families, files[0].source(1)), notes


def parse_front_matter(file: TextFile, code: str,
                       notes: list[Diagnostic]) -> tuple[dict | None, int]:
    """The front matter as a mapping (repaired if need be) and the line the body starts on."""
    match = FRONT_MATTER.match(file.text)
    if not match:
        notes.append(note(code, Severity.ERROR, file.source(1),
                          "no front matter (--- … ---) at the top"))
        return None, 1
    body_line = file.text[: match.end()].count("\n") + 2
    lines = match.group(1).split("\n")
    for _ in range(MAX_REPAIRS):
        try:
            data = load_yaml("\n".join(lines), file.name, LinedLoader)
            break
        except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
            mark = getattr(error, "problem_mark", None)
            problem = getattr(error, "problem", None) or "invalid YAML"
            index = min(mark.line, len(lines) - 1) if mark else len(lines) - 1
            file_line = index + 2  # the opening --- is line 1
            if "\t" in lines[index]:
                lines[index] = lines[index].replace("\t", "  ")
                fix = "read after replacing the tab with spaces"
            else:
                lines[index] = "#"
                fix = "that line is left out"
            notes.append(note(code, Severity.WARNING, file.source(file_line),
                              f"front matter is not valid YAML at line {file_line}: "
                              f"{problem}; {fix}"))
    else:
        notes.append(note(code, Severity.ERROR, file.source(2),
                          "front matter could not be recovered; page skipped"))
        return None, body_line
    if data is None:
        data = {}
    if not isinstance(data, dict):
        notes.append(note(code, Severity.ERROR, file.source(2),
                          "front matter is not a set of `key: value` lines"))
        return None, body_line
    return data, body_line


def _read_page(file: TextFile, hints: dict, notes: list[Diagnostic]):
    front, body_line = parse_front_matter(file, "CP310", notes)
    if front is None:
        return None
    topics = front.get("topics")
    if not isinstance(topics, list) or not topics:
        notes.append(note("CP311", Severity.ERROR, file.source(2),
                          "front matter has no `topics` list; no levels to read"))
        return None
    family_name = plain_title(front.get("title")) or file.path.stem

    areas: list[Area] = []
    area_slugs: set[str] = set()
    texts: dict[tuple[str, int], list[str]] = {}
    sources = {}
    level_lines: dict[int, int] = {}
    examples = 0
    for index, topic in enumerate(topics):
        where = f"topics[{index}]"
        if not isinstance(topic, dict):
            notes.append(note("CP312", Severity.WARNING, file.source(2),
                              f"{where}: expected a mapping with name and content; skipped"))
            continue
        topic_line = line_of(topic) + 1
        key, _, description = _text(topic.get("name")).partition(": ")
        name = plain_title(topic.get("title")) or normalise_space(key)
        slug = unique_slug(key or name, area_slugs, f"area-{index + 1}")
        areas.append(Area(slug, name or slug, description=normalise_space(description),
                          source=file.source(topic_line)))
        content = topic.get("content")
        if not isinstance(content, list):
            notes.append(note("CP312", Severity.WARNING, file.source(topic_line),
                              f"{where} ({name}): no `content` list of levels"))
            continue
        for position, entry in enumerate(content):
            entry_where = f"{where}.content[{position}]"
            number = entry.get("level") if isinstance(entry, dict) else None
            if not isinstance(number, int) or isinstance(number, bool):
                notes.append(note("CP312", Severity.WARNING,
                                  file.source(line_of(entry) + 1 or topic_line),
                                  f"{entry_where}: no whole-number `level`; skipped"))
                continue
            level_lines.setdefault(number, line_of(entry) + 1)
            statements = texts.setdefault((slug, number), [])
            sources.setdefault((slug, number), file.source(line_of(entry) + 1))
            for text in _criteria(entry.get("criteria"), f"{entry_where}.criteria", file, notes):
                statements += split_text(text, lines=False, separator=split_hint(hints))
            for item in _list(entry.get("exampleCriteria")):
                text = _text(item.get("criteria")) if isinstance(item, dict) else _text(item)
                if isinstance(item, dict):
                    examples += len(_list(item.get("examples")))
                statements += split_text(text, lines=False, separator=split_hint(hints))

    numbers = sorted(level_lines)
    if not numbers:
        notes.append(note("CP313", Severity.ERROR, file.source(2), "no topic has any level"))
        return None
    _check_level_count(file, front, numbers, notes)
    levels = _levels(file, numbers, level_lines, hints)
    slug_of = {level.number: level.slug for level in levels}
    cells = [make_expectation(area, slug_of[number], statements, sources[(area, number)])
             for (area, number), statements in texts.items()]
    if examples:
        notes.append(note("CP315", Severity.INFO, file.source(2),
                          f"{examples} worked example(s) under exampleCriteria have no place in "
                          "the model and are not kept; their criteria are read as statements"))
    body = file.text.split("\n")[body_line - 1:]
    first = next((line.strip() for line in body if line.strip()), "")
    if first:
        notes.append(note("CP314", Severity.INFO, file.source(body_line),
                          f"the page body below the front matter ({first[:50]!r} …) is not "
                          "framework data; skipped"))
    tracks = [Track("all", CORE_TRACK, tuple(areas))]
    return family_name, levels, tracks, cells


def _check_level_count(file: TextFile, front: dict, numbers: list[int],
                       notes: list[Diagnostic]) -> None:
    declared = front.get("levels")
    if not isinstance(declared, int) or isinstance(declared, bool):
        return
    span = f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    if declared != len(numbers):
        notes.append(note("CP316", Severity.WARNING, file.source(2),
                          f"front matter says levels: {declared}, but {len(numbers)} level(s) "
                          f"are present (numbered {span})"))
    elif numbers != list(range(1, declared + 1)):
        notes.append(note("CP316", Severity.WARNING, file.source(2),
                          f"front matter says levels: {declared}, but the levels present are "
                          f"numbered {span}, not 1–{declared}"))


def _levels(file: TextFile, numbers: list[int], lines: dict[int, int], hints: dict):
    """Present levels by number, with a missing level for each hole in the numbering."""
    span = list(range(numbers[0], numbers[-1] + 1))
    labels = [LevelLabel(f"Level {number}", number, "") for number in span]
    levels = []
    for rank, index in enumerate(level_order(labels, hints)):
        number = span[index]
        present = number in lines
        levels.append(Level(f"level-{number}", f"Level {number}", rank, number,
                            missing=not present,
                            source=file.source(lines[number]) if present else file.source(0)))
    return levels


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _text(value) -> str:
    return "" if value is None or isinstance(value, dict | list) else str(value)


def _criteria(value, where: str, file: TextFile, notes: list[Diagnostic]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        value = [value]
    texts = []
    for item in value:
        if isinstance(item, dict | list):
            notes.append(note("CP312", Severity.WARNING, file.source(line_of(item) + 1),
                              f"{where}: a criterion is not text; skipped"))
            continue
        texts.append(_text(item))
    return texts
