"""Lint rules: small functions from a framework to diagnostics.

Each rule's docstring is its documentation: the first line says what it finds, and the
`Example:` part shows input that triggers it. `craftpath lint --rules` prints them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..compare import first_alike
from ..model import Diagnostic, Framework, Severity, Source
from ..text import sentences

DEFAULT_VAGUE_WORDS = (
    "appropriate", "as needed", "when necessary", "where applicable", "sufficiently",
    "effectively", "various", "etc", "good", "best",
)


@dataclass(frozen=True)
class LintConfig:
    vague_words: tuple[str, ...] = DEFAULT_VAGUE_WORDS
    repeat_threshold: float = 0.85  # how alike two statements of one area must be to repeat
    ignore: frozenset[str] = field(default_factory=frozenset)  # codes switched off


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    check: object  # (framework, config) -> iterator of Diagnostic; None for reader-found ones

    @property
    def doc(self) -> str:
        return (self.check.__doc__ if self.check else READER_DOCS[self.code]).strip()


def _d(rule_code: str, message: str, source: Source) -> Diagnostic:
    return Diagnostic(rule_code, RULES_BY_CODE[rule_code].severity, message, source)


def gap_cell(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """A cell that says TODO or is empty: the level has no expectation for that area yet.

    Example: `| [Architecture Design](/…#architecture-design) | TODO |`
    """
    for family in framework.families:
        levels = {level.slug: level for level in family.levels}
        areas = {area.slug: area for area in family.areas}
        for cell in family.expectations:
            if cell.is_gap:
                said = f"says {cell.gap_text}" if cell.gap_text else "is empty"
                yield _d("CP101", f"{levels[cell.level].code} · {areas[cell.area].name} {said}: "
                         "no expectation written yet", cell.source)


def missing_level(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """A hole in the level numbering: a level between two others has no page.

    Example: pages for Levels 5, 4, 3 and 1, none for Level 2.
    """
    for family in framework.families:
        for level in family.missing_levels:
            below, above = family.previous_level(level), family.next_level(level)
            around = " and ".join(other.code for other in (below, above) if other)
            yield _d("CP102", f"{level.code} is missing from {family.name}: the numbering "
                     f"skips it between {around}", (above or below or level).source)


def area_missing_at_level(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """An area that some levels describe and another level leaves out entirely.

    Example: Edge Computing has rows on the Level 5, 4 and 3 pages but not on Level 1.
    """
    for family in framework.families:
        for area in family.areas:
            for level in family.present_levels:
                if family.expectation(area.slug, level.slug) is None:
                    yield _d("CP103", f"area {area.name!r} is not on {level.code} (other levels "
                             "have it); add a row, even a TODO one", level.source)


def inconsistent_heading(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """A track's section heading worded differently on one page than on the others.

    Example: `## Craft` on the Level 5 page where the other pages say `## Craft - All`.
    """
    for family in framework.families:
        for track in family.tracks:
            headings = {level: dict(level.page.section_headings).get(track.slug)
                        for level in family.present_levels if level.page}
            headings = {level: text for level, text in headings.items() if text}
            usual, _ = Counter(headings.values()).most_common(1)[0] if headings else ("", 0)
            for level, text in headings.items():
                if text != usual:
                    yield _d("CP104", f"{level.code} heads the {track.name} section "
                             f"`## {text}`; the other levels say `## {usual}`",
                             level.page.section_source(track.slug, level.source))


def undefined_term(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """A phrase marked with `*` as a glossary term that has no definition.

    Example: `… take MLOps goals* into consideration` with no `MLOps goals` in the glossary.
    """
    for term in framework.terms:
        if not term.definition:
            users = [s.id for family in framework.families for s in family.statements
                     if term.slug in s.terms]
            used = f"used in {', '.join(users)}" if users else "not used"
            yield _d("CP106", f"term {term.name!r} has no definition ({used}); define it under "
                     "`terms:` in the canonical file", term.source)


def dangling_area_link(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """An area linked to a page anchor that no page of the framework defines.

    Example: `[ML Ops](/careerframework/mlengineer#ml-ops)` when no page read has the permalink
    `/careerframework/mlengineer`.
    """
    for family in framework.families:
        pages = {level.page.permalink.rstrip("/") for level in family.present_levels
                 if level.page and level.page.permalink}
        for area in family.areas:
            page, _, anchor = area.link.partition("#")
            if not area.link or not page or page.rstrip("/") in pages:
                continue
            yield _d("CP107", f"area {area.name!r} links to {area.link}, but no page read "
                     f"defines it (nothing has the permalink {page})", area.source)


def repeated_statement(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """A statement repeated word for word, or nearly, at another level of the same area.

    Example: Level 5 "I am familiar with fundamental languages …" and Level 4 "I am proficient
    using fundamental languages …" differ in two words: say what really changes.
    """
    for family in framework.families:
        for area in family.areas:
            in_order = []  # (level, statement), level by level
            for level in family.present_levels:
                cell = family.expectation(area.slug, level.slug)
                in_order += [(level, statement) for statement in (cell.statements if cell else ())]
            matches = first_alike([statement.text for _, statement in in_order],
                                  config.repeat_threshold)
            for (level, statement), match in zip(in_order, matches, strict=True):
                if match is not None:
                    earlier, alike = in_order[match[0]][1], match[1]
                    yield _d("CP108", f"{statement.id} repeats {earlier.id} "
                             f"({alike:.0%} alike); say what changes at {level.code}",
                             statement.source)


FIRST_PERSON = re.compile(r"^I\b")


def packed_statement(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """One statement holding several sentences that each start with "I": a separator was
    probably lost, and the statements can only be rated together.

    Example: `I track the state of the art … work. I ensure the quality of Edge ML systems …`
    """
    for family in framework.families:
        for statement in family.statements:
            starts = [s for s in sentences(statement.text) if FIRST_PERSON.match(s)]
            if len(starts) >= 2:
                yield _d("CP109", f"{statement.id} packs {len(starts)} sentences starting with "
                         "\"I\"; split it with <br><br> if they are separate expectations",
                         statement.source)


def vague_qualifier(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """A statement that leans on a vague qualifier (from a configurable word list), which makes
    it hard to agree whether someone meets it.

    Example: `I select an appropriate algorithm` (appropriate by whose measure?)
    """
    if not config.vague_words:
        return
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in config.vague_words) + r")\b",
                         re.IGNORECASE)
    for family in framework.families:
        for statement in family.statements:
            found = sorted({match.lower() for match in pattern.findall(statement.text)})
            if found:
                words = ", ".join(f"“{word}”" for word in found)
                yield _d("CP110", f"{statement.id} uses vague wording: {words}",
                         statement.source)


def duplicate_statement_id(framework: Framework, config: LintConfig) -> Iterator[Diagnostic]:
    """Two statements of one family with the same id: ratings could not tell them apart.

    Example: two statements pinned as `id: ml-ops.level-3.2` in the canonical file.
    """
    for family in framework.families:
        first_use: dict[str, Source] = {}
        for statement in family.statements:
            if statement.id in first_use:
                yield _d("CP111", f"statement id {statement.id!r} is already used at "
                         f"{first_use[statement.id]}; ids must be unique in {family.name}",
                         statement.source)
            first_use.setdefault(statement.id, statement.source)


READER_DOCS = {
    "CP105": """A table row broken across lines before its closing `|`; read whole, but the page
should be mended.

Example: the last row of the Level 1 page ends its text, then blank lines, then ` |`.""",
}

RULES = (
    Rule("CP101", "gap-cell", Severity.WARNING, gap_cell),
    Rule("CP102", "missing-level", Severity.WARNING, missing_level),
    Rule("CP103", "area-missing-at-level", Severity.WARNING, area_missing_at_level),
    Rule("CP104", "inconsistent-heading", Severity.WARNING, inconsistent_heading),
    Rule("CP105", "malformed-table-row", Severity.WARNING, None),
    Rule("CP106", "undefined-term", Severity.WARNING, undefined_term),
    Rule("CP107", "dangling-area-link", Severity.WARNING, dangling_area_link),
    Rule("CP108", "repeated-statement", Severity.WARNING, repeated_statement),
    Rule("CP109", "packed-statement", Severity.WARNING, packed_statement),
    Rule("CP110", "vague-qualifier", Severity.INFO, vague_qualifier),
    Rule("CP111", "duplicate-statement-id", Severity.ERROR, duplicate_statement_id),
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}
