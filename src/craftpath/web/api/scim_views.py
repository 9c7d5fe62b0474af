"""SCIM 2.0 endpoints under /scim/v2/. A bearer token of the scim scope, held by an admin,
is required; answers are application/scim+json; errors are SCIM error documents."""

from __future__ import annotations

import json
from functools import wraps

from django.db import transaction
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from craftpath.web import access
from craftpath.web.accounts.models import Team, User
from craftpath.web.actions import ActionError, NotFound
from craftpath.web.actions import people as actions
from craftpath.web.audit import trail
from craftpath.web.ids import MAX_ID, parse_count, parse_id

from . import tokens
from .models import Scope
from .scim_resources import (
    CRAFTPATH,
    ENTERPRISE,
    GROUP,
    LIST,
    USER,
    ScimError,
    apply_group,
    apply_user,
    change_from_patch,
    change_from_resource,
    group_resource,
    parse_filter,
    scim_error,
    user_resource,
)

SCIM_JSON = "application/scim+json"
MAX_COUNT = 200


def _answer(document: dict | None, status: int = 200) -> HttpResponse:
    if document is None:
        answer = HttpResponse(status=status)
    else:
        answer = HttpResponse(json.dumps(document), status=status, content_type=SCIM_JSON)
    # People's names, addresses and managers: no browser or proxy keeps a copy.
    answer["Cache-Control"] = "no-store"
    return answer


def scim_refusal(status: int, detail: str, scim_type: str = "") -> HttpResponse:
    """A SCIM error document for a refusal made outside a SCIM view (the NUL middleware)."""
    return _answer(ScimError(status, detail, scim_type).document(), status)


def scim_view(methods: tuple[str, ...]):
    """Token check, method check, JSON body, and ScimError → a SCIM error document."""
    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here")
                _authenticate(request)
                body = None
                if request.method in ("POST", "PUT", "PATCH"):
                    try:
                        body = json.loads(request.body or b"{}")
                    except ValueError:
                        raise ScimError(400, "the body is not JSON", "invalidSyntax") from None
                    if not isinstance(body, dict):
                        raise ScimError(400, "the body must be a JSON object", "invalidSyntax")
                with transaction.atomic():
                    return view(request, *args, body=body, **kwargs)
            except ScimError as error:
                answer = _answer(error.document(), error.status)
                if error.status == 401:
                    answer["WWW-Authenticate"] = "Bearer"
                if error.status == 429:
                    answer["Retry-After"] = str(getattr(error, "retry_after", 60))
                return answer
        return wrapped
    return decorate


def _authenticate(request) -> None:
    header = request.headers.get("Authorization", "")
    kind, _, secret = header.partition(" ")
    token = tokens.find(secret.strip()) if kind.lower() == "bearer" else None
    if token is None:
        raise ScimError(401, "send a SCIM token: Authorization: Bearer …")
    if token.scope != Scope.SCIM or not access.can_manage_scim(token.owner):
        raise ScimError(403, "this token is not a SCIM token held by an admin")
    wait = tokens.seconds_until_allowed(token)
    if wait:
        error = ScimError(429, f"too many requests; try again in {wait} s", "tooMany")
        error.retry_after = wait
        raise error
    request.scim_actor = token.owner
    trail.acting_from_now(token.owner)  # a manager changed by the identity provider names them


def _base(request) -> str:
    return request.build_absolute_uri("/scim/v2").rstrip("/")


def _paging(request) -> tuple[int, int]:
    # A start past every row is an empty page, not an offset the database cannot hold.
    start = parse_count(request.GET.get("startIndex"), 1, MAX_ID)
    count = parse_count(request.GET.get("count"), 100, MAX_COUNT)
    if start is None or count is None:
        raise ScimError(400, "startIndex and count must be whole numbers", "invalidValue")
    return max(start, 1), count


def _list(request, queryset, render) -> HttpResponse:
    start, count = _paging(request)
    total = queryset.count()
    rows = queryset.order_by("pk")[start - 1:start - 1 + count] if start <= total else []
    return _answer({"schemas": [LIST], "totalResults": total, "startIndex": start,
                    "itemsPerPage": len(rows), "Resources": [render(row) for row in rows]})


def _person(request, pk, read: bool = False) -> User:
    """The user the request names; `read` when the answer shows their record and nothing was
    changed (a change is on the record already, as the action's)."""
    try:
        if read:
            return actions.read_person(request.scim_actor, pk, target="SCIM user")
        return actions.find_person(request.scim_actor, pk)
    except NotFound:
        raise ScimError(404, f"no user {pk}") from None


def _team(pk) -> Team:
    number = parse_id(pk)
    team = Team.objects.prefetch_related("members").filter(pk=number).first() \
        if number else None
    if team is None:
        raise ScimError(404, f"no group {pk}")
    return team


# --- Users ----------------------------------------------------------------------------------

@scim_view(("GET", "POST"))
def users(request, body=None):
    base = _base(request)
    if request.method == "POST":
        person = apply_user(request.scim_actor, None, change_from_resource(body), creating=True)
        return _answer(user_resource(_person(request, person.pk), base), 201)
    found = actions.list_people(request.scim_actor, target="SCIM users") \
        .prefetch_related("teams").select_related("scim_external")
    if request.GET.get("filter"):
        lookup, value = parse_filter(request.GET["filter"], {
            "userName": "email__iexact", "emails.value": "email__iexact",
            "emails": "email__iexact", "externalId": "scim_external__value"})
        found = found.filter(**{lookup: value})
    return _list(request, found, lambda person: user_resource(person, base))


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def user(request, pk: str, body=None):
    person = _person(request, pk)
    base = _base(request)
    actor = request.scim_actor
    if request.method == "PUT":
        apply_user(actor, person.pk, change_from_resource(body), creating=False)
    elif request.method == "PATCH":
        apply_user(actor, person.pk, change_from_patch(body, person), creating=False)
    elif request.method == "DELETE":
        # Deleting deactivates: the person's check-ins and history are kept, and they are
        # signed out (events.py); an identity provider may re-activate them later.
        try:
            actions.deactivate(actor, person.pk)
        except ActionError as error:
            raise scim_error(error) from None
        return _answer(None, 204)
    return _answer(user_resource(_person(request, pk, read=request.method == "GET"), base))


# --- Groups ---------------------------------------------------------------------------------

@scim_view(("GET", "POST"))
def groups(request, body=None):
    base = _base(request)
    if request.method == "POST":
        team = apply_group(request.scim_actor, None, resource=body)
        return _answer(group_resource(_team(team.pk), base), 201)
    found = Team.objects.prefetch_related("members")
    if request.GET.get("filter"):
        lookup, value = parse_filter(request.GET["filter"], {
            "displayName": "name", "externalId": "scim_external__value"})
        found = found.filter(**{lookup: value})
    return _list(request, found, lambda team: group_resource(team, base))


@scim_view(("GET", "PUT", "PATCH", "DELETE"))
def group(request, pk: str, body=None):
    team = _team(pk)
    actor = request.scim_actor
    if request.method == "PUT":
        apply_group(actor, team.pk, resource=body)
    elif request.method == "PATCH":
        apply_group(actor, team.pk, patch=body)
    elif request.method == "DELETE":
        try:
            # its members and their history stay; the role it brought goes
            actions.delete_team(actor, team.pk, roles_follow_groups=True)
        except ActionError as error:
            raise scim_error(error) from None
        return _answer(None, 204)
    return _answer(group_resource(_team(pk), _base(request)))


# --- what this service provider supports ----------------------------------------------------

@scim_view(("GET",))
def service_provider_config(request, body=None):
    return _answer({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": request.build_absolute_uri("/api/v1/docs#scim"),
        "patch": {"supported": True}, "bulk": {"supported": False, "maxOperations": 0,
                                               "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": MAX_COUNT},
        "changePassword": {"supported": False}, "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [{"type": "oauthbearertoken", "name": "Bearer token",
                                   "description": "A craftpath token of the scim scope",
                                   "primary": True}],
        "meta": {"resourceType": "ServiceProviderConfig",
                 "location": f"{_base(request)}/ServiceProviderConfig"}})


def _attribute(name, kind="string", multi=False, required=False, sub=None, unique="none",
               mutability="readWrite"):
    attribute = {"name": name, "type": kind, "multiValued": multi, "required": required,
                 "caseExact": False, "mutability": mutability, "returned": "default",
                 "uniqueness": unique, "description": name}
    if sub:
        attribute["subAttributes"] = sub
    return attribute


def schema_documents(base: str) -> list[dict]:
    value = _attribute("value")
    ref = {**_attribute("$ref", "reference"), "referenceTypes": ["User", "Group"]}
    return [
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": USER,
         "name": "User", "description": "A person",
         "attributes": [
             _attribute("userName", required=True, unique="server"),
             _attribute("name", "complex", sub=[_attribute("formatted"),
                                                _attribute("givenName"),
                                                _attribute("familyName")]),
             _attribute("displayName"),
             _attribute("emails", "complex", multi=True, sub=[value, _attribute("type"),
                                                               _attribute("primary",
                                                                          "boolean")]),
             _attribute("active", "boolean"),
             # Written too (some providers send a User's groups): they name teams, and the
             # teams CRAFTPATH_SCIM_ROLE_GROUPS names bring roles.
             _attribute("groups", "complex", multi=True,
                        sub=[value, ref, _attribute("display")])],
         "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{USER}"}},
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": ENTERPRISE,
         "name": "EnterpriseUser",
         "description": "Enterprise extension: the department and the manager",
         "attributes": [_attribute("department"),
                        _attribute("manager", "complex",
                                   sub=[value, ref, _attribute("displayName")])],
         "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{ENTERPRISE}"}},
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": CRAFTPATH,
         "name": "CraftpathUser",
         "description": "Where the person stands in the published framework: a family, its "
                        "tracks (several apart by ;) and a level, by slug or name",
         "attributes": [_attribute("family"), _attribute("track"), _attribute("level")],
         "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{CRAFTPATH}"}},
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": GROUP,
         "name": "Group", "description": "A team",
         "attributes": [_attribute("displayName", required=True, unique="server"),
                        _attribute("members", "complex", multi=True,
                                   sub=[value, ref, _attribute("display")])],
         "meta": {"resourceType": "Schema", "location": f"{base}/Schemas/{GROUP}"}},
    ]


@scim_view(("GET",))
def schemas(request, body=None):
    found = schema_documents(_base(request))
    return _answer({"schemas": [LIST], "totalResults": len(found), "startIndex": 1,
                    "itemsPerPage": len(found), "Resources": found})


@scim_view(("GET",))
def resource_types(request, body=None):
    base = _base(request)
    found = [
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "User",
         "name": "User", "endpoint": "/Users", "schema": USER,
         "schemaExtensions": [{"schema": ENTERPRISE, "required": False},
                              {"schema": CRAFTPATH, "required": False}],
         "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"}},
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "Group",
         "name": "Group", "endpoint": "/Groups", "schema": GROUP, "schemaExtensions": [],
         "meta": {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/Group"}},
    ]
    return _answer({"schemas": [LIST], "totalResults": len(found), "startIndex": 1,
                    "itemsPerPage": len(found), "Resources": found})
