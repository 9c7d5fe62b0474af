"""Framework versions and their families, levels, areas and statements (read only). The
catalogue of one version is bounded by its document, so these lists come whole."""

from __future__ import annotations

from ninja import Router

from craftpath.web.frameworks.publishing import all_versions, framework_of, version_labelled

from .problems import not_found
from .schemas import AreaOut, FamilyOut, LevelOut, StatementOut, VersionOut, answers

router = Router(tags=["framework"])
ACTIVE = "active"  # stands for whichever version is active now


def _version(label: str):
    if label == ACTIVE:
        version = next((v for v in all_versions() if v.is_active), None)
    else:
        version = version_labelled(label)
    if version is None:
        raise not_found("framework version")
    return version


def _family(label: str, family_slug: str):
    framework = framework_of(_version(label))
    family = framework.find_family(family_slug)
    if family is None or family.slug != family_slug:
        raise not_found("family")
    return family


def _version_out(version) -> dict:
    return {"label": version.label, "name": version.name, "created_at": version.created_at,
            "is_active": version.is_active,
            "families": [f.slug for f in framework_of(version).families]}


def _level_out(level) -> dict:
    return {"slug": level.slug, "code": level.code, "rank": level.rank, "number": level.number,
            "name": level.name, "title": level.title, "missing": level.missing}


@router.get("", response=answers({200: list[VersionOut]}), summary="Published versions")
def list_versions(request):
    return [_version_out(v) for v in all_versions()]


@router.get("/{version}", response=answers({200: VersionOut}),
            summary="One version (`active` for the active one)")
def get_version(request, version: str):
    return _version_out(_version(version))


@router.get("/{version}/families/{family}", response=answers({200: FamilyOut}),
            summary="A family: its levels and tracks")
def get_family(request, version: str, family: str):
    found = _family(version, family)
    return {"slug": found.slug, "name": found.name,
            "levels": [_level_out(level) for level in found.levels],
            "tracks": [{"slug": t.slug, "name": t.name, "areas": [a.slug for a in t.areas]}
                       for t in found.tracks]}


@router.get("/{version}/families/{family}/levels", response=answers({200: list[LevelOut]}),
            summary="A family's levels, junior first")
def list_levels(request, version: str, family: str):
    return [_level_out(level) for level in _family(version, family).levels]


@router.get("/{version}/families/{family}/areas", response=answers({200: list[AreaOut]}),
            summary="A family's competency areas")
def list_areas(request, version: str, family: str):
    found = _family(version, family)
    return [{"slug": a.slug, "name": a.name, "track": t.slug, "description": a.description}
            for t in found.tracks for a in t.areas]


@router.get("/{version}/families/{family}/statements",
            response=answers({200: list[StatementOut]}),
            summary="Statements, filtered by level and area")
def list_statements(request, version: str, family: str, level: str | None = None,
                    area: str | None = None):
    found = _family(version, family)
    return [{"id": s.id, "text": s.text, "area": cell.area, "level": cell.level}
            for cell in found.expectations
            if (level is None or cell.level == level) and (area is None or cell.area == area)
            for s in cell.statements]
