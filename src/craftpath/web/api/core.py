"""The API object: authentication, error handlers (every error is problem+json), the routers
and the OpenAPI document's finishing touches."""

from __future__ import annotations

import copy
from functools import cache, cached_property

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from craftpath.web.actions import ActionError

from . import problems
from .auth import SessionAuth, TokenAuth
from .problems import Problem

DESCRIPTION = """The craftpath JSON API. Authenticate with a personal access token
(`Authorization: Bearer cpt_…`, made on your profile or with `craftpath token create`), or
with the app's own signed-in session (CSRF token required on writes).

Scopes: **read** (GET only), **write** (the changes your roles allow), **admin** (also people,
teams, roles and webhooks; admins only). Lists take `limit` and `cursor` and answer with
`next_cursor`. Writes to something that has a revision take `If-Match` with the ETag you read;
a stale one is refused with 412. Errors are `application/problem+json` (RFC 9457) naming the
field in `errors`. Requests are rate-limited per token and per person (429 with
`Retry-After`); a person holds a limited number of live tokens."""


class ObjectBodyParser(Parser):
    """Request bodies are JSON objects. (Left to itself, ninja reads a bare JSON string as the
    value of a body's only field; refused here, it answers 400.)"""

    def parse_body(self, request):
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return data


class CraftpathAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The document, made once per process for each root path: making it takes seconds
        (every schema of every route) and the routes do not change while the app runs. Each
        caller gets its own copy, so none can change another's."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._documents:
            self._documents[path_prefix] = self._make_document(path_prefix)
        return copy.deepcopy(self._documents[path_prefix])

    @cached_property
    def _documents(self) -> dict:
        return {}

    def _make_document(self, path_prefix: str) -> dict:
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        # Error answers are problem documents; say so in the document, as they are served.
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.PROBLEM_JSON:
                                             content.pop("application/json")}
        return schema


@cache
def the_api() -> NinjaAPI:
    """The API the URLs serve and its reference page (pages.docs) describes: one instance, as
    django-ninja registers each under its URL namespace once."""
    return build_api()


def build_api() -> NinjaAPI:
    from . import (
        routes_checkins,
        routes_cycles,
        routes_evidence,
        routes_feedback,
        routes_frameworks,
        routes_insights,
        routes_people,
        routes_promotions,
        routes_webhooks,
    )

    api = CraftpathAPI(title="craftpath API", version="1", description=DESCRIPTION,
                       auth=[TokenAuth(), SessionAuth()], docs_url=None,
                       parser=ObjectBodyParser(),
                       urls_namespace="api-v1")
    api.add_exception_handler(Problem, lambda request, exc: problems.response(
        exc, request.path))
    api.add_exception_handler(ValidationError, _invalid)
    api.add_exception_handler(AuthenticationError, lambda request, exc: problems.response(
        Problem(401, "Unauthorized", "Send a personal access token (Authorization: Bearer "
                "…) or sign in.", headers={"WWW-Authenticate": "Bearer"}), request.path))
    api.add_exception_handler(HttpError, _refused)
    # A number in the path beyond what the database can hold names nothing.
    api.add_exception_handler(OverflowError, lambda request, exc: problems.response(
        problems.not_found(), request.path))
    api.add_exception_handler(PermissionDenied, lambda request, exc: problems.response(
        problems.forbidden(str(exc) or "You may not do this."), request.path))
    api.add_exception_handler(Http404, lambda request, exc: problems.response(
        problems.not_found(), request.path))
    api.add_exception_handler(ActionError, lambda request, exc: problems.response(
        problems.from_action(exc), request.path))
    api.add_router("/frameworks", routes_frameworks.router)
    api.add_router("/people", routes_people.people)
    api.add_router("/teams", routes_people.teams)
    api.add_router("/roles", routes_people.roles)
    api.add_router("/checkins", routes_checkins.router)
    api.add_router("/checkins", routes_feedback.on_checkins)
    api.add_router("/feedback-requests", routes_feedback.asked)
    api.add_router("/cycles", routes_cycles.router)
    api.add_router("/insights", routes_insights.router)
    api.add_router("/evidence", routes_evidence.evidence)
    api.add_router("/growth-plans", routes_evidence.plans)
    api.add_router("/webhooks", routes_webhooks.router)
    api.add_router("/promotions", routes_promotions.router)
    return api


def _refused(request, exc: HttpError):
    if exc.status_code == 400:  # ninja's only 400: the body could not be read
        return problems.response(Problem(400, "Invalid request", "The body must be a JSON "
                                         "object.", field="body"), request.path)
    return problems.response(Problem(exc.status_code, "Refused", str(exc.message)),
                             request.path)


def _invalid(request, exc: ValidationError):
    errors = [{"field": problems.field_of(error.get("loc", ())),
               "detail": error.get("msg", "invalid")} for error in exc.errors]
    first = errors[0] if errors else {"field": "", "detail": "invalid"}
    return problems.response(Problem(422, "Invalid request",
                                     f"{first['field']}: {first['detail']}", errors=errors),
                             request.path)
