"""Counts that describe a framework at a glance, per family and in total."""

from __future__ import annotations

from .model import Family, Framework

COUNT_KEYS = ("levels_present", "levels_missing", "tracks", "areas", "cells", "gaps",
              "statements", "terms")


def family_counts(family: Family) -> dict[str, int]:
    return {
        "levels_present": len(family.present_levels),
        "levels_missing": len(family.missing_levels),
        "tracks": len(family.tracks),
        "areas": len(family.areas),
        "cells": len(family.expectations),
        "gaps": sum(cell.is_gap for cell in family.expectations),
        "statements": len(family.statements),
        "terms": len({slug for s in family.statements for slug in s.terms}),
    }


def summarise(framework: Framework) -> dict:
    """{"framework", "version", "families": [{"family", "name", counts…}], "totals": {…}}."""
    families = [{"family": f.slug, "name": f.name, **family_counts(f)}
                for f in framework.families]
    totals = {"families": len(families)}
    totals.update({key: sum(f[key] for f in families) for key in COUNT_KEYS})
    totals["terms"] = len(framework.terms)
    return {"framework": framework.name, "version": framework.version, "families": families,
            "totals": totals}
