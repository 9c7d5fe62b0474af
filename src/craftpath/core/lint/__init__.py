"""Lint: every rule run over a framework, with what the reader found, collected together."""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Diagnostic, Framework, Severity
from .rules import DEFAULT_VAGUE_WORDS, RULES, RULES_BY_CODE, LintConfig, Rule

__all__ = ["DEFAULT_VAGUE_WORDS", "RULES", "RULES_BY_CODE", "LintConfig", "Rule", "lint",
           "exit_code"]

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def lint(framework: Framework | None, diagnostics: Iterable[Diagnostic] = (),
         config: LintConfig | None = None) -> list[Diagnostic]:
    """The reader's diagnostics plus every rule's, minus ignored codes, by file and line."""
    config = config or LintConfig()
    found = list(diagnostics)
    if framework is not None:
        for rule in RULES:
            if rule.check and rule.code not in config.ignore:
                found.extend(rule.check(framework, config))
    found = [d for d in found if d.code not in config.ignore]
    return sorted(found, key=lambda d: (d.source.file, d.source.line, d.code, d.message))


def exit_code(diagnostics: Iterable[Diagnostic], strict: bool = False) -> int:
    """0 when clean, 1 when there are errors (or warnings, when strict)."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return 1 if any(d.severity in failing for d in diagnostics) else 0
