"""Two things each request needs from the audit trail: who is acting (for changes recorded
through model signals), and a record of every refused request for someone's personal data
(a 403 or a 404 on a people, check-in, data-rights or audit page)."""

from __future__ import annotations

from .models import Action
from .subjects import PERSONAL_PREFIXES, subject_of_route
from .trail import acting_as, record


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        with acting_as(user if user is not None and user.is_authenticated else None):
            response = self.get_response(request)
            if response.status_code in (403, 404) and self._personal(request, user):
                match = request.resolver_match
                record(request, Action.REFUSED, subject_of_route(match),
                       target=f"{request.method} {request.path}"[:100],
                       detail=f"answered {response.status_code}")
        return response

    @staticmethod
    def _personal(request, user) -> bool:
        return (user is not None and user.is_authenticated
                and request.resolver_match is not None
                and request.path.startswith(PERSONAL_PREFIXES))
