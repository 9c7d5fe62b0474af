import dataclasses

import jsonschema
import pytest

from craftpath.core.formats import canonical
from craftpath.core.model import Level
from craftpath.core.schema import canonical_schema


def test_the_bundled_framework_validates(seed_framework):
    jsonschema.validate(canonical.to_document(seed_framework), canonical_schema())


def test_the_schema_rejects_what_the_reader_would_complain_about(seed_framework):
    document = canonical.to_document(seed_framework)
    document["families"][0]["levels"][0]["number"] = "five"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, canonical_schema())
    del document["name"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, canonical_schema())


def test_level_properties_follow_the_model_fields():
    level = canonical_schema()["properties"]["families"]["items"]["properties"]["levels"]["items"]
    model_fields = {f.name for f in dataclasses.fields(Level)} - {"rank", "source"}
    assert set(level["properties"]) == model_fields
    assert level["properties"]["number"] == {"type": ["integer", "null"]}
