"""A NUL character in a JSON body (written \\u0000) cannot be stored in PostgreSQL text: the
API and SCIM refuse it before any route reads it, naming the field, and store nothing."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from craftpath.web.accounts.models import Team, User
from craftpath.web.api import tokens
from craftpath.web.checkins.models import Evidence

from .api_helpers import token_client

pytestmark = pytest.mark.django_db


def test_an_evidence_title_with_a_nul_is_refused_naming_the_field(small_org):
    api = token_client(small_org.ian)
    reply = api.post("/api/v1/evidence", {"title": "shipped\x00it", "description": "fine"})
    assert reply.status_code == 400
    problem = reply.json()
    assert problem["errors"][0]["field"] == "title"
    assert "NUL character" in problem["detail"]
    assert not Evidence.objects.exists()


def test_a_nested_value_and_a_key_with_a_nul_are_named(small_org):
    api = token_client(small_org.ada, "admin")
    reply = api.post("/api/v1/teams", {"name": "ok", "extra": [{"a\x00": 1}]})
    assert reply.status_code == 400 and reply.json()["errors"][0]["field"] == "extra.0.a"
    reply = api.post("/api/v1/teams", {"name": "Data\x00Team"})
    assert reply.status_code == 400 and reply.json()["errors"][0]["field"] == "name"
    assert not Team.objects.filter(name__startswith="Data").exists()


def test_scim_answers_a_nul_with_a_scim_error_and_creates_nobody(small_org):
    secret = tokens.create(small_org.ada, "identity provider", "scim").secret
    before = User.objects.count()
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "new@example.com", "displayName": "New\x00Person"}
    reply = Client().post("/scim/v2/Users", json.dumps(body),
                          content_type="application/scim+json",
                          HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert reply.status_code == 400
    document = json.loads(reply.content)
    assert document["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert document["scimType"] == "invalidValue" and "displayName" in document["detail"]
    assert User.objects.count() == before


def test_a_json_body_without_nul_goes_through(small_org):
    api = token_client(small_org.ian)
    reply = api.post("/api/v1/evidence", {"title": "shipped it", "description": "\\u0000 typed"})
    assert reply.status_code == 201, reply.content
    assert Evidence.objects.get().description == "\\u0000 typed"
