"""What the draft editor pages show: each item with the fingerprint its forms carry (for
conflict checks) and the lint findings that point at it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import format_html_join

from craftpath.core.model import Diagnostic, Family, Framework

from .drafts import Findings, findings_of, fingerprint, framework_of_draft
from .models import Draft


@dataclass
class Item:
    """One editable thing on a page."""

    target: str  # the key its edits name (drafts.describe)
    value: object  # the model element
    fingerprint: str
    findings: list[Diagnostic] = field(default_factory=list)
    children: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return "i-" + "".join(c if c.isalnum() else "-" for c in self.target)


def _item(framework: Framework, findings: Findings, target: str, value, key: str = "",
          **extra) -> Item:
    return Item(target, value, fingerprint(framework, target), findings.of(key or target),
                extra=extra)


def _common(draft: Draft) -> tuple[Framework, Findings, dict]:
    framework, findings = framework_of_draft(draft), findings_of(draft)
    return framework, findings, {"framework": framework, "findings": findings,
                                 "revision": draft.revision}


def _family(framework: Framework, slug: str) -> Family:
    family = framework.find_family(slug)
    if family is None or family.slug != slug:
        raise LookupError(f"The draft has no family {slug!r}.")
    return family


def overview_context(draft: Draft) -> dict:
    framework, findings, context = _common(draft)
    families = []
    for family in framework.families:
        found = findings.in_family(family.slug)
        families.append({"family": family, "statements": len(family.statements),
                         "errors": sum(d.is_error for d in found), "findings": len(found)})
    context.update(
        families=families,
        name=_item(framework, findings, "name", framework),
        scale=_item(framework, findings, "scale", framework.scale),
        scale_text="\n".join(framework.scale),
        terms=[_item(framework, findings, f"term:{t.slug}", t) for t in framework.terms],
    )
    return context


def family_context(draft: Draft, slug: str) -> dict:
    framework, findings, context = _common(draft)
    family = _family(framework, slug)
    levels = [_item(framework, findings, f"level:{slug}:{lv.slug}", lv, position=index)
              for index, lv in enumerate(family.levels)]
    tracks = []
    for index, track in enumerate(family.tracks):
        item = _item(framework, findings, f"track:{slug}:{track.slug}", track, position=index)
        for position, area in enumerate(track.areas):
            count = sum(len(c.statements) for c in family.expectations if c.area == area.slug)
            area_findings = [d for key, found in findings.by_item.items()
                             if key == f"area:{slug}:{area.slug}"
                             or key.startswith(f"cell:{slug}:{area.slug}:") for d in found]
            child = _item(framework, findings, f"area:{slug}:{area.slug}", area,
                          position=position, statements=count)
            child.findings = area_findings
            item.children.append(child)
        tracks.append(item)
    context.update(family=family, levels=levels, tracks=tracks,
                   levels_fingerprint=fingerprint(framework, f"levels:{slug}"),
                   tracks_fingerprint=fingerprint(framework, f"tracks:{slug}"),
                   family_findings=findings.of(f"family:{slug}"))
    return context


def area_context(draft: Draft, family_slug: str, area_slug: str) -> dict:
    framework, findings, context = _common(draft)
    family = _family(framework, family_slug)
    area = next((a for a in family.areas if a.slug == area_slug), None)
    if area is None:
        raise LookupError(f"{family.name} has no area {area_slug!r} in the draft.")
    targets = [(f"{a.slug}|{lv.slug}", f"{a.name} · {lv.code}")
               for a in family.areas for lv in family.present_levels]
    cells = []
    for level in family.present_levels:
        cell = family.expectation(area.slug, level.slug)
        rows = [_item(framework, findings, f"statement:{family_slug}:{s.id}", s,
                      position=index)
                for index, s in enumerate(cell.statements if cell else ())]
        here = f"{area.slug}|{level.slug}"
        # Drawn once per cell, not per statement: a large family has a hundred places.
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (value, " selected" if value == here else "", label) for value, label in targets))
        cells.append({"level": level, "statements": rows, "move_options": options,
                      "findings": findings.of(f"cell:{family_slug}:{area.slug}:{level.slug}"),
                      "gap": cell.gap_text if cell and cell.is_gap else ""})
    areas = list(family.areas)
    index = areas.index(area)
    context.update(family=family, area=area, track=family.track_of(area), cells=cells,
                   move_targets=targets,
                   area_item=_item(framework, findings, f"area:{family_slug}:{area.slug}", area),
                   previous=areas[index - 1] if index else None,
                   next=areas[index + 1] if index + 1 < len(areas) else None)
    return context
