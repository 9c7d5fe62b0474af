"""Errors as application/problem+json (RFC 9457): one exception type carries the status, a
title, a detail for people and the fields it is about; one function renders it."""

from __future__ import annotations

import json

from django.http import HttpResponse

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):  # noqa: N818 - it is the problem document, raised
    def __init__(self, status: int, title: str, detail: str = "", *, field: str | None = None,
                 errors: list[dict] | None = None, headers: dict | None = None,
                 current: dict | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail or title
        self.errors = errors or ([{"field": field, "detail": self.detail}] if field else [])
        self.headers = headers or {}
        self.current = current  # what is stored now, for a refused stale write

    def document(self, instance: str = "") -> dict:
        body = {"type": "about:blank", "title": self.title, "status": self.status,
                "detail": self.detail, "errors": self.errors}
        if instance:
            body["instance"] = instance
        if self.current is not None:
            body["current"] = self.current
        return body


def response(problem: Problem, instance: str = "") -> HttpResponse:
    answer = HttpResponse(json.dumps(problem.document(instance)), status=problem.status,
                          content_type=PROBLEM_JSON)
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


def not_found(what: str = "resource") -> Problem:
    return Problem(404, "Not found", f"No such {what}, or you may not see it.")


def forbidden(detail: str) -> Problem:
    return Problem(403, "Forbidden", detail)


def bad_field(field: str, detail: str, status: int = 422) -> Problem:
    return Problem(status, "Invalid request", detail, field=field)


def from_action(error) -> Problem:
    """An action's refusal (actions/errors.py) as the API answers it."""
    titles = {404: "Not found", 403: "Forbidden", 412: "Precondition failed",
              422: "Invalid request"}
    return Problem(error.status, titles.get(error.status, "Invalid request"), error.message,
                   errors=error.problems, current=getattr(error, "current", None))


def field_of(location) -> str:
    """Ninja's error location ("body", "payload", "value") → the field a client sent."""
    parts = [str(part) for part in location if part not in ("body", "payload", "query",
                                                            "path", "header")]
    return ".".join(parts) or ".".join(str(part) for part in location)
