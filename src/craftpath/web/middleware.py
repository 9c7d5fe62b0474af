"""Request and response rules that hold for every page, so no view can forget them."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import patch_cache_control


def refuse_nul_characters(get_response):
    """A NUL character cannot be stored in PostgreSQL text and is never typed by a person:
    a form field or query parameter holding one is refused (400, naming the field) before any
    view reads it, on every database alike."""

    def middleware(request):
        fields = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST"
                                         else ())]
        for name, values in fields:
            if "\x00" in name or any("\x00" in value for value in values):
                field = name.replace("\x00", "")[:60] or "(unnamed)"
                message = (f"The field “{field}” holds a NUL character, which cannot be "
                           "stored. Nothing was changed.")
                if request.path.startswith(("/api/", "/scim/")):
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
