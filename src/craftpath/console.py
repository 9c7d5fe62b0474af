"""Framework views rendered as plain text for a terminal (colour optional)."""

from __future__ import annotations

import textwrap

from .core.compare import Change, FamilyChanges, LevelComparison, Mapping, word_diff
from .core.model import Area, Family, Framework, Level
from .core.summary import COUNT_KEYS

WIDTH = 100
STYLES = {"added": "\033[32m", "removed": "\033[31;9m", "heading": "\033[1m", "dim": "\033[2m"}
RESET = "\033[0m"


class Painter:
    """Applies terminal styles when colour is on; plain markers (wdiff style) when off."""

    def __init__(self, colour: bool):
        self.colour = colour

    def __call__(self, style: str, text: str) -> str:
        if self.colour:
            return f"{STYLES[style]}{text}{RESET}"
        return {"added": f"{{+{text}+}}", "removed": f"[-{text}-]"}.get(style, text)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def summary_text(summary: dict) -> str:
    lines = [f"{summary['framework']}" + (f" (version {summary['version']})"
                                          if summary["version"] else "")]
    for family in summary["families"]:
        counts = ", ".join(f"{key.replace('_', ' ')} {family[key]}" for key in COUNT_KEYS)
        lines.append(f"  {family['name']}: {counts}")
    totals = summary["totals"]
    lines.append("  total: " + ", ".join(f"{key.replace('_', ' ')} {totals[key]}"
                                          for key in ("families", *COUNT_KEYS)))
    return "\n".join(lines) + "\n"


def overview_text(framework: Framework, family: Family, paint: Painter) -> str:
    lines = [paint("heading", f"{framework.name} · {family.name}"), "", "Levels, junior first:"]
    for level in family.levels:
        if level.missing:
            lines.append(f"  {level.code}  (no page: a hole in the numbering)")
        else:
            lines.append(f"  {level.label}  {paint('dim', level.title)}")
    lines += ["", "Tracks and areas:"]
    for track in family.tracks:
        lines.append(f"  {track.name}: " + ", ".join(area.name for area in track.areas))
    return "\n".join(lines) + "\n"


def level_text(family: Family, level: Level, paint: Painter) -> str:
    lines = [paint("heading", f"{level.label} — {level.title}".rstrip(" —"))]
    for track in family.tracks:
        lines += ["", paint("heading", f"  {track.name}")]
        for area in track.areas:
            cell = family.expectation(area.slug, level.slug)
            lines.append(f"    {area.name}")
            if cell is None or cell.is_gap:
                lines.append(paint("dim", "      (not written yet)"))
            for statement in cell.statements if cell else ():
                lines.append(_wrap(f"- {statement.text}", "      "))
    return "\n".join(lines) + "\n"


def area_text(family: Family, area: Area, paint: Painter) -> str:
    lines = [paint("heading", f"{area.name} ({family.track_of(area).name}) across levels")]
    for level in family.present_levels:
        cell = family.expectation(area.slug, level.slug)
        lines += ["", paint("heading", f"  {level.label}")]
        if cell is None or cell.is_gap:
            lines.append(paint("dim", "    (not written yet)"))
        for statement in cell.statements if cell else ():
            lines.append(_wrap(f"- {statement.text}", "    "))
    return "\n".join(lines) + "\n"


def comparison_text(comparison: LevelComparison, paint: Painter) -> str:
    c = comparison
    lines = [paint("heading", f"From {c.before.label} to {c.after.label}: "
                   f"{c.count(Change.ADDED)} added, {c.count(Change.REWORDED)} reworded, "
                   f"{c.count(Change.DROPPED)} dropped")]
    for area in c.areas:
        lines += ["", paint("heading", f"  {area.area.name} ({area.track.name})")]
        if not area.changes:
            lines.append(paint("dim", "    (not written at either level)"))
        elif area.unchanged:
            lines.append(paint("dim", "    (unchanged)"))
        for change in area.changes:
            if change.change is Change.KEPT:
                continue
            if change.change is Change.REWORDED:
                text = " ".join(paint(seg.kind, seg.text) if seg.kind != "same" else seg.text
                                for seg in change.segments)
            else:
                text = (change.after or change.before).text
            lines.append(_wrap(f"{change.change.value:>9}: {text}", "    ") if not paint.colour
                         else f"    {change.change.value:>9}: {text}")
    return "\n".join(lines) + "\n"


def version_changes_text(changes: tuple[FamilyChanges, ...], paint: Painter) -> str:
    """How statements map from one version to the next, family by family, changes only."""
    lines = []
    for family in changes:
        counts = ", ".join(f"{len(family.of(kind))} {kind.value}" for kind in Mapping
                           if family.of(kind))
        lines.append(paint("heading", f"{family.family}: {counts or 'no statements'}"))
        for mapping in family.mappings:
            if mapping.change is Mapping.KEPT:
                continue
            old = ", ".join(s.id for s in mapping.old) or "-"
            new = ", ".join(s.id for s in mapping.new) or "-"
            lines.append(f"  {mapping.change.value:>8}: {old} → {new}")
            if mapping.change is Mapping.REWORDED and mapping.old[0].id == mapping.new[0].id:
                segments = word_diff(mapping.old[0].text, mapping.new[0].text)
                text = " ".join(paint(seg.kind, seg.text) if seg.kind != "same" else seg.text
                                for seg in segments)
                lines.append(_wrap(text, "            "))
    return "\n".join(lines) + "\n"
