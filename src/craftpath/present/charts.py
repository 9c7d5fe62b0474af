"""Charts drawn on the server as SVG text, so they need no JavaScript and print as they show."""

from __future__ import annotations

import math
from html import escape

SIZE = 420
CENTRE = SIZE / 2
RADIUS = 130
LABEL_GAP = 16
PAD = 100  # room for labels left and right of the circle
LABEL_CHARS = 16  # per line of an axis label; two lines at most
LINE_HEIGHT = 13


def _point(index: int, count: int, distance: float) -> tuple[float, float]:
    # The first axis points straight up; the rest go clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return CENTRE + distance * math.cos(angle), CENTRE + distance * math.sin(angle)


def radar(values: list[tuple[str, int]], scale_max: int, title: str) -> str:
    """A radar (spider) chart of (label, value) pairs, one axis each, as an <svg> element.

    `scale_max` is shared by every level of a family so that charts compare at a glance.
    The numbers are also in the <desc> and in the page's own lists, for screen readers.
    """
    count = len(values)
    top = max(scale_max, 1)
    desc = "; ".join(f"{label}: {value}" for label, value in values)
    out = [f'<svg class="radar" viewBox="{-PAD} 0 {SIZE + 2 * PAD} {SIZE}" '
           f'width="{SIZE + 2 * PAD}" '
           f'height="{SIZE}" '
           f'role="img" aria-labelledby="radar-title radar-desc" '
           f'xmlns="http://www.w3.org/2000/svg">',
           f'<title id="radar-title">{escape(title)}</title>',
           f'<desc id="radar-desc">{escape(desc)}</desc>']
    if count < 3:  # a radar needs three axes to enclose an area; say so instead
        out.append(f'<text x="{CENTRE}" y="{CENTRE}" text-anchor="middle">'
                   f'{escape(desc) or "No areas"}</text></svg>')
        return "".join(out)
    for step in range(1, top + 1):  # one ring per statement count
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                        (_point(i, count, RADIUS * step / top) for i in range(count)))
        out.append(f'<polygon class="ring" points="{ring}"/>')
    for i, (label, _value) in enumerate(values):
        x, y = _point(i, count, RADIUS)
        out.append(f'<line class="axis" x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = _point(i, count, RADIUS + LABEL_GAP)
        anchor = "middle" if abs(lx - CENTRE) < 1 else ("start" if lx > CENTRE else "end")
        lines = label_lines(label)
        # Labels above the centre grow upwards, the others downwards, away from the circle.
        first = ly + 4 - (len(lines) - 1) * LINE_HEIGHT if ly < CENTRE else ly + 4
        spans = "".join(f'<tspan x="{lx:.1f}" y="{first + n * LINE_HEIGHT:.1f}">'
                        f'{escape(line)}</tspan>' for n, line in enumerate(lines))
        out.append(f'<text text-anchor="{anchor}"><title>{escape(label)}</title>{spans}</text>')
    shape = " ".join(f"{x:.1f},{y:.1f}" for x, y in
                     (_point(i, count, RADIUS * value / top)
                      for i, (_label, value) in enumerate(values)))
    out.append(f'<polygon class="shape" points="{shape}"/>')
    for i, (_label, value) in enumerate(values):
        x, y = _point(i, count, RADIUS * value / top)
        out.append(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="3"/>')
    out.append("</svg>")
    return "".join(out)


def label_lines(label: str, width: int = LABEL_CHARS, most: int = 2) -> list[str]:
    """The label wrapped at word boundaries into at most `most` lines of `width` characters;
    what does not fit ends the last line with an ellipsis (the full name is in its title)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1] + "…"
    return [line if len(line) <= width else line[: width - 1].rstrip() + "…" for line in lines]


