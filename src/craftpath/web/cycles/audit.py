"""What the people team does to a review cycle, kept in the audit trail (web/audit/): who
launched, changed, discarded or closed it, and whose reviews were handed to someone else
(that gives the new reviewer their check-ins, so each person sees it in their own trail).
The actor is whoever the request or command acts as, by page, API token or command line."""

from __future__ import annotations

from craftpath.web.audit import trail
from craftpath.web.audit.models import Action

from .models import Cycle


def record(cycle: Cycle, what: str, people=None) -> None:
    trail.record(None, Action.CHANGED, target=f"cycle {cycle.pk}",
                 detail=f"{what} ({cycle.name})", subjects=people)
