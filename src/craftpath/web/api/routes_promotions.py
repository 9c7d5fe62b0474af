"""Promotions through the API: rounds (the people team's), cases, votes (the committee's) and
decisions, through the same actions as the pages (actions/promotions.py), which ask access.py
and record each step. What an action refuses is answered as a problem document (core.py);
a decision carries the case's revision (If-Match; 412 when the case was decided or changed
since it was read)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Query, Router, Schema

from craftpath.web.actions import Invalid
from craftpath.web.actions import promotions as actions
from craftpath.web.promotions.models import Case, Decision, Round, Vote

from .auth import caller
from .models import Scope
from .paging import MAX_LIMIT, if_match, page, revision_from, with_etag
from .schemas import answers

router = Router(tags=["promotions"])


class RoundIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    audience: str = Field("everyone", max_length=20)
    audience_value: str = Field("", max_length=200)
    nominate_due: date
    review_due: date
    decide_due: date
    self_nomination: bool = False


class CommitteeOut(Schema):
    id: int
    name: str
    family: str
    levels: list[str]
    chair_id: int | None  # None once the chair's account is erased
    member_ids: list[int]


class RoundOut(Schema):
    id: int
    name: str
    version: str
    audience: str
    audience_value: str
    nominate_due: date
    review_due: date
    decide_due: date
    self_nomination: bool
    opened_at: datetime
    closed_at: datetime | None
    stage: str  # nominations, review, decisions, closed


class RoundProgressOut(RoundOut):
    committees: list[CommitteeOut]
    cases: int
    decided: dict[str, int]
    undecided: int
    without_committee: int


class RoundsPage(Schema):
    items: list[RoundOut]
    next_cursor: str | None


class CommitteeIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    family: str = Field(max_length=100)
    levels: list[str] = Field(default_factory=list, max_length=50)
    chair_email: str = Field(max_length=254)
    member_emails: list[str] = Field(default_factory=list, max_length=100)


class NominationIn(Schema):
    person_id: int = Field(ge=1, le=2**63 - 1)
    target_level: str = Field(max_length=100)
    statement: str = Field(max_length=10000)


class DecisionOut(Schema):
    outcome: str  # promote, not_yet, decline
    reasons: str
    effective_date: date
    decided_by_id: int | None
    decided_at: datetime
    applied_at: datetime | None


class SharedFeedbackOut(Schema):
    id: int  # the feedback request's
    colleague_id: int
    answered_at: datetime | None
    answers: dict  # statement id → {"comment", "evidence"}, as the colleague gave them


class CaseOut(Schema):
    id: int
    round_id: int
    person_id: int
    nominator_id: int | None
    version: str
    family: str
    from_level: str
    target_level: str
    statement: str
    person_statement: str
    snapshot: dict
    created_at: datetime
    revision: int
    decision: DecisionOut | None
    # The peer feedback the person shared with the committee: on one case read, not in lists.
    shared_feedback: list[SharedFeedbackOut] | None = None


class CasesPage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class StatementIn(Schema):
    person_statement: str = Field(max_length=10000)


class SharedFeedbackIn(Schema):
    feedback_ids: list[int] = Field(max_length=100)  # [] shares none


class VoteIn(Schema):
    choice: str = Field(max_length=20)
    comment: str = Field("", max_length=5000)


class VoteOut(Schema):
    member_id: int
    choice: str
    comment: str
    cast_at: datetime


class VotesOut(Schema):
    case_id: int
    votes: list[VoteOut]


class DecisionIn(Schema):
    outcome: str = Field(max_length=20)
    reasons: str = Field(max_length=10000)
    effective_date: date


def round_out(found: Round) -> dict:
    from django.utils import timezone

    return {"id": found.pk, "name": found.name, "version": found.version.label,
            "audience": found.audience, "audience_value": found.audience_value,
            "nominate_due": found.nominate_due, "review_due": found.review_due,
            "decide_due": found.decide_due, "self_nomination": found.self_nomination,
            "opened_at": found.opened_at, "closed_at": found.closed_at,
            "stage": found.stage(timezone.localdate())}


def committee_out(committee) -> dict:
    return {"id": committee.pk, "name": committee.name, "family": committee.family_slug,
            "levels": list(committee.level_slugs), "chair_id": committee.chair_id,
            "member_ids": sorted(committee.member_ids())}


def decision_out(decision: Decision | None) -> dict | None:
    if decision is None:
        return None
    return {"outcome": decision.outcome, "reasons": decision.reasons,
            "effective_date": decision.effective_date, "decided_by_id": decision.decided_by_id,
            "decided_at": decision.decided_at, "applied_at": decision.applied_at}


def case_out(case: Case, decision: Decision | None, with_areas: bool = True) -> dict:
    return {"id": case.pk, "round_id": case.round_id, "person_id": case.person_id,
            "nominator_id": case.nominator_id, "version": case.version.label,
            "family": case.family_slug, "from_level": case.from_level_slug,
            "target_level": case.target_level_slug, "statement": case.statement,
            "person_statement": case.person_statement,
            "snapshot": snapshot_out(case) if with_areas else case.snapshot,
            "created_at": case.created_at, "revision": case.revision,
            "decision": decision_out(decision)}


def snapshot_out(case: Case) -> dict:
    """The snapshot with the readiness per area and its reasons, as one document."""
    snapshot = dict(case.snapshot)
    snapshot["readiness"] = {**(snapshot.get("readiness") or {}),
                             "areas": case.readiness_areas}
    return snapshot


def vote_out(vote: Vote) -> dict:
    return {"member_id": vote.member_id, "choice": vote.choice, "comment": vote.comment,
            "cast_at": vote.cast_at}


# --- rounds -----------------------------------------------------------------------------------

@router.get("/rounds", response=answers({200: RoundsPage}), summary="Promotion rounds")
def list_rounds(request, cursor: str | None = None,
                limit: int = Query(50, ge=1, le=MAX_LIMIT)):
    return page(actions.list_rounds(caller(request)), cursor, limit, round_out)


@router.post("/rounds", response=answers({201: RoundOut}),
             summary="Open a round for nominations, on the active framework version")
def open_round(request, payload: RoundIn):
    opened = actions.open_round(caller(request, Scope.WRITE), **payload.dict())
    return with_etag(round_out(opened), opened.revision, status=201)


@router.get("/rounds/{int:pk}", response=answers({200: RoundProgressOut}),
            summary="One round, with its committees and how many cases are decided")
def get_round(request, pk: int):
    progress = actions.round_progress(caller(request), pk)
    return {**round_out(progress.round),
            "committees": [committee_out(c) for c in progress.committees],
            "cases": progress.cases, "decided": progress.decided,
            "undecided": progress.undecided, "without_committee": progress.without_committee}


@router.post("/rounds/{int:pk}/committees", response=answers({201: CommitteeOut}),
             summary="Add a committee: its members, chair, family and the levels it decides")
def add_committee(request, pk: int, payload: CommitteeIn):
    committee = actions.set_committee(caller(request, Scope.WRITE), pk, **payload.dict())
    return with_etag(committee_out(committee), 0, status=201)


@router.post("/rounds/{int:pk}/cases", response=answers({201: CaseOut}),
             summary="Nominate someone for a level above theirs (a manager for a report)")
def nominate(request, pk: int, payload: NominationIn):
    case = actions.nominate(caller(request, Scope.WRITE), pk, payload.person_id,
                            payload.target_level, payload.statement)
    return with_etag(case_out(case, None), case.revision, status=201)


# --- cases ------------------------------------------------------------------------------------

@router.get("/cases", response=answers({200: CasesPage}),
            summary="Your own case and the cases of the people below you")
def list_cases(request, cursor: str | None = None,
               limit: int = Query(50, ge=1, le=MAX_LIMIT)):
    viewer = caller(request)
    ids = [case.pk for case in actions.visible_cases(viewer)]
    found = Case.objects.filter(pk__in=ids).select_related("version", "decision") \
        .defer("version__document")
    return page(found, cursor, limit, lambda case: case_out(case, _decision_of(case)))


def _decision_of(case: Case) -> Decision | None:
    try:
        return case.decision
    except Decision.DoesNotExist:
        return None


@router.get("/cases/{int:pk}", response=answers({200: CaseOut}),
            summary="One case: the statements, the snapshot it was assembled from, the decision")
def get_case(request, pk: int):
    view = actions.read_case(caller(request), pk)
    return with_etag(case_view_out(view), view.case.revision)


def case_view_out(view) -> dict:
    return {**case_out(view.case, view.decision), "shared_feedback": [
        {"id": r.pk, "colleague_id": r.colleague_id, "answered_at": r.answered_at,
         "answers": r.answers} for r in view.feedback]}


@router.put("/cases/{int:pk}/feedback", response=answers({200: CaseOut}),
            summary="The peer feedback the person shares with the committee (theirs to choose)")
def put_shared_feedback(request, pk: int, payload: SharedFeedbackIn):
    viewer = caller(request, Scope.WRITE)
    case = actions.share_feedback(viewer, pk, payload.feedback_ids)
    view = actions.read_case(viewer, case.pk)
    return with_etag(case_view_out(view), view.case.revision)


@router.put("/cases/{int:pk}/statement", response=answers({200: CaseOut}),
            summary="The person's own statement on their case")
def put_statement(request, pk: int, payload: StatementIn):
    viewer = caller(request, Scope.WRITE)
    case = actions.add_person_statement(viewer, pk, payload.person_statement)
    view = actions.read_case(viewer, case.pk)
    return with_etag(case_out(view.case, view.decision), view.case.revision)


@router.get("/cases/{int:pk}/votes", response=answers({200: VotesOut}),
            summary="The votes: the chair's to read, and each member's once they voted")
def get_votes(request, pk: int):
    case, votes = actions.read_votes(caller(request), pk)
    return {"case_id": case.pk, "votes": [vote_out(v) for v in votes]}


@router.put("/cases/{int:pk}/vote", response=answers({200: VoteOut}),
            summary="Cast (or change) your vote, as a member of the deciding committee")
def put_vote(request, pk: int, payload: VoteIn):
    vote = actions.cast_vote(caller(request, Scope.WRITE), pk, payload.choice, payload.comment)
    return vote_out(vote)


@router.post("/cases/{int:pk}/decision", response=answers({201: DecisionOut}),
             summary="The chair's decision with reasons and an effective date (If-Match: the "
                     "case's revision)")
def decide(request, pk: int, payload: DecisionIn):
    viewer = caller(request, Scope.WRITE)
    # Whether the case may be seen and decided is asked before If-Match is required, so a
    # missing header tells nothing about a case the caller may not see.
    revision = revision_from(request) if request.headers.get("If-Match") else None
    try:
        decision = actions.decide(viewer, pk, payload.outcome, payload.reasons,
                                  payload.effective_date, revision)
    except Invalid as error:
        if error.field == "revision":
            if_match(request)  # raises the 428 that asks for it
        raise
    return with_etag(decision_out(decision), revision + 1, status=201)


# --- committees -------------------------------------------------------------------------------

@router.get("/committees/{int:pk}/cases", response=answers({200: CasesPage}),
            summary="The calibration view: a committee's cases, minus your recusals")
def committee_cases(request, pk: int):
    view = actions.calibration(caller(request), pk)
    # Side by side, the figures; each case's reasons per area are on the case itself.
    order = [row.pk for _, rows in view.groups for row in rows]
    found = {case.pk: case for case in Case.objects.filter(pk__in=order)
             .select_related("version", "decision").defer("version__document",
                                                          "readiness_areas")}
    return {"items": [case_out(found[pk], _decision_of(found[pk]), with_areas=False)
                      for pk in order], "next_cursor": None}
