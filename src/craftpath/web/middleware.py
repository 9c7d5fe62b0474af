"""Request and response rules that hold for every page, so no view can forget them."""

from __future__ import annotations

import json
import logging
import time

from django.shortcuts import render
from django.utils.cache import patch_cache_control

JSON_TYPES = ("application/json", "application/scim+json")


def _nul_in_json(body: bytes) -> str | None:
    """The path of the first key or string of a JSON body holding a NUL character (written
    `\\u0000`), or None; a body that is not JSON is left for the door to refuse."""
    if b"\\u0000" not in body:
        return None
    try:
        document = json.loads(body)
    except ValueError:
        return None
    stack = [("", document)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            return path or "body"
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    return f"{path}.{key}".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), item))
        elif isinstance(value, list):
            stack.extend((f"{path}.{index}".lstrip("."), item)
                         for index, item in enumerate(value))
    return None


def _fields(request) -> list[tuple[str, list[str]]]:
    fields = [*request.GET.lists()]
    if request.method in ("POST", "PUT", "PATCH"):
        if request.content_type in JSON_TYPES:
            found = _nul_in_json(request.body)
            if found is not None:
                fields.append((found, ["\x00"]))
        elif request.method == "POST":
            fields.extend(request.POST.lists())
    return fields


def refuse_nul_characters(get_response):
    """A NUL character cannot be stored in PostgreSQL text and is never typed by a person:
    a form field, query parameter or JSON value holding one is refused (400, naming the
    field) before any view reads it, on every database alike, whichever door it came by."""

    def middleware(request):
        for name, values in _fields(request):
            if "\x00" in name or any("\x00" in value for value in values):
                field = name.replace("\x00", "")[:60] or "(unnamed)"
                message = (f"The field “{field}” holds a NUL character, which cannot be "
                           "stored. Nothing was changed.")
                if request.path.startswith("/scim/"):
                    from .api.scim_views import scim_refusal  # SCIM answers in its own format

                    return scim_refusal(400, message, "invalidValue")
                if request.path.startswith("/api/"):
                    from .api import problems  # the API answers in its own format

                    return problems.response(problems.bad_field(field, message, status=400),
                                             request.path)
                return render(request, "accounts/message.html", {
                    "title": "Not saved", "message": message}, status=400)
        return get_response(request)

    return middleware


def no_store_for_personal_pages(get_response):
    """Pages for a signed-in person (and the sign-in and reset pages, whose links carry
    tokens) must not be kept by browsers or shared caches: the next person at a shared
    computer could page back to them."""

    def middleware(request):
        response = get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.path.startswith("/accounts/"):
            patch_cache_control(response, no_store=True, private=True)
        return response

    return middleware


access = logging.getLogger("craftpath.access")


def access_log(get_response):
    """One line per request: method, path (tokens in links masked by the logger's filter),
    status, milliseconds, and who asked by account id (never a name or an email)."""

    def middleware(request):
        started = time.perf_counter()
        response = get_response(request)
        user = getattr(request, "user", None)
        who = user.pk if user is not None and user.is_authenticated else "-"
        access.info("%s %s %s %.1fms person=%s", request.method, request.get_full_path(),
                    response.status_code, (time.perf_counter() - started) * 1000, who)
        return response

    return middleware
