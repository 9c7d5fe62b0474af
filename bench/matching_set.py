"""The evaluation set for the evidence assistant: pairs of (evidence text -> the statements it
illustrates), built from worked examples in the shared corpus, never edited by hand.

Two sources:
- Monzo's front matter pairs a statement with examples (`exampleCriteria`: criteria + examples).
  The framework is read with craftpath's own front-matter reader; each example's gold is the
  statement whose text is the criteria. "Criteria for sublevel A" labels (customer operations)
  are not statements a piece of evidence could illustrate, so they are left out. The four
  engineering families share a few criteria with the same examples; such a pair is kept once
  (in the first family, by file name), else one example would count four times and could sit
  in both halves of the split.
- Medium's snowflake gives each milestone of a track a summary, signals and example tasks. No
  craftpath reader takes a JavaScript literal, so this script reads the `tracks` literal itself
  into the model: a family whose levels are the five milestones, whose areas are the tracks and
  whose statements are the summary and signals; each example's gold is its milestone's
  statements.

Half the pairs are held out for measurement. The split is by area (family + area), decided by a
hash, so that no test example shares an area with the examples a ranker was tuned on.

    .venv/bin/python bench/matching_set.py [--write FILE.jsonl]   # counts, or the pairs
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from craftpath.core.formats import load
from craftpath.core.model import Area, Expectation, Family, Framework, Level, Statement, Track

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SUBLEVEL_LABEL = re.compile(r"^criteria for sublevel", re.IGNORECASE)


@dataclass(frozen=True)
class Pair:
    id: str
    text: str  # the evidence
    source: str  # "monzo" or "snowflake"
    family: str  # family slug within the source's framework
    level: str  # level slug of the gold statements
    area: str
    gold: tuple[str, ...]  # statement ids the text illustrates
    split: str  # "dev" (tune on it) or "test" (measure on it)


def split_of(source: str, family: str, area: str) -> str:
    digest = hashlib.sha256(f"{source}/{family}/{area}".encode()).digest()
    return "test" if digest[0] % 2 else "dev"


def _front_matter(path: Path):
    text = path.read_text(encoding="utf-8")
    parts = text.split("---", 2)
    if len(parts) < 3:
        return None
    try:
        return yaml.safe_load(parts[1])
    except yaml.YAMLError:
        return None  # people.md has a tab in it; it has no worked examples either


def monzo_pairs(corpus: Path) -> tuple[Framework, list[Pair]]:
    folder = corpus / "monzo__progression-framework"
    framework = load([folder]).framework
    by_text: dict[str, list[tuple[Family, Statement, Expectation]]] = {}
    for family in framework.families:
        for cell in family.expectations:
            for statement in cell.statements:
                by_text.setdefault(statement.text.strip(), []).append((family, statement, cell))
    pairs, seen = [], set()
    for path in sorted(folder.rglob("*.md")):
        data = _front_matter(path)
        if not isinstance(data, dict):
            continue
        title = str(data.get("title") or "")
        for topic in data.get("topics") or []:
            for content in topic.get("content") or []:
                for worked in content.get("exampleCriteria") or []:
                    criteria = str(worked.get("criteria") or "").strip()
                    if not criteria or SUBLEVEL_LABEL.match(criteria):
                        continue
                    found = _statement_in(by_text.get(criteria, []), title)
                    if found is None:
                        sys.exit(f"{path}: no statement reads {criteria!r}")
                    family, statement, cell = found
                    for number, example in enumerate(worked.get("examples") or [], 1):
                        if (criteria, str(example).strip()) in seen:
                            continue
                        seen.add((criteria, str(example).strip()))
                        pairs.append(Pair(
                            id=f"monzo/{statement.id}/{family.slug}/{number}",
                            text=str(example).strip(), source="monzo", family=family.slug,
                            level=cell.level, area=cell.area, gold=(statement.id,),
                            split=split_of("monzo", family.slug, cell.area)))
    return framework, pairs


def _statement_in(candidates, title: str):
    """The statement with this text in the family read from the page titled `title` (the same
    criteria can appear in several Monzo families)."""
    wanted = re.sub(r"[^a-z]+", " ", title.lower()).split()
    for family, statement, cell in candidates:
        name = set(re.sub(r"[^a-z]+", " ", family.name.lower()).split())
        if name & set(wanted) - {"framework", "engineering"} or len(candidates) == 1:
            return family, statement, cell
    return candidates[0] if candidates else None


def _js_literal(source: str, name: str):
    """The object literal `export const NAME: Type = {...}` as data: JSON once the trailing
    commas are dropped (snowflake's literal quotes every key and string)."""
    start = source.index("{", source.index(f"export const {name}"))
    depth, end, quoted, escaped = 0, start, "", False
    for index in range(start, len(source)):
        char = source[index]
        if quoted:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quoted:
                quoted = ""
        elif char in "\"'`":
            quoted = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                end = index + 1
                break
    body = re.sub(r",(\s*[}\]])", r"\1", source[start:end])
    return json.loads(body)


def snowflake_pairs(corpus: Path) -> tuple[Framework, list[Pair]]:
    tracks = _js_literal((corpus / "Medium__snowflake" / "constants.js").read_text("utf-8"),
                         "tracks")
    levels = tuple(Level(slug=f"milestone-{n}", code=f"Milestone {n}", rank=n - 1, number=n)
                   for n in range(1, 6))
    areas, cells, pairs = [], [], []
    for key, track in tracks.items():
        area = key.lower().replace("_", "-")
        areas.append(Area(slug=area, name=track["displayName"],
                          description=track.get("description", "")))
        for number, milestone in enumerate(track["milestones"], 1):
            level = f"milestone-{number}"
            texts = [milestone["summary"], *milestone["signals"]]
            statements = tuple(Statement(f"{area}.{level}.{i}", text.strip())
                               for i, text in enumerate(texts, 1))
            cells.append(Expectation(area, level, statements))
            for i, example in enumerate(milestone["examples"], 1):
                pairs.append(Pair(id=f"snowflake/{area}.{level}/{i}", text=example.strip(),
                                  source="snowflake", family="snowflake", level=level,
                                  area=area, gold=tuple(s.id for s in statements),
                                  split=split_of("snowflake", "snowflake", area)))
    family = Family(slug="snowflake", name="Medium engineering growth", levels=levels,
                    tracks=(Track("all", "All", tuple(areas)),), expectations=tuple(cells))
    return Framework(name="Medium snowflake", families=(family,)), pairs


def build(corpus: Path = CORPUS) -> tuple[dict[str, Framework], list[Pair]]:
    """The frameworks by source name, and every pair."""
    if not corpus.is_dir():
        sys.exit(f"expected the shared corpus at {corpus}")
    monzo, monzo_set = monzo_pairs(corpus)
    snowflake, snowflake_set = snowflake_pairs(corpus)
    return {"monzo": monzo, "snowflake": snowflake}, monzo_set + snowflake_set


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the pairs as JSON lines")
    args = parser.parse_args()
    _, pairs = build()
    for source in ("monzo", "snowflake"):
        for split in ("dev", "test"):
            count = sum(p.source == source and p.split == split for p in pairs)
            print(f"{source:10} {split:5} {count:4} pairs")
    if args.write:
        with args.write.open("w", encoding="utf-8") as out:
            for pair in pairs:
                out.write(json.dumps(pair.__dict__, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
