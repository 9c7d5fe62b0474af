"""The pages' door: an action's refusal raised out of a view becomes the page's answer, so a
view can call an action and let NotFound and Refused through."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse

from .errors import ActionError, NotFound, Refused


class ActionErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ActionError):
            return None
        if isinstance(exception, NotFound):
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, Refused):
            return response_for_exception(request, PermissionDenied(exception.message))
        # Stale and Invalid are the view's to show beside the form; one that was not is
        # still answered in words, never with a traceback.
        return HttpResponse(exception.message, status=409 if exception.status == 412 else 400,
                            content_type="text/plain; charset=utf-8")
