"""The outcomes an action refuses with. Each door maps them to its own answer:

| error     | page | API (problem+json) | SCIM | command line      |
|-----------|------|--------------------|------|-------------------|
| NotFound  | 404  | 404                | 404  | error line, exit 2|
| Refused   | 403  | 403                | 403  | error line, exit 2|
| Stale     | 409 page or the form shown again with what is stored now | 412 | 412 | exit 2 |
| Invalid   | the form shown again with the field's message | 422 | 400 | exit 2 |

Someone who may not see a thing at all gets NotFound, never Refused, so ids cannot be probed.
"""

from __future__ import annotations


class ActionError(Exception):
    """Base of the refusals; `message` is written for the person who asked."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None,
                 problems: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        # Every field's problem, [{"field": ..., "detail": ...}], when there are several.
        self.problems = problems or ([{"field": field, "detail": message}] if field else [])


class NotFound(ActionError):
    """No such thing, or the viewer may not know it exists."""

    status = 404

    def __init__(self, what: str = "thing", message: str = ""):
        super().__init__(message or f"No such {what}, or you may not see it.")
        self.what = what


class Refused(ActionError):
    """The viewer may see the thing but may not do this to it."""

    status = 403


class Stale(ActionError):
    """The thing changed since the viewer read it; `current` is what is stored now."""

    status = 412

    def __init__(self, message: str, *, current=None, field: str | None = None):
        super().__init__(message, field=field)
        self.current = current


class Invalid(ActionError):
    """The input is wrong; `field` (and `problems`) name what."""

    status = 422
