"""The promotion packet: a closed check-in with its evidence and growth history, as Markdown
and as a PDF printed by the same headless Chromium as the framework's PDFs.

It is built from the frozen record (the version's statements, the agreed and both sides'
ratings, the evidence as it read when the check-in closed), plus the goals and focus
statements of the growth plan and the coverage trend across closed check-ins.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.template.loader import render_to_string

from craftpath.core.text import unmark
from craftpath.present.render import STATIC
from craftpath.web.frameworks import pdf

from . import history as histories
from . import loop, rows
from . import plan as plans
from . import scope as scopes


@dataclass(frozen=True)
class Packet:
    checkin: object
    scope: scopes.Scope
    areas: list[tuple]  # (area, [Row])
    plan: plans.Plan
    trends: list[tuple]
    history: histories.History


def gather(checkin) -> Packet:
    scope = scopes.of_checkin(checkin)
    record = rows.build(checkin, scope, {"self", "manager", "agreed"},
                        evidence=loop.frozen_evidence(checkin))
    grouped: dict[str, list] = {}
    for row in record:
        grouped.setdefault(row.item.area.slug, []).append(row)
    history = histories.of(checkin.person)
    return Packet(checkin, scope, [(a.area, grouped.get(a.area.slug, [])) for a in scope.areas],
                  plans.of(checkin.person), histories.trends(history), history)


def _md(text: str) -> str:
    """One line of Markdown: no stray line breaks, and markup characters kept literal."""
    text = " ".join((text or "").split())
    for mark in ("\\", "*", "_", "`", "[", "]", "<", ">", "#", "|"):
        text = text.replace(mark, "\\" + mark)
    return text


def _md_link(url: str) -> str:
    """An autolink that cannot be broken out of: characters that would end it or open HTML
    (`<`, `>`, quotes, spaces, backticks) are percent-encoded, and only web links are links."""
    url = (url or "").strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return _md(url)
    return "<" + quote(url, safe=";/?:@&=+$,-_.!~*'()#%[]") + ">"


def _voice(voice: dict) -> str:
    if not voice.get("value"):
        return "not rated"
    out = _md(voice["value"])
    if voice.get("reason"):
        out += f" ({_md(voice['reason'])})"
    if voice.get("comment"):
        out += f" — {_md(voice['comment'])}"
    return out


def _day(value) -> str:
    """The pages' one date format ("5 Mar 2026"), also for ISO dates frozen in a snapshot."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%b %Y}"


def markdown(packet: Packet) -> str:
    c, s = packet.checkin, packet.scope
    lines = [f"# Promotion packet: {_md(c.person.name)}", "",
             f"- Framework: {_md(s.framework.name)}, version {_md(c.version.label)}",
             f"- Family: {_md(s.family.name)}",
             f"- Level: {_md(s.level.label)}"
             + (f"; next level: {_md(s.next_level.label)}" if s.next_level else ""),
             f"- Check-in closed: {_day(c.closed_at)}", "",
             "Coverage here is a conversation aid, not a verdict.", "", "## Summary", "",
             _md(c.summary) or "_No summary._", ""]
    for area, area_rows in packet.areas:
        lines += [f"## {_md(area.name)}", ""]
        for row in area_rows:
            lines += [f"### {_md(row.statement.id)} ({_md(row.item.level.code)})", "",
                      _md(unmark(row.statement.text)), "",
                      f"- Agreed: {_voice(row.voices['agreed'])}",
                      f"- Self: {_voice(row.voices['self'])}",
                      f"- Manager: {_voice(row.voices['manager'])}"]
            for e in row.evidence:
                link = f" {_md_link(e['link'])}" if e.get("link") else ""
                lines.append(f"- Evidence: {_md(e['title'])} ({_day(e['date'])}){link}"
                             + (f": {_md(e['description'])}" if e.get("description") else ""))
            lines.append("")
    lines += ["## Growth plan", ""]
    for f in packet.plan.focus:
        lines.append(f"- Focus: {_md(f.where)}: {_md(f.text or f.record.statement_id)}")
    for g in packet.plan.goals:
        due = f", due {_day(g.due)}" if g.due else ""
        lines.append(f"- Goal: {_md(g.title)}{due}{' (done)' if g.done else ''}")
        lines += [f"  - {_md(line)}" for line in g.actions.splitlines() if line.strip()]
    if packet.plan.empty:
        lines.append("_No focus statements or goals._")
    lines += ["", "## Coverage across closed check-ins", ""]
    if packet.trends:
        dates = [f"{x.closed_at:%b %Y}" for x in packet.history.checkins]
        lines += ["| Area | " + " | ".join(dates) + " |",
                  "|---|" + "---|" * len(dates)]
        for area, points, _ in packet.trends:
            cells = ["—" if share is None else f"{round(100 * share)}%" for _, share in points]
            lines.append(f"| {_md(area.name)} | " + " | ".join(cells) + " |")
    else:
        lines.append("_No closed check-ins at the current level yet._")
    return "\n".join(lines) + "\n"


def html(packet: Packet) -> str:
    return render_to_string("checkins/packet.html", {
        "p": packet, "checkin": packet.checkin, "scope": packet.scope,
        "stylesheet": (STATIC / "craftpath" / "craftpath.css").as_uri()})


def to_pdf(page_html: str) -> bytes:
    return pdf.html_to_pdf(page_html, "The Markdown packet has the same content.")
