"""The actions layer's way into the audit trail. Doors never call the trail themselves."""

from __future__ import annotations

from craftpath.web.audit import trail
from craftpath.web.audit.models import Action


class _Operator:
    """Whoever runs the command line on the server. They hold the database itself (like
    manage.py), so the rules that keep people's data from each other do not bind them; what
    they do is still recorded, as "command line"."""

    pk = None
    is_authenticated = False
    is_active = True

    def __repr__(self) -> str:
        return "OPERATOR"

    def __bool__(self) -> bool:  # `if viewer:` reads as "a signed-in person"
        return False


OPERATOR = _Operator()


def _who(viewer):
    return None if viewer is OPERATOR else viewer


def record(viewer, action: str, subject=None, *, target: str = "", detail: str = "",
           subjects=None):
    """One entry (or one per person in `subjects`) in the trail, in the caller's transaction."""
    return trail.record(_who(viewer), action, subject, target=target, detail=detail,
                        subjects=subjects)


def record_read(viewer, subject, target: str, detail: str = "") -> None:
    """A read of `subject`'s data by `viewer`; reading one's own is not news and not kept."""
    subject_pk = getattr(subject, "pk", subject)
    if subject is None or (viewer is not OPERATOR and getattr(viewer, "pk", None) == subject_pk):
        return
    trail.record(_who(viewer), Action.VIEWED, subject, target=target, detail=detail)
