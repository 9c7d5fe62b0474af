"""One inference over the section tree: which sections are levels, which are areas, which
are tracks and families, and which content blocks are statements.

It reads structure first:
- sibling sections that repeat the same child names (`## Level 1` / `### Communication` on
  every level; one file per area each with `## Junior` … `## Senior`; table rows that share
  their columns) make a grid: the parents are one axis and the repeated children the other;
- failing that, a series of sibling sections holding content (file names or headings with a
  number, front-matter `weight`, seniority words) is a level axis on its own;
- the axis that looks more like levels (numbers, an explicit order, seniority words — words
  only add weight, they never decide alone that something cannot be a level) holds the levels;
- parents whose names repeat (a `Level 1` in each of three files) are split into families
  when the repeats are in different files or folders, and into tracks when they are headings
  of one page (tracks as H1).

Hints (`document.HINT_KEYS`) state an axis outright and are applied before detection.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import normalise_key
from ..text import normalise_space
from .sections import Entry, Section, left_out_reason

SENIORITY = {
    "intern": 0, "trainee": 0, "apprentice": 0, "novice": 0, "beginner": 0, "entry": 0,
    "graduate": 1, "junior": 1, "associate": 1, "jr": 1, "assistant": 1,
    "mid": 2, "middle": 2, "medior": 2, "journeyman": 2, "journeyperson": 2,
    "intermediate": 2, "regular": 2, "competent": 2,
    "proficient": 3, "senior": 3, "sr": 3, "advanced": 3, "experienced": 3,
    "staff": 4, "lead": 4, "expert": 4, "manager": 4, "specialist": 3,
    "principal": 5, "architect": 5, "master": 5, "distinguished": 6, "fellow": 7,
    "head": 6, "director": 7, "vp": 8, "vice": 8, "president": 8, "chief": 9, "cto": 9,
}
ROMAN = re.compile(r"\b(i{1,3}|iv|v|vi{1,3}|ix|x)\b", re.I)
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
PLACEHOLDER = re.compile(r"^(todo|tbd|tbc|n/?a|none|-+|—|–|\.\.\.|…|no expectations?( yet)?|"
                         r"placeholder|coming soon|to be (defined|decided|added|written))\W*$",
                         re.I)
EXAMPLE_LEAD = re.compile(r"^(for example|e\.g\.|for instance|examples?)\b", re.I)
DEFAULT_AREA = "Expectations"


@dataclass
class Axis:
    """The sections that are levels and those that are areas, and where families start."""

    levels: list[Section]
    areas: list[Section]  # empty: areas come from inner sections, lead-ins or the default
    outer_is_level: bool
    lead_areas: bool = False
    how: str = ""


@dataclass
class InferredFamily:
    name: str
    root: Section
    levels: list[str] = field(default_factory=list)  # junior first
    level_orders: dict[str, float] = field(default_factory=dict)
    # (track, area, level) -> [(text, entry)]
    cells: dict[tuple[str, str, str], list[tuple[str, Entry]]] = field(default_factory=dict)
    areas: list[tuple[str, str]] = field(default_factory=list)  # (track, area), first seen
    how: str = ""
    warnings: list[tuple[Section, str]] = field(default_factory=list)
    role: str = ""  # the role its level names share, when ladders share one root


class InferenceError(Exception):
    """Nothing in the input has the shape of a framework; the message says what was seen."""


# --- level-likeness ------------------------------------------------------------------------------

def number_in(name: str) -> float | None:
    found = re.search(r"\d+(?:\.\d+)?", name)
    if found:
        return float(found.group())
    roman = ROMAN.search(name)
    if roman and len(name.split()) <= 4:
        return float(_roman(roman.group(1)))
    for word, value in ORDINALS.items():
        if re.search(rf"\b{word}\b", name, re.I):
            return float(value)
    return None


def _roman(text: str) -> int:
    values = {"i": 1, "v": 5, "x": 10}
    total, previous = 0, 0
    for ch in reversed(text.lower()):
        value = values[ch]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total


def seniority(name: str) -> int | None:
    words = re.findall(r"[a-z]+", name.lower())
    found = [SENIORITY[w] for w in words if w in SENIORITY]
    return max(found) if found else None


def level_score(sections: list[Section]) -> float:
    names = list(dict.fromkeys(s.name for s in sections))
    if len(names) < 2:
        return -1.0
    score = 0.0
    numbers = [number_in(n) for n in names]
    with_numbers = [n for n in numbers if n is not None]
    if len(with_numbers) >= 0.8 * len(names) and len(set(with_numbers)) >= 2:
        score += 1.5
    if all(s.order is not None for s in sections):
        score += 1.5
    words = sum(1 for n in names if seniority(n) is not None)
    score += words / len(names)
    if any(left_out_reason(n) for n in names):
        score -= 1
    long_names = sum(1 for n in names if len(n.split()) > 6)
    score -= long_names / len(names)
    return score


# --- finding the axes ----------------------------------------------------------------------------

def _content_children(section: Section) -> list[Section]:
    return [c for c in section.children
            if c.statement_like() and not left_out_reason(c.name)]


def find_grids(root: Section) -> list[tuple[list[Section], list[str]]]:
    """Groups of sections (parents) that repeat the same child names, with those names; the
    groups covering the most content first."""
    # a section named as no content (a glossary, an appendix) is never a level or a ladder
    candidates = [s for s in root.walk() if _content_children(s) and not left_out_reason(s.name)]
    groups: list[tuple[list[Section], list[str]]] = []
    used: set[int] = set()
    for seed in candidates:
        if id(seed) in used:
            continue
        seed_names = {c.key for c in _content_children(seed)}
        members = [seed]
        for other in candidates:
            if other is seed or id(other) in used:
                continue
            if other.descriptor != seed.descriptor:
                continue
            names = {c.key for c in _content_children(other)}
            overlap = len(seed_names & names)
            if overlap >= min(2, len(seed_names)) and overlap >= 0.5 * len(names) and \
                    overlap >= 0.3 * len(seed_names):
                members.append(other)
        if len(members) < 2:
            continue
        members = [m for m in members if not any(a in members for a in m.ancestors)]
        if len(members) < 2:
            continue
        members += _differing_siblings(members, candidates, used)
        used.update(id(m) for m in members)
        inner: list[str] = []
        counts: dict[str, int] = {}
        for member in members:
            for child in _content_children(member):
                counts[child.key] = counts.get(child.key, 0) + 1
                if child.key not in inner:
                    inner.append(child.key)
        inner = [k for k in inner if counts[k] >= 2 or len(members) == 2]
        if inner:
            groups.append((members, inner))
    groups = [g for g in groups if not _nested_grid_covers(g, groups)]
    # a grid of one repeated child name (a wrapper folder, a lone sub-heading) is weaker
    # evidence than one whose members share several
    groups.sort(key=lambda g: -sum(m.statement_like() for m in g[0]) * (1 if len(g[1]) > 1
                                                                      else 0.5))
    return groups


def _differing_siblings(members: list[Section], candidates: list[Section],
                        used: set[int]) -> list[Section]:
    """Files beside a grid's files (one level per file) whose sections differ from theirs
    (a manager's page with its own areas): still levels, with what they hold, when their
    name reads as a level's (short, with a number or a seniority word) and most files of
    their folder are in the grid."""
    if not all(m.kind == "file" for m in members):
        return []
    found = []
    for parent in {id(m.parent): m.parent for m in members if m.parent}.values():
        files = [c for c in parent.children if c.kind == "file" and c.statement_like()]
        inside = [c for c in files if c in members]
        if len(inside) < 2 or len(inside) < 0.6 * len(files):
            continue
        found += [c for c in files if c not in members and id(c) not in used and
                  c in candidates and len(c.name.split()) <= 5 and not left_out_reason(c.name)
                  and (number_in(c.name) is not None or seniority(c.name) is not None)]
    return found


def _nested_grid_covers(outer, groups) -> bool:
    """Whether another group sits right inside this one's members and holds nearly all their
    content: then that one is the grid (`## Level` / `### Area` on every page) and this
    group's members (the pages) are families or tracks around it."""
    members = outer[0]
    ids = {id(m) for m in members}
    total = sum(m.statement_like() for m in members)
    # a group whose members all share one name (`## Results` on every level's page) is a
    # heading repeated inside each member, not a grid of its own, when this group's members
    # repeat several names (a lone repeated name, `milestones:` in each area, is a wrapper)
    several = len(outer[1]) > 1
    inside = sum(sum(m.statement_like() for m in other[0]) for other in groups
                 if other is not outer and (len({m.key for m in other[0]}) > 1 or not several)
                 and all(any(id(a) in ids for a in m.ancestors) for m in other[0]))
    return inside >= 0.8 * total


def _display(members: list[Section]) -> list[Section]:
    """Each member, or its nearest ancestor when all members share one name: a wrapper
    heading or key (`### Responsibilities` in each level's file). A file or sheet is named by
    its own title, never by its folder or workbook (a family per folder may hold one area)."""
    if len({m.key for m in members}) > 1 or len(members) < 2 or \
            any(m.kind in ("file", "sheet", "folder") for m in members):
        return members
    climbed = [m.parent if m.parent and m.parent.kind != "root" else m for m in members]
    return climbed


def _holds_ladders(section: Section, score: float) -> bool:
    """Whether two or more of the children hold a series that reads more like levels than
    the children themselves: those children are ladders (a file per role, each with its
    numbered levels), not the levels of one."""
    inner = 0
    for child in _content_children(section):
        grand = _content_children(child)
        if len(grand) >= 2 and level_score(grand) > max(score, 0.5):
            inner += 1
    return inner >= 2


def all_series(root: Section) -> list[Section]:
    """Every parent whose children read as a series of levels, the largest first."""
    found = [s for s in root.walk() if len(_content_children(s)) >= 2
             and level_score(_content_children(s)) > 0.5
             and not _holds_ladders(s, level_score(_content_children(s)))]
    return sorted(found, key=lambda s: -s.statement_like())


def find_series(root: Section) -> Section | None:
    """The parent whose children hold content directly and read as a series of levels."""
    best, best_score = None, 0.0
    for section in root.walk():
        children = _content_children(section)
        if len(children) < 2:
            continue
        score = level_score(children)
        if score > 0.5 and not _holds_ladders(section, score) and (best is None or
                            section.statement_like() > best.statement_like() or
                            section.statement_like() == best.statement_like() and
                            score > best_score):
            best, best_score = section, score
    return best


def grid_axes(root: Section, hints: dict) -> list[Axis]:
    """An axis per group of repeating sections, the largest first; a later group inside an
    earlier one's sections (or around them) is not another family and is dropped."""
    axes: list[Axis] = []
    claimed: list[Section] = []
    for members, inner in find_grids(root):
        if any(m is c or c in m.ancestors or m in c.ancestors for m in members for c in claimed):
            continue
        children = [c for m in members for c in _content_children(m) if c.key in inner]
        outer_score = level_score(_display(members))
        inner_score = level_score(children)
        if outer_score < 0 and inner_score < 0:
            continue
        if axes and sum(m.statement_like() for m in members) < 3:
            continue
        tables = all(m.kind == "row" for m in members)
        outer_is_level = outer_score > inner_score or (outer_score == inner_score and not tables)
        if not outer_is_level and (hints.get("area") == "bold-lead-in" or
                                   _leads_repeat(children)):
            continue  # the areas are lead-ins inside each level: the parents are ladders
        how = (f"{_describe(members)} repeating the same {_describe(children)}; "
               f"levels are the {'former' if outer_is_level else 'latter'}")
        if outer_is_level:
            axes.append(Axis(members, [], True, hints.get("area") == "bold-lead-in", how))
        else:
            axes.append(Axis(children, members, False, how=how))
        claimed.extend(members)
    return axes


def choose_axes(root: Section, hints: dict) -> list[Axis]:
    """The axes of every family: from hints, else every grid found, else every series (a
    ladder per page, each a series of level headings)."""
    if hints.get("level") or (hints.get("area") and hints["area"] != "bold-lead-in"):
        return [choose_axis(root, hints)]
    grids = grid_axes(root, hints)
    if grids:
        # a file or folder whose ladder is a series (level headings holding lists) beside
        # files that form grids is kept: each complete ladder is considered on its own
        taken = [s for axis in grids for s in axis.levels + axis.areas]
        known = {s.key for axis in grids for s in axis.levels}
        grid_files = {s.file for s in taken}
        series = _series_axes(root, taken, known)
        return grids + [axis for axis in series
                        if not {s.file for s in axis.levels} & grid_files]
    first = choose_axis(root, hints)
    axes = [first]
    if first.outer_is_level and first.levels and first.levels[0].parent is not None:
        axes += _series_axes(root, [first.levels[0].parent])
    return axes


def _series_axes(root: Section, taken: list[Section], known: set[str] = frozenset()
                 ) -> list[Axis]:
    """An axis for every series of levels that neither holds nor sits in a taken section.
    A series naming only `known` levels with one line each (a table defining the levels
    beside the ladder) is a legend, not another ladder."""
    axes = []
    taken = list(taken)
    for parent in all_series(root):
        if any(parent is t or t in parent.ancestors or parent in t.ancestors for t in taken):
            continue
        levels = _content_children(parent)
        if all(s.key in known and s.statement_like() <= 1 for s in levels):
            continue
        axes.append(Axis(levels, [], True, True, f"a series of {_describe(levels)} "
                                                 "holding content"))
        taken.append(parent)
    return axes


def choose_axis(root: Section, hints: dict) -> Axis:
    level_hint, area_hint = hints.get("level"), hints.get("area")
    if level_hint:
        levels = [s for s in root.walk() if s.descriptor == level_hint and s.statement_like()]
        if not levels:
            raise InferenceError(f"hint level={level_hint}: no section of that kind holds "
                                 "content")
        areas = ([s for s in root.walk() if s.descriptor == area_hint and s.statement_like()]
                 if area_hint and area_hint != "bold-lead-in" else [])
        if not area_hint:  # levels inside headings or rows: those are the areas
            parents = list({id(lv.parent): lv.parent for lv in levels if lv.parent}.values())
            if len(parents) >= 2 and all(p.kind in ("heading", "row", "sheet", "column")
                                         for p in parents):
                areas = parents
        outer = not areas or all(any(a in lv.ancestors for lv in levels) for a in areas)
        return Axis(levels, areas, outer, area_hint == "bold-lead-in",
                    f"levels from the hint level={level_hint}")
    if area_hint and area_hint != "bold-lead-in":
        areas = [s for s in root.walk() if s.descriptor == area_hint and s.statement_like()]
        if not areas:
            raise InferenceError(f"hint area={area_hint}: no section of that kind holds content")
        levels = [c for a in areas for c in _content_children(a)]
        if not levels:
            raise InferenceError(f"hint area={area_hint}: the areas hold no level sections")
        return Axis(levels, areas, False, how=f"areas from the hint area={area_hint}")

    grids = grid_axes(root, hints)
    if grids:
        return grids[0]
    series = find_series(root)
    if series is not None and series.kind == "row":  # one table row: it is the area
        return Axis(_content_children(series), [series], False,
                    how=f"one table row across {_describe(_content_children(series))}")
    if series is not None:
        levels = _content_children(series)
        return Axis(levels, [], True, True,
                    f"a series of {_describe(levels)} holding content")
    raise InferenceError("no levels found: no sections repeat the same sub-sections and "
                         "no series of numbered, ordered or titled sections holds content")


def _describe(sections: list[Section]) -> str:
    kinds = {s.descriptor for s in sections}
    kind = "/".join(sorted(kinds))
    return f"{len({s.key for s in sections})} {kind} sections"


# --- assigning cells -----------------------------------------------------------------------------

def assign(root: Section, axis: Axis, hints: dict) -> list[InferredFamily]:
    level_ids = {id(s) for s in axis.levels}
    area_ids = {id(s) for s in axis.areas}
    named_as = axis.levels if axis.outer_is_level else axis.areas
    display = {id(m): d for m, d in zip(named_as, _display(named_as), strict=True)}
    # a wrapper repeated around every level (`### Responsibilities` in each level's file) is
    # named by what is around it: families are found from those names, not the wrapper's
    outer = [display[id(s)] for s in named_as] if axis.outer_is_level else axis.areas
    family_roots = _family_roots(root, outer, hints, axis.levels)
    families = []
    own_levels: dict[int, set[int]] = {}  # a family's level sections, when it shares its root
    for family_root, name in family_roots:
        inside = [s for s in family_root.walk() if id(s) in level_ids]
        roles = _role_groups([display.get(id(s), s).name for s in inside]) \
            if not hints.get("family") else []
        for role, names in roles or [("", set())]:
            family = InferredFamily(role or name, family_root, how=axis.how, role=role)
            families.append(family)
            for section in inside:
                level_name = display.get(id(section), section).name
                if not role or level_name in names:
                    _add_level(family, level_name, section)
                    own_levels.setdefault(id(family), set()).add(id(section))
    split = hints.get("split")
    positions = _lead_positions(axis.levels) if axis.lead_areas else {}
    for family in families:
        for section in family.root.walk():
            for entry in section.content:
                if entry.role:
                    continue
                chain = [section] + section.ancestors
                chain = chain[: next((i for i, s in enumerate(chain) if s is family.root),
                                     len(chain))]
                level = next((s for s in chain if id(s) in level_ids), None)
                if level is None or id(level) not in own_levels.get(id(family), ()):
                    continue
                if axis.areas:
                    area_section = next((s for s in chain if id(s) in area_ids), None)
                    if area_section is None:
                        entry.role, entry.reason = "left-out", "not under an area"
                        continue
                    area = display.get(id(area_section), area_section).name
                    track = _track_between(chain, area_section, family.root)
                    below = chain[: chain.index(level)] if axis.outer_is_level is False else []
                else:
                    below = chain[: chain.index(level)]
                    if entry.kind == "para" and _content_children(section):
                        entry.role, entry.reason = "left-out", "an introduction to sub-sections"
                        continue
                    inner = [s for s in below if not left_out_reason(s.name)]
                    if inner:
                        area = inner[0].name
                        track = inner[-1].name if len(inner) > 1 else ""
                        if not track:
                            track = _track_above(chain, display.get(id(level), level),
                                                 family.root)
                    elif axis.lead_areas and entry.block is not None and entry.block.lead and \
                            _repeated_lead(entry.block.lead, axis.levels, family):
                        area, track = entry.block.lead, ""
                    elif id(entry) in positions:
                        area, track = f"Area {positions[id(entry)]}", ""
                        if not family.warnings:
                            family.warnings.append((level, (
                                "bold lead-ins change from level to level, so each is read "
                                "as the area of its position (Area 1, Area 2…); name the "
                                "areas with a README defining the keywords, or a hint")))
                    else:
                        area, track = "", ""
                        if entry.kind == "para" and _holds_a_list(section):
                            # a level that is a list: prose beside it introduces or notes
                            entry.role, entry.reason = "left-out", "a level's introduction"
                            continue
                excluded = next((left_out_reason(s.name) for s in below
                                 if left_out_reason(s.name)), "")
                if excluded:
                    entry.role, entry.reason = "left-out", excluded
                    continue
                level_name = display.get(id(level), level).name
                _place(family, entry, track, area, level_name, split)
    return [f for f in families if f.cells]


def _role_key(name: str) -> tuple[str, str, float] | None:
    """(code prefix, role words, number) of a level name: `IC5 Staff Software Engineer` is
    ("ic", "software engineer", 5), `M6 Engineering Director` ("m", "engineering", 6). The
    number's token gives the prefix; seniority words and roman numerals are not the role."""
    words = re.findall(r"[A-Za-z]+\d+(?:\.\d+)?[a-z]?|\d+(?:\.\d+)?|[A-Za-z]+", name)
    numbered = [w for w in words if any(ch.isdigit() for ch in w)]
    if len(numbered) != 1:
        return None
    code = numbered[0]
    prefix = re.match(r"[A-Za-z]*", code).group().lower()
    role = [w.lower() for w in words if w is not code and w.lower() not in SENIORITY
            and not ROMAN.fullmatch(w)]
    return prefix, " ".join(role), number_in(code)


def _role_groups(names: list[str]) -> list[tuple[str, set[str]]]:
    """Ladders that share one folder or page, told apart by their level names: when two
    different level names carry the same code and number (`IC1 Software Engineer`, `IC1 Data
    Engineer`), the levels are grouped by code and role words, one ladder each. Nothing when
    the numbers do not repeat (one ladder whose titles change), or a group would not be a
    ladder (one level, or a number twice)."""
    distinct = list(dict.fromkeys(names))
    keys = {n: _role_key(n) for n in distinct}
    if len(distinct) < 4 or any(k is None for k in keys.values()):
        return []
    numbers = [(k[0], k[2]) for k in keys.values()]
    if len(set(numbers)) == len(numbers):
        return []
    groups: dict[tuple[str, str], list[str]] = {}
    for name, (prefix, role, _) in keys.items():
        groups.setdefault((prefix, role), []).append(name)
    if len(groups) < 2 or any(len(g) < 2 or len({keys[n][2] for n in g}) < len(g)
                              for g in groups.values()):
        return []
    return [(_role_name(g), set(g)) for g in groups.values()]


def _role_name(names: list[str]) -> str:
    """The words the level names of one ladder share, in the first name's spelling."""
    words = [re.findall(r"\S+", n) for n in names]
    shared = [w for w in words[0] if all(w in other for other in words[1:])
              and not any(ch.isdigit() for ch in w)]
    return " ".join(shared) or names[0]


def _holds_a_list(section: Section) -> bool:
    return any(e.kind == "item" for e in section.content)


def _leads_repeat(levels: list[Section]) -> bool:
    """Whether most content under these levels opens with a bold lead-in, the same lead-ins
    coming back from level to level (areas as `**Area:** text`)."""
    items = [e for level in levels for e in level.entries() if e.kind in ("item", "para")
             and not _is_data(e)]
    leads = [e for e in items if e.block is not None and e.block.lead]
    if not items or len(leads) < 0.6 * len(items):
        return False
    names = {}
    for level in levels:
        for e in level.entries():
            if e.block is not None and e.block.lead:
                names.setdefault(normalise_key(e.block.lead), set()).add(level.key)
    return sum(1 for keys in names.values() if len(keys) >= 2) >= 0.5 * len(names)


def _lead_positions(levels: list[Section]) -> dict[int, int]:
    """Lead-in items by position when every level holds the same number (two or more) of
    them and their keywords do not repeat: the k-th lead-in of each level is one area."""
    per_level = [[e for e in level.content if e.kind == "item" and e.block is not None
                  and e.block.lead and e.block.depth == 0] for level in levels]
    counts = {len(items) for items in per_level}
    if len(levels) < 2 or len(counts) != 1 or counts.pop() < 2:
        return {}
    keys = [normalise_key(e.block.lead) for items in per_level for e in items]
    if len(set(keys)) < len(keys) * 0.75:
        return {}
    return {id(e): k for items in per_level for k, e in enumerate(items, start=1)}


def _repeated_lead(lead: str, levels: list[Section], family: InferredFamily) -> bool:
    """A bold lead-in is an area when it opens content under at least two levels."""
    key = normalise_key(lead)
    seen = 0
    for level in levels:
        if any(e.block is not None and normalise_key(e.block.lead) == key
               for e in level.entries()):
            seen += 1
            if seen >= 2:
                return True
    return False


def _track_above(chain: list[Section], level: Section, family_root: Section) -> str:
    """A heading between the family and its level (`# Backend` / `## Level 1`): a track."""
    if level not in chain:
        return ""
    for section in chain[chain.index(level) + 1:]:
        if section is family_root:
            break
        if section.kind in ("heading", "sheet"):
            return section.name
    return ""


def _track_between(chain: list[Section], area: Section, family_root: Section) -> str:
    above = chain[chain.index(area) + 1:]
    for section in above:
        if section.kind in ("heading", "sheet", "folder") and section is not family_root:
            return section.name
    return ""


def _add_level(family: InferredFamily, name: str, section: Section) -> None:
    if name not in family.levels:
        family.levels.append(name)
    order = section.order if section.order is not None else section.number
    if order is not None:
        family.level_orders[name] = min(order, family.level_orders.get(name, order))


def _place(family: InferredFamily, entry: Entry, track: str, area: str, level: str,
           split: str | None) -> None:
    text = normalise_space(entry.text)
    block = entry.block
    if entry.kind in ("comment", "code"):
        entry.role, entry.reason = "left-out", entry.kind
        return
    if block is not None and block.lead and left_out_reason(block.lead):
        entry.role, entry.reason = "left-out", left_out_reason(block.lead)
        return
    if block is not None and block.checked is False and (not text or PLACEHOLDER.match(text)):
        entry.role, entry.reason = "left-out", "placeholder"
        return
    if not text or PLACEHOLDER.match(text):
        entry.role, entry.reason = "left-out", "placeholder or gap"
        return
    if EXAMPLE_LEAD.match(text) or (block is not None and EXAMPLE_LEAD.match(block.lead or "")):
        entry.role, entry.reason = "left-out", "examples"
        return
    bare = re.sub(r"^[^:]{1,40}:\s*", "", text)
    if not _has_letters(text, 3) or not _has_letters(bare, 3) or \
            (len(text) <= 16 and len(text.split()) <= 2 and any(ch.isdigit() for ch in text)):
        entry.role, entry.reason = "left-out", "a figure or label, not a statement"
        return
    if not area:
        area = DEFAULT_AREA
    if entry.kind == "para" and text.endswith(":") and len(text) < 200:
        entry.role, entry.reason = "left-out", "an introduction to a list"
        return
    lead = block.lead if block is not None else ""
    data_lead = entry.kind in ("para", "item") and block is not None and lead and \
        area != lead and _is_data(entry)
    if lead and not data_lead and area != lead:
        text = f"{lead}: {text}"
    parts = [p for p in (normalise_space(x) for x in text.split("\n")) if p]
    if split:
        parts = [q for p in parts for q in (normalise_space(x) for x in p.split(split)) if q]
    elif entry.kind == "cell" and len(parts) == 1 and ";" in parts[0]:
        parts = [q for q in (normalise_space(x) for x in parts[0].split(";")) if q]
    key = (track, area, level)
    if (track, area) not in family.areas:
        family.areas.append((track, area))
    bucket = family.cells.setdefault(key, [])
    for part in parts:
        bucket.append((part, entry))
    entry.role = "statement"
    entry.where = " › ".join(part for part in (family.name, level, area) if part)


def _has_letters(text: str, wanted: int) -> bool:
    """Whether the text has at least `wanted` letters, reading only as far as it takes (a
    statement's first few characters, not all of a long one)."""
    for ch in text:
        if ch.isalpha():
            wanted -= 1
            if not wanted:
                return True
    return wanted <= 0


def _is_data(entry: Entry) -> bool:
    return entry.file.lower().endswith((".json", ".yaml", ".yml", ".js", ".mjs", ".ts", ".cjs",
                                        ".jsx", ".tsx"))


def _family_roots(root: Section, outer: list[Section], hints: dict,
                  levels: list[Section]) -> list[tuple[Section, str]]:
    """Where each family starts: the common ancestor of the outer sections, split by file
    or folder when the outer names repeat across files (one ladder per file)."""
    family_hint = hints.get("family")
    if family_hint == "one":
        return [(root, "")]
    if family_hint:
        roots = [s for s in root.walk() if s.descriptor == family_hint and
                 any(o is s or s in o.ancestors for o in outer)]
        if not roots:
            raise InferenceError(f"hint family={family_hint}: no section of that kind holds "
                                 "levels")
        return [(s, s.name) for s in roots]
    for kind in ("file", "folder"):
        # a complete ladder in each file (or folder): one family each
        groups: dict[int, list[Section]] = {}
        anchors: dict[int, Section] = {}
        for o in outer:
            anchor = next((s for s in [o] + o.ancestors if s.kind == kind), None)
            if anchor is not None:
                groups.setdefault(id(anchor), []).append(o)
                anchors[id(anchor)] = anchor
        if len(groups) >= 2 and len(groups) < len(outer) and \
                sum(len(g) for g in groups.values()) == len(outer) and \
                all(len(g) >= 2 for g in groups.values()):
            level_sets = {frozenset(lv.key for lv in levels
                                    if anchors[key] in lv.ancestors or anchors[key] is lv)
                          for key in groups}
            # folders of one ladder's areas (categories) share its levels: tracks, not families
            if kind == "file" or len(level_sets) > 1:
                return [(a, a.name) for a in anchors.values()]
    names = [o.key for o in outer]
    if len(set(names)) == len(names):
        lca = _common_ancestor(outer)
        return [(lca, lca.name)]
    for depth in range(1, 20):
        groups: dict[int, list[Section]] = {}
        anchor: dict[int, Section] = {}
        for o in outer:
            chain = list(reversed(o.ancestors)) + [o]
            a = chain[min(depth, len(chain) - 1)]
            groups.setdefault(id(a), []).append(o)
            anchor[id(a)] = a
        if all(len({m.key for m in g}) == len(g) for g in groups.values()):
            anchors = list(anchor.values())
            if all(a.kind in ("file", "folder", "sheet") for a in anchors):
                return [(a, a.name) for a in anchors]
            lca = _common_ancestor(outer)
            return [(lca, lca.name)]
    lca = _common_ancestor(outer)
    return [(lca, lca.name)]


def _common_ancestor(sections: list[Section]) -> Section:
    chains = [list(reversed(s.ancestors)) for s in sections]
    common = chains[0]
    for chain in chains[1:]:
        n = 0
        while n < min(len(common), len(chain)) and common[n] is chain[n]:
            n += 1
        common = common[:n]
    return common[-1]


# --- level order ---------------------------------------------------------------------------------

def ordered_levels(family: InferredFamily, hints: dict) -> list[str]:
    """Junior first: an explicit order (front matter, positions) wins, then numbers (their
    direction from seniority words when those disagree), else the order of appearance."""
    names = family.levels
    wanted = hints.get("levels")
    if wanted:
        listed = [w.strip() for w in wanted.split(",") if w.strip()]
        keys = {normalise_key(n): n for n in names}
        return [keys.get(normalise_key(w), w) for w in listed]
    if names and all(n in family.level_orders for n in names):
        return sorted(names, key=lambda n: family.level_orders[n])
    numbers = {n: number_in(n) for n in names}
    if names and all(v is not None for v in numbers.values()) and \
            len(set(numbers.values())) == len(names):
        descending = _numbers_descend(names, numbers)
        return sorted(names, key=lambda n: -numbers[n] if descending else numbers[n])
    return list(names)


def _numbers_descend(names: list[str], numbers: dict[str, float]) -> bool:
    ranked = [(numbers[n], seniority(n)) for n in names if seniority(n) is not None]
    score = 0
    for i, (number_a, word_a) in enumerate(ranked):
        for number_b, word_b in ranked[i + 1:]:
            if number_a != number_b and word_a != word_b:
                score += 1 if (number_a < number_b) == (word_a < word_b) else -1
    return score < 0
