"""The API's pages in the app: the reference (drawn on the server from the OpenAPI
document, so it needs no script and cannot drift from it), a person's tokens, and for admins
every webhook endpoint with its owner and state (they are managed through the API)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from craftpath.web import access

from . import problems, tokens
from .core import the_api
from .models import AccessToken, Scope, WebhookEndpoint

METHODS = ("get", "post", "put", "patch", "delete")


def _schema_name(node: dict | None) -> str:
    if not node:
        return ""
    if "anyOf" in node:
        return " or ".join(_schema_name(option) for option in node["anyOf"])
    ref = node.get("$ref") or node.get("items", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    if node.get("type") == "array":
        return f"list of {name or node.get('items', {}).get('type', 'values')}"
    return name or node.get("type", "")


def reference(schema: dict) -> list[dict]:
    """Operations grouped by tag, in the document's order, for the docs page."""
    groups: dict[str, list] = {}
    for path, operations in schema.get("paths", {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get(
                "application/json", {}).get("schema")
            ok = next((str(code) for code in operation.get("responses", {})
                       if str(code).startswith("2")), "")
            answer = {str(k): v for k, v in operation["responses"].items()}.get(ok, {}).get(
                "content", {}).get(
                "application/json", {}).get("schema")
            groups.setdefault((operation.get("tags") or ["other"])[0], []).append({
                "method": method.upper(), "path": path,
                "summary": operation.get("summary", ""),
                "parameters": [p for p in operation.get("parameters", [])
                               if p.get("in") != "cookie"],
                "body": _schema_name(body), "ok": ok, "answer": _schema_name(answer),
                "anchor": operation.get("operationId", f"{method}-{path}")})
    return [{"tag": tag, "operations": ops} for tag, ops in groups.items()]


@csrf_exempt  # it changes nothing; without this a POST would get the CSRF page, in HTML
def api_not_found(request):
    return problems.response(problems.not_found(), request.path)


@require_safe
def docs(request):
    schema = the_api().get_openapi_schema()
    components = schema.get("components", {}).get("schemas", {})
    return render(request, "api/docs.html", {
        "schema": schema, "groups": reference(schema),
        "components": [(name, [(field, _schema_name(spec) or spec.get("title", ""))
                               for field, spec in component.get("properties", {}).items()])
                       for name, component in sorted(components.items())],
        "description": _markdown(schema["info"].get("description", ""))})


def _markdown(text: str) -> str:
    """The API's description is written in Markdown (for OpenAPI tools): shown rendered,
    with any HTML in it escaped rather than passed through."""
    from django.utils.safestring import mark_safe
    from markdown_it import MarkdownIt

    return mark_safe(MarkdownIt("commonmark", {"html": False}).render(text))


@login_required
@require_safe
def token_list(request):
    return render(request, "api/tokens.html", _token_context(request.user))


def _token_context(person, issued=None, problem="") -> dict:
    allowed = {Scope.READ, Scope.WRITE}
    if access.can_issue_admin_token(person):
        allowed.add(Scope.ADMIN)
    if access.can_manage_scim(person):
        allowed.add(Scope.SCIM)
    return {"tokens": AccessToken.objects.filter(owner=person),
            "scopes": [(value, label) for value, label in Scope.choices if value in allowed],
            "issued": issued, "problem": problem,
            "webhooks": WebhookEndpoint.objects.select_related("owner")
            if access.can_manage_webhooks(person) else None}


@login_required
@require_POST
def token_create(request):
    expires = request.POST.get("expires_days", "").strip()
    try:
        days = int(expires) if expires else None
        issued = tokens.create(request.user, request.POST.get("name", ""),
                               request.POST.get("scope", ""), days)
    except ValueError:
        return render(request, "api/tokens.html", _token_context(
            request.user, problem="Expiry: a number of days, or empty for none."), status=422)
    except tokens.TokenError as error:
        return render(request, "api/tokens.html", _token_context(
            request.user, problem=str(error).capitalize() + "."), status=422)
    # Shown once, in this answer; only its digest is kept.
    return render(request, "api/tokens.html", _token_context(request.user, issued=issued))


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(AccessToken, pk=pk, owner=request.user)
    tokens.revoke(token)
    messages.success(request, f"Revoked “{token.name}”.")
    return redirect("api-tokens")
