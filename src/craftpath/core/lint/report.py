"""Diagnostics as text for people, JSON for tools, and GitHub workflow annotations."""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby

from ..model import Diagnostic, Severity
from .rules import RULES_BY_CODE

COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
RESET, DIM = "\033[0m", "\033[2m"


def rule_name(code: str) -> str:
    rule = RULES_BY_CODE.get(code)
    return rule.name if rule else "input"


def as_text(diagnostics: list[Diagnostic], colour: bool = False,
            limit: int | None = None) -> str:
    """Grouped by file; one line per diagnostic with line, severity, code and message. With a
    `limit`, only the first that many get a line and the rest are counted by rule on one."""
    lines = []
    shown = diagnostics if limit is None else diagnostics[:limit]
    for file, group in groupby(shown, key=lambda d: d.source.file):
        lines.append(file or "<framework>")
        for d in group:
            where = f"{d.source.line:>4}" if d.source.line else "   -"
            severity = d.severity.value
            if colour:
                severity = f"{COLOURS[d.severity]}{severity}{RESET}"
            code = f"{DIM}{d.code} {rule_name(d.code)}{RESET}" if colour else \
                f"{d.code} {rule_name(d.code)}"
            lines.append(f"  {where}  {severity}  {d.message}  [{code}]")
    if len(shown) < len(diagnostics):
        lines.append(rest_line(diagnostics[len(shown):]))
    lines.append(summary_line(diagnostics))
    return "\n".join(lines) + "\n"


def rest_line(rest: list[Diagnostic]) -> str:
    """The findings not listed, counted by rule, commonest first."""
    counts = Counter(d.code for d in rest)
    by_rule = "; ".join(f"{n:,} × {code} {rule_name(code)}"
                        for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return f"… and {len(rest):,} more: {by_rule}"


def summary_line(diagnostics: list[Diagnostic]) -> str:
    counts = Counter(d.severity for d in diagnostics)
    if not diagnostics:
        return "no problems found"
    return ", ".join(f"{counts[s]} {s.value}{'s' if counts[s] != 1 else ''}"
                     for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))


def as_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([
        {"code": d.code, "rule": rule_name(d.code), "severity": d.severity.value,
         "message": d.message, "file": d.source.file, "line": d.source.line}
        for d in diagnostics
    ], indent=2, ensure_ascii=False) + "\n"


def _escape_annotation(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_github(diagnostics: list[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so findings show on the changed lines of a PR."""
    lines = []
    for d in diagnostics:
        props = [f"title={_escape_annotation(f'{d.code} {rule_name(d.code)}', True)}"]
        if d.source.file:
            props.insert(0, f"file={_escape_annotation(d.source.file, True)}")
            if d.source.line:
                props.insert(1, f"line={d.source.line}")
        lines.append(f"::{GITHUB_LEVEL[d.severity]} {','.join(props)}::"
                     f"{_escape_annotation(d.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


FORMATTERS = {"text": as_text, "json": as_json, "github": as_github}
