"""Insights charts drawn on the server as SVG: horizontal bars, intervals around zero, and
lines over quarters. Each chart has a title and a description for screen readers, and the
page puts the same numbers in a table beside it. Withheld figures are never drawn."""

from __future__ import annotations

import math
import zlib
from html import escape

WIDTH = 520
ROW = 22
DASHES = ("none", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "12 2 2 2")  # told apart
LABEL = 200
FONT = 12  # px: a 26-character label fits LABEL
QUARTER_LABEL = 52  # px a quarter's label needs ("2026-Q1" at 11 px) before the next one


def _frame(title: str, desc: str, height: int, body: list[str], width: int = WIDTH) -> str:
    uid = zlib.crc32(f"{title}|{desc}".encode())
    return (f'<svg class="insight-chart" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="c{uid}t c{uid}d" '
            f'xmlns="http://www.w3.org/2000/svg"><title id="c{uid}t">{escape(title)}</title>'
            f'<desc id="c{uid}d">{escape(desc)}</desc>{"".join(body)}</svg>')


def grid(rows: list[str], columns: list[str], shares: list[list[float | None]],
         title: str) -> str:
    """A heatmap: one square per (row, column) with its percentage in it, a stronger colour for
    a larger share, a dashed empty square where the area has no statements at the person's
    level; a legend under it. The colour comes from the stylesheet (.heat), so it follows the
    theme."""
    cell, left, top = 30, 160, 120
    body = []
    for j, column in enumerate(columns):
        x = left + j * cell + cell / 2
        body.append(f'<text x="{x:.1f}" y="{top - 6}" transform="rotate(-50 {x:.1f} '
                    f'{top - 6})" font-size="12">{escape(_short(column, 20))}</text>')
    for i, row in enumerate(rows):
        y = top + i * cell
        body.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.0f}" text-anchor="end" '
                    f'font-size="12">{escape(_short(row, 22))}</text>')
        for j, share in enumerate(shares[i]):
            x = left + j * cell
            if share is None:
                body.append(f'<rect class="none" x="{x}" y="{y}" width="{cell - 2}" '
                            f'height="{cell - 2}" fill="none" stroke="currentColor" '
                            'stroke-opacity="0.5" stroke-dasharray="3 3"/>')
                continue
            body.append(f'<rect class="heat" x="{x}" y="{y}" width="{cell - 2}" '
                        f'height="{cell - 2}" fill="currentColor" '
                        f'fill-opacity="{_strength(share):.2f}"/>'
                        f'<text x="{x + (cell - 2) / 2:.0f}" y="{y + cell / 2 + 3:.0f}" '
                        f'text-anchor="middle" font-size="10">{round(share * 100)}</text>')
    bottom = top + len(rows) * cell + 14
    body.append(f'<text x="{left}" y="{bottom + 12}" font-size="12">Coverage, %:</text>')
    for k, share in enumerate((0, 0.25, 0.5, 0.75, 1)):
        x = left + 92 + k * 34
        body.append(f'<rect class="heat" x="{x}" y="{bottom}" width="16" height="16" '
                    f'fill="currentColor" fill-opacity="{_strength(share):.2f}"/>'
                    f'<text x="{x + 19}" y="{bottom + 12}" font-size="10">'
                    f'{round(share * 100)}</text>')
    x = left + 92 + 5 * 34 + 10
    body.append(f'<rect class="none" x="{x}" y="{bottom}" width="16" height="16" fill="none" '
                'stroke="currentColor" stroke-opacity="0.5" stroke-dasharray="3 3"/>'
                f'<text x="{x + 22}" y="{bottom + 12}" font-size="12">no statements at '
                'their level</text>')
    desc = (f"{len(rows)} people by {len(columns)} areas; the percentage of each person's "
            "statements covered in each area, a stronger colour for more. The table beside "
            "gives every number.")
    return _frame(title, desc, bottom + 24, body,
                  width=max(WIDTH, left + len(columns) * cell + 20, left + 480))


def _strength(share: float) -> float:
    """A square's opacity: never so strong that the page's text colour on it falls below
    4.5:1, in either theme (0.55 of the accent is the most either allows)."""
    return 0.06 + 0.49 * share


def _short(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars(items: list[tuple[str, float]], top: float, title: str, unit: str = "") -> str:
    """One bar per (label, value), values from 0 to `top`."""
    span = WIDTH - LABEL - 60
    body = []
    for i, (label, value) in enumerate(items):
        y = i * ROW + 4
        length = span * max(0.0, value) / top if top else 0
        body.append(f'<text x="{LABEL - 6}" y="{y + 14}" text-anchor="end" '
                    f'font-size="{FONT}">{escape(_short(label))}</text>'
                    f'<rect class="bar" fill="currentColor" fill-opacity="0.6" x="{LABEL}" '
                    f'y="{y + 3}" width="{length:.1f}" '
                    f'height="{ROW - 8}"/><text x="{LABEL + length + 4:.1f}" y="{y + 14}" '
                    f'font-size="{FONT}">{value:g}{unit}</text>')
    desc = "; ".join(f"{label}: {value:g}{unit}" for label, value in items)
    return _frame(title, desc or "no figures", max(1, len(items)) * ROW + 8, body)


def intervals(items: list[tuple[str, float, float, float]], title: str,
              flagged: set[str] = frozenset()) -> str:
    """A dot and a whisker per (label, value, low, high), around a zero line."""
    span = WIDTH - LABEL - 20
    extent = max([abs(v) for _l, v, lo, hi in items for v in (lo, hi)] + [0.5])
    centre = LABEL + span / 2

    def x(v: float) -> float:
        return centre + (span / 2) * v / extent

    body = [f'<line class="axis" stroke="currentColor" stroke-opacity="0.4" '
            f'x1="{centre:.1f}" y1="0" x2="{centre:.1f}" y2="{len(items) * ROW + 4}"/>']
    for i, (label, value, low, high) in enumerate(items):
        y = i * ROW + 4 + ROW / 2
        mark = " flagged" if label in flagged else ""
        fill = "none" if mark else "currentColor"  # a flagged interval is an open ring
        body.append(f'<text x="{LABEL - 6}" y="{y + 4}" text-anchor="end" '
                    f'font-size="{FONT}">{escape(_short(label))}</text>'
                    f'<line class="whisker{mark}" stroke="currentColor" stroke-width="2" '
                    f'x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" '
                    f'y2="{y}"/><circle class="dot{mark}" fill="{fill}" stroke="currentColor" '
                    f'stroke-width="2" cx="{x(value):.1f}" cy="{y}" r="4"/>')
    desc = "; ".join(f"{label}: {value:+.2f} ({low:+.2f} to {high:+.2f})"
                     for label, value, low, high in items)
    return _frame(title, desc or "no figures", max(1, len(items)) * ROW + 8, body)


def lines(quarters: list[str], series: dict[str, list[float | None]], title: str,
          top: float = 100) -> str:
    """One line per series across quarters (oldest first); a missing value breaks the line."""
    height, left, bottom = 220, 40, 30
    span_x = WIDTH - left - 140
    span_y = height - bottom - 10
    step = span_x / max(1, len(quarters) - 1)
    body = [f'<line class="axis" stroke="currentColor" x1="{left}" y1="{height - bottom}" '
            f'x2="{left + span_x}" y2="{height - bottom}"/>']
    every = max(1, math.ceil(QUARTER_LABEL / step))  # labels never run into each other
    for i, quarter in enumerate(quarters):
        if (len(quarters) - 1 - i) % every == 0:  # the latest quarter is always labelled
            body.append(f'<text x="{left + i * step:.1f}" y="{height - 10}" '
                        f'text-anchor="middle" font-size="11">{escape(quarter)}</text>')
    for tick in (0, top / 2, top):
        y = height - bottom - span_y * tick / top
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                    f'{tick:g}</text><line class="tick" stroke="currentColor" '
                    f'stroke-opacity="0.15" x1="{left}" y1="{y:.1f}" x2="{left + span_x}" '
                    f'y2="{y:.1f}"/>')
    for n, (name, values) in enumerate(series.items()):
        points, segments = [], []
        for i, value in enumerate(values):
            if value is None:
                if points:
                    segments.append(points)
                points = []
                continue
            points.append(f"{left + i * step:.1f},{height - bottom - span_y * value / top:.1f}")
        if points:
            segments.append(points)
        for segment in segments:
            body.append(f'<polyline class="line line-{n % 8}" fill="none" '
                        f'stroke="currentColor" stroke-width="1.5" '
                        f'stroke-dasharray="{DASHES[n % len(DASHES)]}" '
                        f'points="{" ".join(segment)}"/>')
        body.append(f'<line x1="{left + span_x + 6}" y1="{12 + n * 16}" '
                    f'x2="{left + span_x + 26}" y2="{12 + n * 16}" stroke="currentColor" '
                    f'stroke-dasharray="{DASHES[n % len(DASHES)]}"/>'
                    f'<text x="{left + span_x + 30}" y="{16 + n * 16}" font-size="11">'
                    f'{escape(_short(name, 18))}</text>')
    desc = "; ".join(f"{name}: " + ", ".join(f"{q} {v:g}" for q, v in zip(quarters, values,
                                                                         strict=True)
                                             if v is not None)
                     for name, values in series.items())
    return _frame(title, desc or "no figures", height, body)
