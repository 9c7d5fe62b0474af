"""What the API accepts and answers, as ninja schemas (they become the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

# Ids are the database's 64-bit keys: a larger number cannot name anything.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class FieldError(Schema):
    field: str
    detail: str


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []
    instance: str | None = None
    current: dict | None = None


ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 409, 412, 422, 428, 429)}


def answers(ok: dict) -> dict:
    return {**ok, **ERRORS}


# --- framework ------------------------------------------------------------------------------

class VersionOut(Schema):
    label: str
    name: str
    created_at: datetime
    is_active: bool
    families: list[str]


class LevelOut(Schema):
    slug: str
    code: str
    rank: int
    number: int | None
    name: str
    title: str
    missing: bool


class AreaOut(Schema):
    slug: str
    name: str
    track: str
    description: str


class StatementOut(Schema):
    id: str
    text: str
    area: str
    level: str


class FamilyOut(Schema):
    slug: str
    name: str
    levels: list[LevelOut]
    tracks: list[dict]


# --- people ---------------------------------------------------------------------------------

class PersonOut(Schema):
    id: int
    email: str
    name: str
    given_name: str
    family_name: str
    department: str
    active: bool
    manager_id: int | None
    team_ids: list[int]
    roles: list[str]
    family: str
    tracks: list[str]
    level: str
    level_since: date | None


class PeoplePage(Schema):
    items: list[PersonOut]
    next_cursor: str | None


class PersonIn(Schema):
    email: str = Field(max_length=254)
    name: str = Field(max_length=200)
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    department: str = Field("", max_length=200)
    manager_id: Id | None = None
    team_ids: list[Id] = []
    family: str = ""
    tracks: list[str] = []
    level: str = ""
    level_since: date | None = None
    active: bool = True


class PersonPatch(Schema):
    email: str | None = Field(None, max_length=254)
    name: str | None = Field(None, max_length=200)
    given_name: str | None = Field(None, max_length=100)
    family_name: str | None = Field(None, max_length=100)
    department: str | None = Field(None, max_length=200)
    manager_id: Id | None = None
    team_ids: list[Id] | None = None
    family: str | None = None
    tracks: list[str] | None = None
    level: str | None = None
    level_since: date | None = None
    active: bool | None = None


class RolesIn(Schema):
    roles: list[str]


class RoleOut(Schema):
    name: str
    label: str


class TeamOut(Schema):
    id: int
    name: str
    member_ids: list[int]


class TeamsPage(Schema):
    items: list[TeamOut]
    next_cursor: str | None


class TeamIn(Schema):
    name: str = Field(min_length=1, max_length=120)


# --- check-ins ------------------------------------------------------------------------------

class CheckInOut(Schema):
    id: int
    person_id: int
    version: str
    family: str
    level: str
    next_level: str
    tracks: list[str]
    stage: str
    started_at: datetime
    self_submitted_at: datetime | None
    manager_submitted_at: datetime | None
    closed_at: datetime | None
    summary: str | None
    summary_revision: int
    your_side: str | None


class CheckInsPage(Schema):
    items: list[CheckInOut]
    next_cursor: str | None


class StartIn(Schema):
    include_next_level: bool = False


class VoiceOut(Schema):
    value: str
    reason: str
    comment: str
    revision: int
    # Given once both sides had submitted, with the other side's ratings in view.
    after_seeing: bool = False


class RatingOut(Schema):
    statement_id: str
    area: str
    level: str
    text: str
    self: VoiceOut | None
    manager: VoiceOut | None
    agreed: VoiceOut | None
    evidence_ids: list[int] | None


class RatingIn(Schema):
    value: str = Field("", max_length=60)
    reason: str = Field("", max_length=2000)
    comment: str = Field("", max_length=5000)
    evidence_ids: list[Id] | None = None


class SummaryIn(Schema):
    summary: str = Field(max_length=20000)


# --- evidence and growth plans --------------------------------------------------------------

class EvidenceOut(Schema):
    id: int
    owner_id: int
    title: str
    date: dt.date
    link: str
    description: str


class EvidencePage(Schema):
    items: list[EvidenceOut]
    next_cursor: str | None


class EvidenceIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    date: dt.date | None = None
    link: str = Field("", max_length=500)
    description: str = Field("", max_length=5000)


class FocusOut(Schema):
    id: int
    statement_id: str
    text: str
    note: str


class GoalOut(Schema):
    id: int
    title: str
    due: date | None
    actions: str
    done: bool


class PlanOut(Schema):
    person_id: int
    focus: list[FocusOut]
    goals: list[GoalOut]


class FocusIn(Schema):
    statement_id: str = Field(min_length=1, max_length=200)
    note: str = Field("", max_length=500)


class GoalIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    due: date | None = None
    actions: str = Field("", max_length=5000)


# --- peer feedback --------------------------------------------------------------------------

class FeedbackEvidence(Schema):
    id: int
    title: str
    date: str
    link: str
    description: str


class FeedbackAnswer(Schema):
    comment: str
    evidence: list[FeedbackEvidence]


class FeedbackOut(Schema):
    id: int
    checkin_id: int
    colleague_id: int
    colleague: str
    requested_by_id: int | None
    statement_ids: list[str]
    message: str
    state: str  # requested, submitted, declined
    created_at: datetime
    answered_at: datetime | None
    answers: dict[str, FeedbackAnswer] | None  # statement id → answer, once given


class FeedbackPage(Schema):
    items: list[FeedbackOut]
    next_cursor: str | None


class AskReceiptOut(Schema):
    """What asking answers: the same for every address, so it tells nobody who exists."""
    colleague: str  # the address as given
    statement_ids: list[str]
    message: str
    state: str  # requested
    answers: None = None


class FeedbackIn(Schema):
    colleague: str = Field(min_length=1, max_length=254)  # their email
    statement_ids: list[str] = Field(min_length=1, max_length=500)
    message: str = Field("", max_length=1000)


class AskedStatement(Schema):
    id: str
    text: str


class AskedOut(Schema):
    id: int
    person: str
    statements: list[AskedStatement]
    message: str
    state: str
    open: bool
    created_at: datetime
    answered_at: datetime | None
    answers: dict[str, FeedbackAnswer] | None


class AskedPage(Schema):
    items: list[AskedOut]
    next_cursor: str | None


class AnswerIn(Schema):
    comments: dict[str, str] = {}  # statement id → comment
    evidence: dict[str, list[Id]] = {}  # statement id → ids of your own evidence items


# --- insights -------------------------------------------------------------------------------

class InsightViewOut(Schema):
    slug: str
    title: str
    summary: str


class InsightCell(Schema):
    text: str  # as the page shows it ("withheld" when withheld)
    value: bool | int | float | str | None  # as exported; null when withheld
    withheld: bool


class InsightTable(Schema):
    title: str
    caption: str
    columns: list[str]
    rows: list[list[InsightCell]]
    sorted_by: str
    descending: bool
    page: int
    pages: int
    more: int


class InsightOut(Schema):
    slug: str
    title: str
    intro: str
    minimum_group: int  # groups smaller than this are withheld
    withheld: int  # how many figures were withheld
    notes: list[str]
    filters: str
    tables: list[InsightTable]


# --- review cycles --------------------------------------------------------------------------

class Skipped(Schema):
    name: str
    email: str
    reason: str


class TeamCounts(Schema):
    team: str
    counts: dict[str, int]


class CycleProgress(Schema):
    people: int
    totals: dict[str, int]  # status → check-ins
    late: int
    teams: list[TeamCounts]


class CycleOut(Schema):
    id: int
    name: str
    version: str
    audience: str
    audience_value: str
    include_next_level: bool
    self_due: date
    review_due: date
    agree_due: date
    close_due: date
    state: str  # draft, running, closed
    created_at: datetime
    launched_at: datetime | None
    closed_at: datetime | None
    revision: int
    skipped: list[Skipped]
    progress: CycleProgress | None  # on the single read of a launched cycle


class CyclesPage(Schema):
    items: list[CycleOut]
    next_cursor: str | None


class CycleIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    version: str = Field("", max_length=100)  # a published version's label; empty: the active
    audience: str = Field("everyone", max_length=20)
    audience_value: str = Field("", max_length=200)
    include_next_level: bool = True
    self_due: date
    review_due: date
    agree_due: date
    close_due: date


class CycleParticipantOut(Schema):
    person_id: int
    name: str
    email: str
    checkin_id: int
    team: str
    status: str
    reviewer_id: int | None
    late: bool


class CycleParticipantsPage(Schema):
    items: list[CycleParticipantOut]
    next_cursor: str | None


class DeadlineIn(Schema):
    date: dt.date


class ReassignIn(Schema):
    from_id: Id | None = None  # the reviewer whose reviews move; null: reviews with none
    to_email: str = Field(min_length=1, max_length=254)


class ReassignOut(Schema):
    moved: int


class RemindOut(Schema):
    reminded: int


# --- webhooks -------------------------------------------------------------------------------

class EndpointIn(Schema):
    url: str = Field(max_length=500)
    events: list[str]
    description: str = Field("", max_length=200)


class EndpointOwner(Schema):
    id: int
    name: str
    email: str


class EndpointOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    active: bool
    owner: EndpointOwner | None  # None: the account that registered it was deleted
    failures_in_a_row: int
    disabled_at: datetime | None
    paused_reason: str  # why craftpath turned it off, "" if it did not
    secret: str | None  # only in the answer that made it


class DeliveryOut(Schema):
    id: int
    message_id: str
    event: str
    status: str
    attempts: int
    created_at: datetime
    last_attempt_at: datetime | None
    response_status: int | None
    response_body: str
    error: str


class DeliveriesPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None
