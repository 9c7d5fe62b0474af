"""What changes from one level to another: per area, statements kept, reworded, added, dropped.

Statements are paired by word similarity (a greedy best-first match above a threshold), so a
statement that grows from "I can implement algorithms" to "I can implement algorithms
confidently" reads as a rewording with the new words highlighted, not as one dropped and one
added.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from functools import lru_cache

from .model import Area, Expectation, Family, Framework, Level, Statement, Track

REWORDING_THRESHOLD = 0.5
WORD = re.compile(r"\S+")


class Change(StrEnum):
    KEPT = "kept"
    REWORDED = "reworded"
    ADDED = "added"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class StatementChange:
    change: Change
    before: Statement | None
    after: Statement | None
    similarity: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class AreaComparison:
    area: Area
    track: Track
    before: Expectation | None
    after: Expectation | None
    changes: tuple[StatementChange, ...]

    def of(self, change: Change) -> tuple[StatementChange, ...]:
        return tuple(item for item in self.changes if item.change is change)

    @property
    def unchanged(self) -> bool:
        return all(item.change is Change.KEPT for item in self.changes)


@dataclass(frozen=True)
class LevelComparison:
    family: Family
    before: Level
    after: Level
    areas: tuple[AreaComparison, ...]

    def count(self, change: Change) -> int:
        return sum(len(area.of(change)) for area in self.areas)


def words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=65536)
def _key(text: str) -> tuple[str, ...]:
    return tuple(w.strip(".,;:()!?\"'").lower() for w in words(text))


@lru_cache(maxsize=65536)
def _word_counts(text: str) -> Counter:
    return Counter(_key(text))


def _lcs_length(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Length of the longest common subsequence of two word sequences.

    Bit-parallel (Crochemore et al.): each word of `b` updates one integer whose bits stand
    for the positions of `a`, so a pair costs len(b) integer operations instead of a table.
    """
    positions: dict[str, int] = {}
    for index, word in enumerate(a):
        positions[word] = positions.get(word, 0) | (1 << index)
    full = (1 << len(a)) - 1
    row = full
    for word in b:
        matched = row & positions.get(word, 0)
        row = ((row + matched) | (row - matched)) & full
    return len(a) - row.bit_count()


def similarity(a: str, b: str) -> float:
    """0..1: the share of wording two statements have in common, in order (twice the longest
    common run of words, not necessarily adjacent, over both lengths), ignoring case and
    punctuation."""
    key_a, key_b = _key(a), _key(b)
    if not key_a and not key_b:
        return 1.0
    return 2 * _lcs_length(key_a, key_b) / (len(key_a) + len(key_b))


def first_alike(texts: list[str], threshold: float) -> list[tuple[int, float] | None]:
    """For each text, the first earlier one at least `threshold` alike by `similarity` (its
    index and the score), or None: what comparing every pair in order would find, without
    comparing every pair.

    Two word sequences that are `threshold` alike share at least a = t·n/(2−t) of the n words of
    either (t the threshold). Sort each text's words rarest first: the first two words they
    share are then among the first n − a + 2 of both (prefix filtering, as in set-similarity
    joins; one word when a is 1). Only earlier texts sharing that many of those words are
    compared, still in order, so the first match is the same.
    """
    keys = [_key(text) for text in texts]
    if threshold <= 0 and texts:  # every pair is alike enough: the first text is the match
        return [None] + [(0, similarity(texts[0], text)) for text in texts[1:]]
    tokens = [_occurrences(key) for key in keys]
    token_sets = [frozenset(row) for row in tokens]
    rarity = Counter(token for row in tokens for token in row)
    index: dict[tuple[str, int], list[int]] = {}
    probes: list[int] = []  # how many prefix words each text shares with any match
    empty: list[int] = []  # texts with no words are alike (1.0) only to each other
    found: list[tuple[int, float] | None] = []
    for position, row in enumerate(tokens):
        # the words any match shares with this text (a hair less, against rounding)
        needed = math.ceil(threshold * len(row) / (2 - threshold) - 1e-9) \
            if threshold < 2 else len(row) + 1
        probe = min(2, max(1, needed))
        probes.append(probe)
        if not row:
            found.append((empty[0], 1.0) if empty and threshold <= 1 else None)
            empty.append(position)
            continue
        prefix = [] if needed > len(row) else sorted(
            row, key=lambda token: (rarity[token], token))[:len(row) - max(1, needed) + probe]
        shared_words = Counter()
        for token in prefix:
            shared_words.update(index.get(token, ()))
        candidates = sorted(earlier for earlier, count in shared_words.items()
                            if count >= min(probe, probes[earlier]))
        match = None
        for earlier in candidates:
            # the words two texts share bound their common run: skip pairs that cannot reach
            shared = len(token_sets[earlier] & token_sets[position])
            if 2 * shared / (len(keys[earlier]) + len(keys[position])) < threshold:
                continue
            alike = similarity(texts[earlier], texts[position])
            if alike >= threshold:
                match = (earlier, alike)
                break
        found.append(match)
        for token in prefix:
            index.setdefault(token, []).append(position)
    return found


def _occurrences(key: tuple[str, ...]) -> list[tuple[str, int]]:
    """Each word with how many times it came before, so a repeated word counts each time:
    the words two texts share are then the tokens they share."""
    counts: Counter = Counter()
    tokens = []
    for word in key:
        tokens.append((word, counts[word]))
        counts[word] += 1
    return tokens


def word_diff(before: str, after: str) -> tuple[Segment, ...]:
    """Word-level segments turning `before` into `after`."""
    old, new = words(before), words(after)
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, [w.lower() for w in old], [w.lower() for w in new],
                              autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment("same", " ".join(new[b1:b2])))
            continue
        if a2 > a1:
            segments.append(Segment("removed", " ".join(old[a1:a2])))
        if b2 > b1:
            segments.append(Segment("added", " ".join(new[b1:b2])))
    return tuple(segments)


def align(before: tuple[Statement, ...], after: tuple[Statement, ...],
          threshold: float = REWORDING_THRESHOLD) -> tuple[StatementChange, ...]:
    """Pair statements best match first; the rest are added (after) or dropped (before)."""
    scores = sorted(
        ((score, i, j) for i, a in enumerate(before) for j, b in enumerate(after)
         if (score := similarity(a.text, b.text)) >= threshold),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    pair_of_after: dict[int, tuple[int, float]] = {}
    paired_before: set[int] = set()
    for score, i, j in scores:
        if i in paired_before or j in pair_of_after:
            continue
        paired_before.add(i)
        pair_of_after[j] = (i, score)

    changes = []
    for j, statement in enumerate(after):
        if j in pair_of_after:
            i, score = pair_of_after[j]
            old = before[i]
            same = old.text == statement.text
            changes.append(StatementChange(
                Change.KEPT if same else Change.REWORDED, old, statement, score,
                (Segment("same", statement.text),) if same else word_diff(old.text,
                                                                          statement.text)))
        else:
            changes.append(StatementChange(Change.ADDED, None, statement, 0.0,
                                           (Segment("added", statement.text),)))
    for i, statement in enumerate(before):
        if i not in paired_before:
            changes.append(StatementChange(Change.DROPPED, statement, None, 0.0,
                                           (Segment("removed", statement.text),)))
    return tuple(changes)


def compare_levels(family: Family, before: Level, after: Level) -> LevelComparison:
    """Per area of the family, how the expectations of `after` differ from those of `before`."""
    areas = []
    for track in family.tracks:
        for area in track.areas:
            old = family.expectation(area.slug, before.slug)
            new = family.expectation(area.slug, after.slug)
            changes = align(old.statements if old else (), new.statements if new else ())
            areas.append(AreaComparison(area, track, old, new, changes))
    return LevelComparison(family, before, after, tuple(areas))


# --- version to version -----------------------------------------------------------------------

SPLIT_CONTAINMENT = 0.6  # how much of a part's wording must come from the whole it split from


class Mapping(StrEnum):
    KEPT = "kept"  # same id, same text
    REWORDED = "reworded"  # same statement (same id, or matched by wording), new text
    MOVED = "moved"  # the same statement (same id, or matched by wording), in another cell
    SPLIT = "split"  # one old statement became several new ones
    MERGED = "merged"  # several old statements became one
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True)
class StatementMapping:
    change: Mapping
    old: tuple[Statement, ...]
    new: tuple[Statement, ...]
    similarity: float = 0.0


@dataclass(frozen=True)
class FamilyChanges:
    family: str  # slug
    mappings: tuple[StatementMapping, ...]

    def of(self, change: Mapping) -> tuple[StatementMapping, ...]:
        return tuple(m for m in self.mappings if m.change is change)

    def carried(self) -> dict[str, tuple[str, ...]]:
        """Old statement id → the new ids an open assessment of it carries to (empty: none)."""
        carried: dict[str, tuple[str, ...]] = {}
        for mapping in self.mappings:
            for old in mapping.old:
                carried[old.id] = tuple(new.id for new in mapping.new)
        return carried


def _containment(part: str, whole: str) -> float:
    """The share of `part`'s words that also appear in `whole` (as a multiset)."""
    part_words = _word_counts(part)
    total = sum(part_words.values())
    return sum((part_words & _word_counts(whole)).values()) / total if total else 0.0


def _cell_of(family: Family) -> dict[str, tuple[str, str]]:
    return {s.id: (cell.area, cell.level) for cell in family.expectations for s in cell.statements}


def compare_family_versions(old: Family, new: Family,
                            threshold: float = REWORDING_THRESHOLD) -> FamilyChanges:
    """How each statement of `old` maps onto `new`: by id first, then by wording."""
    old_cells, new_cells = _cell_of(old), _cell_of(new)
    new_by_id = {s.id: s for s in new.statements}
    mappings: list[StatementMapping] = []
    rest_old, taken_new = [], set()
    for statement in old.statements:
        match = new_by_id.get(statement.id)
        if match is None:
            rest_old.append(statement)
            continue
        taken_new.add(match.id)
        same = match.text == statement.text
        # An editor's move keeps the id (so ratings follow it); it is still a move to show.
        kind = Mapping.MOVED if old_cells[statement.id] != new_cells[match.id] else \
            Mapping.KEPT if same else Mapping.REWORDED
        mappings.append(StatementMapping(kind, (statement,), (match,),
                                         1.0 if same else similarity(statement.text, match.text)))
    rest_new = [s for s in new.statements if s.id not in taken_new]

    # Splits and merges first (a 1:1 match would take the larger part as a rewording): parts
    # whose wording comes mostly from one statement on the other side, together covering it.
    for whole_side, part_side, change in ((rest_old, rest_new, Mapping.SPLIT),
                                          (rest_new, rest_old, Mapping.MERGED)):
        for whole in list(whole_side):
            parts = [p for p in part_side
                     if _containment(p.text, whole.text) >= SPLIT_CONTAINMENT]
            covered = _containment(whole.text, " ".join(p.text for p in parts))
            if len(parts) < 2 or covered < SPLIT_CONTAINMENT:
                continue
            for part in parts:
                part_side.remove(part)
            whole_side.remove(whole)
            old_side, new_side = ((whole,), tuple(parts)) if change is Mapping.SPLIT else \
                (tuple(parts), (whole,))
            mappings.append(StatementMapping(change, old_side, new_side))

    # Renamed ids: the best wording matches among what is left, moved when the cell changed.
    for pair in align(tuple(rest_old), tuple(rest_new), threshold):
        if pair.before is None or pair.after is None:
            continue
        moved = old_cells[pair.before.id] != new_cells[pair.after.id]
        mappings.append(StatementMapping(Mapping.MOVED if moved else Mapping.REWORDED,
                                         (pair.before,), (pair.after,), pair.similarity))
    paired = {s.id for m in mappings for s in m.old}, {s.id for m in mappings for s in m.new}
    rest_old = [s for s in rest_old if s.id not in paired[0]]
    rest_new = [s for s in rest_new if s.id not in paired[1]]

    mappings += [StatementMapping(Mapping.REMOVED, (s,), ()) for s in rest_old]
    mappings += [StatementMapping(Mapping.ADDED, (), (s,)) for s in rest_new]
    return FamilyChanges(new.slug, tuple(mappings))


def compare_versions(old: Framework, new: Framework) -> tuple[FamilyChanges, ...]:
    """Per family present in both versions (matched by slug), how statements map across."""
    olds = {family.slug: family for family in old.families}
    return tuple(compare_family_versions(olds[family.slug], family)
                 for family in new.families if family.slug in olds)
