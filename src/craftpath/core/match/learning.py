"""Learning from the links people make: every piece of evidence someone linked to a statement
(and every suggestion someone turned down) says what the company's own words mean against its
own framework. The assistant keeps, for each past link, the evidence's vector (never its text)
and the statement it went to, and lets the links nearest a new piece of evidence vote.

The vote: the cosine of the new evidence with each kept link, turned into weights by a softmax
at a low temperature (so the few nearest links carry it), summed per statement, per cell (area
and level) and per area. The family's statements sit in the softmax's denominator too (at a
fifth of a link's weight), so the links vote in full only where they are nearer the evidence
than the statements are: the first links, all in one area, do not pull unrelated evidence
there. A statement's learned signal is its own share, its cell's and its
area's, each with a weight in `Settings`; a rejected suggestion counts against its statement
only (turning one statement down says nothing against its neighbours). The signal adds to the
ranker's score, so with no links nothing changes. Chosen by measurement over statement
prototypes (each statement's vector blended with the centroid of its linked evidence) and area
profiles blended the same way: see bench/matching.py and docs/explanation/assistant.md.

What is kept is bounded: per statement at most `KEEP_PER_STATEMENT` links, those whose digest
is smallest (a bottom-k sample). That sample depends only on the set of distinct links, never
on their order, so a file read twice, or a link made twice, changes nothing, and a file of a
million lines is read as a stream in bounded memory.

Learning needs the embedding model; without it links are read and checked but not used, and
the matcher's `method` says so.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

KEEP_PER_STATEMENT = 64
MAX_PROBLEMS_SHOWN = 20  # of a link file's bad lines; the rest are counted
MAX_TEXT = 20_000


@dataclass(frozen=True)
class Link:
    """A past link: evidence text linked to a statement, or a suggestion turned down."""

    text: str
    statement: str
    rejected: bool = False

    @property
    def digest(self) -> int:
        key = f"{self.statement}\x00{int(self.rejected)}\x00{self.text.strip()}"
        return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


@dataclass
class LinkReport:
    """What reading links found: lines read, links read and kept, and bad lines."""

    lines: int = 0
    links: int = 0  # well-formed links to known statements, repeats included
    kept: int = 0  # distinct links learned
    capped: bool = False  # whether a statement had more than KEEP_PER_STATEMENT
    skipped: int = 0  # bad lines, each a problem
    problems: list[str] = field(default_factory=list)  # the first MAX_PROBLEMS_SHOWN

    def problem(self, message: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS_SHOWN:
            self.problems.append(message)

    def summary(self) -> str:
        said = (f"{self.kept} distinct links learned from {self.lines} lines ({self.links} "
                f"read, {self.skipped} skipped"
                + (f"; at most {KEEP_PER_STATEMENT} kept a statement" if self.capped else "")
                + ")")
        more = self.skipped - len(self.problems)
        return "\n".join([said, *self.problems]
                         + ([f"… and {more} more skipped lines"] if more > 0 else []))


def parse_links(lines: Iterable[str], known: set[str] | frozenset[str], report: LinkReport,
                source: str = "<links>", where: str = "this family") -> Iterator[Link]:
    """The links of a JSON-lines stream, one `{"text": …, "statement": ID}` (and optionally
    `"rejected": true`) a line, read one line at a time. Bad lines and links to statements not
    in `known` are put in `report` with their line number and skipped."""
    for number, line in enumerate(lines, 1):
        report.lines = number
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            report.problem(f"{source}:{number}: not JSON ({error.msg}, column {error.colno})")
            continue
        if not isinstance(data, dict):
            report.problem(f"{source}:{number}: expected a JSON object")
            continue
        text, statement = data.get("text"), data.get("statement")
        rejected = data.get("rejected", False)
        if not isinstance(text, str) or not text.strip():
            report.problem(f"{source}:{number}: \"text\" must be a non-empty string")
        elif len(text) > MAX_TEXT:
            report.problem(f"{source}:{number}: \"text\" is longer than {MAX_TEXT} characters")
        elif not isinstance(statement, str) or not statement:
            report.problem(f"{source}:{number}: \"statement\" must be a statement id")
        elif statement not in known:
            report.problem(f"{source}:{number}: no statement {statement!r} in {where}; "
                           "skipped")
        elif not isinstance(rejected, bool):
            report.problem(f"{source}:{number}: \"rejected\" must be true or false")
        else:
            yield Link(text, statement, rejected)


class LinkSample:
    """The links kept: per statement, the KEEP_PER_STATEMENT with the smallest digests."""

    def __init__(self, keep: int = KEEP_PER_STATEMENT):
        self.keep = keep
        self._heaps: dict[str, list[tuple[int, Link]]] = {}  # max-heaps by negated digest
        self._digests: set[int] = set()
        self.capped = False  # whether a statement had more links than `keep`

    def add(self, link: Link) -> None:
        """Keep `link` if its digest is among its statement's smallest (a repeat of a kept
        link, or of one left out, decides the same way again)."""
        digest = link.digest
        if digest in self._digests:
            return
        heap = self._heaps.setdefault(link.statement, [])
        if len(heap) < self.keep:
            heapq.heappush(heap, (-digest, link))
            self._digests.add(digest)
            return
        self.capped = True
        if digest >= -heap[0][0]:
            return  # not among the smallest: the sample stays as it is
        _, dropped = heapq.heapreplace(heap, (-digest, link))
        self._digests.discard(dropped.digest)
        self._digests.add(digest)

    def links(self) -> list[Link]:
        """The kept links in a fixed order (by statement, then digest)."""
        return [link for statement in sorted(self._heaps)
                for _, link in sorted(self._heaps[statement], key=lambda pair: -pair[0])]

    def __len__(self) -> int:
        return len(self._digests)


def read_links(lines: Iterable[str], families: dict[str, frozenset[str]],
               source: str = "<links>") -> tuple[dict[str, list[Link]], LinkReport]:
    """The links of a JSON-lines stream for each family (slug -> its statement ids), read as a
    stream and sampled: a link goes to every family that has its statement (ids are unique
    within a family). Lines naming no statement of these families are reported and skipped."""
    report = LinkReport()
    known = frozenset().union(*families.values()) if families else frozenset()
    samples = {slug: LinkSample() for slug in families}
    where = ", ".join(families) if len(families) > 1 else next(iter(families), "the framework")
    for link in parse_links(lines, known, report, source, where):
        report.links += 1
        for slug, ids in families.items():
            if link.statement in ids:
                samples[slug].add(link)
    found = {slug: sample.links() for slug, sample in samples.items()}
    report.kept = len({link for links in found.values() for link in links})
    report.capped = any(sample.capped for sample in samples.values())
    return found, report


class Learned:
    """Past links of one family as arrays: the evidence vectors, the row (statement) each went
    to, and +1 for a link or -1 for a suggestion turned down. `signal` gives the learned score
    of every row for a batch of evidence vectors."""

    CHUNK = 128  # evidence vectors per step, so a big batch never holds a huge weight matrix

    def __init__(self, vectors, rows, signs, cell_of, area_of, statement_vectors,
                 statement_share: float = 0.2):
        import numpy

        self.statement_vectors = statement_vectors  # the family's, in the softmax's denominator
        self.statement_share = statement_share

        self.vectors = numpy.asarray(vectors, dtype=numpy.float32)
        self.rows = numpy.asarray(rows, dtype=numpy.int64)
        self.signs = numpy.asarray(signs, dtype=numpy.float32)
        self.cell_of = numpy.asarray(cell_of, dtype=numpy.int64)  # row -> cell number
        self.area_of = numpy.asarray(area_of, dtype=numpy.int64)  # row -> area number
        accepted = self.signs > 0
        # Per grouping: the links sorted by group, where each group starts, and which group
        # it is, so one numpy.add.reduceat sums the weights of each group's links.
        self._groups = {}
        for name, of_link, mask in (("statement", self.rows, None),
                                    ("cell", self.cell_of[self.rows], accepted),
                                    ("area", self.area_of[self.rows], accepted)):
            chosen = numpy.arange(len(self.rows)) if mask is None else numpy.flatnonzero(mask)
            order = chosen[numpy.argsort(of_link[chosen], kind="stable")]
            ids = of_link[order]
            starts = numpy.flatnonzero(numpy.r_[True, ids[1:] != ids[:-1]]) if len(ids) else ids
            self._groups[name] = (order, starts, ids[starts] if len(ids) else ids)

    def __len__(self) -> int:
        return len(self.rows)

    def adding(self, vectors, rows, signs) -> Learned:
        """A new Learned with more links (a link made just now): nothing is embedded again."""
        import numpy

        return Learned(numpy.concatenate([self.vectors, numpy.asarray(vectors, numpy.float32)]),
                       numpy.concatenate([self.rows, numpy.asarray(rows, numpy.int64)]),
                       numpy.concatenate([self.signs, numpy.asarray(signs, numpy.float32)]),
                       self.cell_of, self.area_of, self.statement_vectors,
                       self.statement_share)

    def signal(self, evidence, statement: float, cell: float, area: float,
               temperature: float):
        """A (len(evidence), rows) array of learned scores."""
        import numpy

        result = numpy.zeros((len(evidence), len(self.cell_of)), dtype=numpy.float32)
        if not len(self.rows):
            return result
        for start in range(0, len(evidence), self.CHUNK):
            chunk = evidence[start:start + self.CHUNK]
            similarity = chunk @ self.vectors.T
            to_statements = chunk @ self.statement_vectors.T
            top = numpy.maximum(similarity.max(axis=1), to_statements.max(axis=1))[:, None]
            weights = numpy.exp((similarity - top) / temperature)
            weights /= (weights.sum(axis=1, keepdims=True) + self.statement_share
                        * numpy.exp((to_statements - top) / temperature).sum(axis=1,
                                                                             keepdims=True))
            part = result[start:start + len(chunk)]
            part += statement * self._summed(weights * self.signs, "statement",
                                             len(self.cell_of))
            for weight, name, group_of in ((cell, "cell", self.cell_of),
                                           (area, "area", self.area_of)):
                if weight:
                    part += weight * self._summed(weights, name, group_of.max() + 1)[:, group_of]
        return result

    def _summed(self, weights, name: str, groups: int):
        """(chunk, groups): the weights of each group's links added up."""
        import numpy

        order, starts, ids = self._groups[name]
        found = numpy.zeros((len(weights), groups), dtype=numpy.float32)
        if len(order):
            found[:, ids] = numpy.add.reduceat(weights[:, order], starts, axis=1)
        return found
