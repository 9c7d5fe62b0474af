"""The OpenAPI 3.1 document, the reference page drawn from it, and the framework resources."""

from __future__ import annotations

import re

from .conftest import FAMILY


def test_the_openapi_document_is_3_1_and_names_every_api_route(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/people", "/api/v1/checkins/{pk}/ratings/{statement_id}",
            "/api/v1/webhooks"} <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    refused = schema["paths"]["/api/v1/people"]["get"]["responses"]["401"]
    assert list(refused["content"]) == ["application/problem+json"]


def test_the_reference_page_is_served_by_the_app_with_no_scripts_of_its_own(client, db):
    answer = client.get("/api/v1/docs")
    page = answer.content.decode()
    assert answer.status_code == 200
    # Only the layout's own scripts (htmx, app.js), no docs UI fetched from elsewhere.
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts and all(re.search(r'src="/static/', attrs) for attrs in scripts)
    assert "swagger" not in page.lower() and "GET /api/v1/people" in page
    assert 'id="schema-PersonOut"' in page and "webhook-signature" in page
    assert "**" not in page  # the description's Markdown is rendered, not shown raw
    assert "<strong>" in page
    assert "default-src 'self'" in answer["Content-Security-Policy"]


def test_framework_resources(small_org, api_as, published_seed):
    api = api_as(small_org.ian, "read")
    versions = api.get("/api/v1/frameworks").json()
    assert [v["label"] for v in versions] == [published_seed.label]
    assert api.get("/api/v1/frameworks/active").json()["families"] == [FAMILY]
    family = api.get(f"/api/v1/frameworks/active/families/{FAMILY}").json()
    assert [level["slug"] for level in family["levels"]][:2] == ["level-5", "level-4"]
    statements = api.get(f"/api/v1/frameworks/{published_seed.label}/families/{FAMILY}/"
                         "statements?level=level-3&area=ml-ops").json()
    assert statements and all(s["id"].startswith("ml-ops.level-3.") for s in statements)
    assert len(api.get(f"/api/v1/frameworks/active/families/{FAMILY}/statements").json()) == 60
    assert len(api.get(f"/api/v1/frameworks/active/families/{FAMILY}/areas").json()) == 7
    missing = api.get("/api/v1/frameworks/active/families/nope")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"
