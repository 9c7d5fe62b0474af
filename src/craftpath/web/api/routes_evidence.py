"""A person's evidence log (kept by its owner) and growth plan (the person and their
managers change it; whoever may see their progress reads it)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router
from ninja.responses import Response

from craftpath.web import access
from craftpath.web.actions import checkins as actions
from craftpath.web.checkins import plan as growth
from craftpath.web.checkins.models import Evidence, Goal

from .auth import need
from .models import Scope
from .paging import MAX_LIMIT, page
from .problems import bad_field, not_found
from .schemas import (
    EvidenceIn,
    EvidenceOut,
    EvidencePage,
    FocusIn,
    FocusOut,
    GoalIn,
    GoalOut,
    PlanOut,
    answers,
)

evidence = Router(tags=["evidence"])
plans = Router(tags=["growth plans"])


def evidence_out(item: Evidence) -> dict:
    return {"id": item.pk, "owner_id": item.owner_id, "title": item.title, "date": item.date,
            "link": item.link, "description": item.description}


def _own_evidence(viewer, pk: int) -> Evidence:
    item = Evidence.objects.filter(pk=pk).first()
    if item is None or not access.can_edit_evidence(viewer, item):
        raise not_found("evidence item")
    return item


@evidence.get("", response=answers({200: EvidencePage}), summary="Your evidence log")
def list_evidence(request, cursor: str | None = None,
                  limit: int = Query(50, ge=1, le=MAX_LIMIT)):
    return page(Evidence.objects.filter(owner=request.auth), cursor, limit, evidence_out)


@evidence.post("", response=answers({201: EvidenceOut}), summary="Add to your evidence log")
def add_evidence(request, payload: EvidenceIn):
    need(request, Scope.WRITE)
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    if payload.link:
        try:
            URLValidator(schemes=["http", "https"])(payload.link)
        except ValidationError:
            raise bad_field("link", "is not an http(s) address") from None
    if not payload.title.strip():
        raise bad_field("title", "is empty")
    item = Evidence.objects.create(owner=request.auth, title=payload.title.strip(),
                                   date=payload.date or timezone.localdate(),
                                   link=payload.link, description=payload.description)
    return Response(evidence_out(item), status=201)


@evidence.get("/{int:pk}", response=answers({200: EvidenceOut}), summary="One item")
def get_evidence(request, pk: int):
    return evidence_out(_own_evidence(request.auth, pk))


@evidence.delete("/{int:pk}", response=answers({204: None}), summary="Delete an item")
def delete_evidence(request, pk: int):
    need(request, Scope.WRITE)
    _own_evidence(request.auth, pk).delete()  # closed check-ins keep their frozen copy
    return HttpResponse(status=204)


# --- growth plans ---------------------------------------------------------------------------

def plan_out(person, plan=None) -> dict:
    plan = plan or growth.of(person)
    return {"person_id": person.pk,
            "focus": [{"id": f.record.pk, "statement_id": f.record.statement_id,
                       "text": f.text, "note": f.record.note} for f in plan.focus],
            "goals": [goal_out(goal) for goal in plan.goals]}


def goal_out(goal: Goal) -> dict:
    return {"id": goal.pk, "title": goal.title, "due": goal.due, "actions": goal.actions,
            "done": goal.done}


@plans.get("/{int:pk}", response=answers({200: PlanOut}),
                  summary="A person's growth plan")
def get_plan(request, pk: int):
    person, plan = actions.read_growth_plan(request.auth, pk, "growth plan (API)")
    return plan_out(person, plan)


@plans.post("/{int:pk}/focus", response=answers({201: FocusOut}),
                   summary="Add a focus statement (their level or the next)")
def add_focus(request, pk: int, payload: FocusIn):
    need(request, Scope.WRITE)
    focus = actions.add_focus(request.auth, pk, payload.statement_id, payload.note)
    choosable = {s.id: s for _, _, s in growth.choosable(focus.person)}
    return Response({"id": focus.pk, "statement_id": focus.statement_id,
                     "text": choosable[focus.statement_id].text, "note": focus.note},
                    status=201)


@plans.delete("/{int:pk}/focus/{int:focus_pk}", response=answers({204: None}),
                     summary="Remove a focus statement")
def delete_focus(request, pk: int, focus_pk: int):
    need(request, Scope.WRITE)
    actions.find_plan_owner(request.auth, pk)  # their plan first, then the item in it
    actions.remove_focus(request.auth, focus_pk, person_pk=pk)
    return HttpResponse(status=204)


@plans.post("/{int:pk}/goals", response=answers({201: GoalOut}), summary="Add a goal")
def add_goal(request, pk: int, payload: GoalIn):
    need(request, Scope.WRITE)
    goal = actions.add_goal(request.auth, pk, payload.title, payload.due, payload.actions)
    return Response(goal_out(goal), status=201)


@plans.delete("/{int:pk}/goals/{int:goal_pk}", response=answers({204: None}),
                     summary="Delete a goal")
def delete_goal(request, pk: int, goal_pk: int):
    need(request, Scope.WRITE)
    actions.find_plan_owner(request.auth, pk)  # their plan first, then the item in it
    actions.delete_goal(request.auth, goal_pk, person_pk=pk)
    return HttpResponse(status=204)
