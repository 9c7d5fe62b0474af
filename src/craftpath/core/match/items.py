"""Evidence items for `craftpath match`: one JSON object per line,
`{"id": …, "text": …, "level": …, "family": …}`, checked in full before anything is ranked so
that a bad file is refused with every bad line named."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Family, Framework
from .ranker import SCOPES, Matcher, MatchError, Query

MAX_TEXT = 20_000  # characters; the model reads the first ~100 words anyway


@dataclass(frozen=True)
class Item:
    id: object
    text: str
    family: Family
    level: str | None  # a level slug of the family


def _find_family(framework: Framework, value) -> Family | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return framework.families[value - 1] if 1 <= value <= len(framework.families) else None
    if isinstance(value, str):
        if value.strip().isdigit():
            return _find_family(framework, int(value))
        return framework.find_family(value)
    return None


def _problem(item: dict, framework: Framework, scope: str) -> tuple[str, Item | None]:
    if "id" not in item:
        return "no \"id\"", None
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        return "\"text\" must be a non-empty string", None
    if len(text) > MAX_TEXT:
        return f"\"text\" is longer than {MAX_TEXT} characters", None
    if item.get("family") is None:
        if len(framework.families) != 1:
            known = ", ".join(f.slug for f in framework.families)
            return f"\"family\" is needed: the framework has several ({known})", None
        family = framework.families[0]
    else:
        family = _find_family(framework, item["family"])
        if family is None:
            known = ", ".join(f.slug for f in framework.families)
            return f"no family {item['family']!r} (known: {known})", None
    level_value = item.get("level")
    if level_value is None or level_value == "":
        if scope == "next":
            return "\"level\" is needed with --scope next", None
        return "", Item(item["id"], text, family, None)
    if isinstance(level_value, bool) or not isinstance(level_value, str | int):
        return "\"level\" must be a code, number, name or slug", None
    level = family.find_level(str(level_value))
    if level is None:
        known = ", ".join(lvl.label for lvl in family.present_levels)
        return f"no level {level_value!r} in {family.name} (known: {known})", None
    return "", Item(item["id"], text, family, level.slug)


def read_items(lines: Iterable[str], framework: Framework, scope: str,
               source: str = "<input>") -> list[Item]:
    """The items of a JSON-lines file; blank lines are skipped. Raises MatchError naming every
    bad line (`items.jsonl:3: …`) when any line is bad."""
    if scope not in SCOPES:
        raise MatchError(f"unknown scope {scope!r} (known: {', '.join(SCOPES)})")
    items, problems = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{source}:{number}: not JSON ({error.msg}, column {error.colno})")
            continue
        if not isinstance(data, dict):
            problems.append(f"{source}:{number}: expected a JSON object")
            continue
        problem, item = _problem(data, framework, scope)
        if problem:
            problems.append(f"{source}:{number}: {problem}")
        else:
            items.append(item)
    if problems:
        raise MatchError("\n".join(problems))
    return items


def match_items(items: list[Item], scope: str, top: int, make_matcher) -> list[dict]:
    """`{"id", "suggestions": [{"statement", "score", "why"}]}` per item, in input order.
    `make_matcher(family)` gives the matcher of a family (made once per family)."""
    matchers: dict[str, Matcher] = {}
    by_family: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        by_family.setdefault(item.family.slug, []).append(index)
    results: list[dict | None] = [None] * len(items)
    for slug, indexes in by_family.items():
        family = items[indexes[0]].family
        matcher = matchers.setdefault(slug, make_matcher(family))
        found = matcher.suggest_many([Query(items[i].text, items[i].level, scope, top)
                                      for i in indexes])
        for index, suggestions in zip(indexes, found, strict=True):
            results[index] = {"id": items[index].id,
                              "suggestions": [s.as_json() for s in suggestions]}
    return results
