"""The JSON Schema of the canonical format, generated from the model's dataclasses.

Each object of the canonical document is one dataclass of the model, less what the document
carries elsewhere (nesting, ranks by position, sources); field types come from the model's
annotations, so a new model field shows up in the schema without a second edit.
"""

from __future__ import annotations

import dataclasses
import types
import typing

from .formats.canonical import FORMAT_VERSION
from .model import Area, Family, Framework, Level, PageStyle, Term, Track

NOT_IN_DOCUMENT = {"source", "rank", "section_sources", "terms", "statements", "expectations"}
PLAIN_TYPES = {str: "string", int: "integer", bool: "boolean"}
SLUG = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}


def _json_type(annotation) -> dict | None:
    """A JSON Schema for a plain annotation (str, int, bool, X | None), else None."""
    if annotation in PLAIN_TYPES:
        return {"type": PLAIN_TYPES[annotation]}
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(options) == 1 and options[0] in PLAIN_TYPES:
            return {"type": [PLAIN_TYPES[options[0]], "null"]}
    return None


def _object(cls, required: tuple[str, ...], nested: dict | None = None) -> dict:
    hints = typing.get_type_hints(cls)
    properties = {}
    for field in dataclasses.fields(cls):
        if field.name in NOT_IN_DOCUMENT:
            continue
        schema = _json_type(hints[field.name])
        if schema is not None:
            properties[field.name] = SLUG if field.name == "slug" else schema
    properties.update(nested or {})
    return {"type": "object", "additionalProperties": False, "required": list(required),
            "properties": properties}


def _list_of(schema: dict) -> dict:
    return {"type": "array", "items": schema}


def canonical_schema() -> dict:
    statement = {"oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "additionalProperties": False, "required": ["text"],
         "properties": {"id": {"type": "string"}, "text": {"type": "string", "minLength": 1}}},
    ]}
    cell = {"oneOf": [
        _list_of(statement),
        {"type": "string", "description": "a gap: TODO, TBD or empty"},
        {"type": "null"},
    ]}
    page = _object(PageStyle, (), {
        "sections": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "section heading per track slug, as written on the page"},
    })
    area = _object(Area, ("slug", "name"), {
        "expectations": {"type": "object", "additionalProperties": cell,
                         "description": "statements per level slug"},
    })
    track = _object(Track, ("slug", "name"), {"areas": _list_of(area)})
    level = _object(Level, ("slug", "code"), {"page": page})
    family = _object(Family, ("slug", "name"), {"levels": _list_of(level),
                                                 "tracks": _list_of(track)})
    framework = _object(Framework, ("craftpath", "name", "families"), {
        "craftpath": {"const": FORMAT_VERSION},
        "scale": _list_of({"type": "string"}),
        "terms": _list_of(_object(Term, ("slug", "name"))),
        "families": _list_of(family),
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "craftpath framework (canonical format)",
        "description": "One career framework: families of levels, tracks of areas, and the "
                       "statements expected of each level in each area. Levels are listed "
                       "junior first.",
        **framework,
    }
