"""Promotions as actions: opening and closing a round, setting its committees, nominating,
the person's statement, reading a case, casting a vote, deciding, the calibration view, the
decisions export, and the effective-date job that changes levels. Each asks its own rule in
access.py (the promotion rules at its end), changes what it changes in one transaction and
records it in the audit trail about the person whose case it is.

Someone who may not see a case gets NotFound, as for any person's data. Votes are recorded in
the trail without the person as subject: the person reads their own trail, and a vote (even
that one was cast) is the committee's until the decision.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from craftpath.web import access
from craftpath.web.accounts.models import User
from craftpath.web.audit.models import Action
from craftpath.web.cells import defuse
from craftpath.web.checkins import loop, packet
from craftpath.web.checkins.models import CheckIn, ClosedCheckInError, FeedbackRequest
from craftpath.web.cycles.launch import audience_people
from craftpath.web.cycles.models import Audience
from craftpath.web.frameworks.publishing import active_version, framework_of
from craftpath.web.notifications.models import Kind
from craftpath.web.notifications.notify import notify, notify_each
from craftpath.web.promotions import cases as building
from craftpath.web.promotions import figures
from craftpath.web.promotions.models import (
    Case,
    Committee,
    Decision,
    LevelHistory,
    Outcome,
    Round,
    Vote,
)

from .errors import Invalid, NotFound, Refused, Stale
from .recording import OPERATOR, record, record_read

PEOPLE_TEAM = "Promotion rounds and committees are run by the people team."
TEXT_LIMIT = 10000


def _record(viewer, case: Case, what: str) -> None:
    record(viewer, Action.CHANGED, case.person, target=f"promotion case {case.pk}",
           detail=what)


def _allowed(rule, viewer, *args) -> None:
    if viewer is not OPERATOR and not rule(viewer, *args):
        raise Refused(PEOPLE_TEAM)


def _text(value, field: str, what: str, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(f"Write {what}: it is required.", field=field)
    if len(text) > TEXT_LIMIT:
        raise Invalid(f"{what.capitalize()} is {len(text)} characters; at most {TEXT_LIMIT}.",
                      field=field)
    return text


def _day(value, field: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise Invalid(f"“{value}” is not a date (YYYY-MM-DD).", field=field) from None


# --- rounds -----------------------------------------------------------------------------------

def open_round(viewer, *, name: str, nominate_due, review_due, decide_due,
               audience: str = Audience.EVERYONE, audience_value: str = "",
               self_nomination: bool = False) -> Round:
    """A round open for nominations at once, on the active framework version."""
    _allowed(access.can_open_round, viewer)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("Give the round a name (at most 200 characters).", field="name")
    days = {field: _day(value, field) for field, value in (
        ("nominate_due", nominate_due), ("review_due", review_due), ("decide_due", decide_due))}
    if not days["nominate_due"] <= days["review_due"] <= days["decide_due"]:
        raise Invalid("The deadlines go in order: nominations, then committee review, then "
                      "decisions.", field="review_due")
    if audience not in Audience.values:
        raise Invalid(f"“{audience}” is not an audience; one of {', '.join(Audience.values)}.",
                      field="audience")
    version = active_version()
    if version is None:
        raise Invalid("No framework is published yet, so there are no levels to promote to.",
                      field="name")
    with transaction.atomic():
        opened = Round.objects.create(
            name=name, version=version, audience=audience,
            audience_value=(audience_value or "").strip(), self_nomination=bool(self_nomination),
            opened_by=None if viewer is OPERATOR else viewer, **days)
        record(viewer, Action.CHANGED, target=f"promotion round {opened.pk}",
               detail=f"opened ({opened.name}, version {version.label})")
    return opened


def list_rounds(viewer):
    """Every round, newest first (a queryset, for the API to page through)."""
    _allowed(access.can_view_rounds, viewer)
    return Round.objects.select_related("version").defer("version__document")


def find_round(viewer, pk) -> Round:
    """A round, for the people team (others reach rounds through nominable_rounds)."""
    _allowed(access.can_view_rounds, viewer)
    found = Round.objects.select_related("version").defer("version__document") \
        .filter(pk=pk).first()
    if found is None:
        raise NotFound("round")
    return found


def nominable_rounds(viewer) -> list[Round]:
    """Open rounds `viewer` may nominate someone in: a manager's, and self-nomination rounds
    for everyone signed in."""
    if not access.signed_in(viewer):
        return []
    today = timezone.localdate()
    rounds = Round.objects.filter(closed_at=None, nominate_due__gte=today) \
        .select_related("version").defer("version__document")
    return [found for found in rounds if access.can_nominate_in(viewer, found)]


def nominable_people(viewer, promotion_round: Round) -> list[User]:
    """Whom the nomination form offers `viewer` in the round: the active people below them
    (at most 500, by name), and themselves first when the round takes self-nominations."""
    people = list(access.team_members(viewer).filter(is_active=True).order_by("name")[:500])
    if promotion_round.self_nomination:
        people.insert(0, viewer)
    return people


def close_round(viewer, pk) -> Round:
    _allowed(access.can_close_round, viewer)
    with transaction.atomic():
        current = Round.objects.select_for_update().filter(pk=pk).first()
        if current is None:
            raise NotFound("round")
        if current.closed_at is None:
            current.closed_at = timezone.now()
            current.revision = F("revision") + 1
            current.save(update_fields=["closed_at", "revision"])
            current.refresh_from_db()
            record(viewer, Action.CHANGED, target=f"promotion round {current.pk}",
                   detail=f"closed ({current.name})")
    return current


@dataclass(frozen=True)
class RoundProgress:
    round: Round
    committees: list[Committee]
    cases: int
    decided: dict  # outcome → count
    undecided: int
    without_committee: int


def round_progress(viewer, pk) -> RoundProgress:
    promotion_round = find_round(viewer, pk)
    committees = list(promotion_round.committees.select_related("chair")
                      .prefetch_related("members"))
    cases = list(Case.objects.filter(round=promotion_round)
                 .values_list("family_slug", "target_level_slug", "decision__outcome"))
    decided: dict[str, int] = {}
    for _, _, outcome in cases:
        if outcome:
            decided[outcome] = decided.get(outcome, 0) + 1
    covered = sum(1 for family, level, _ in cases if any(
        c.family_slug == family and (not c.level_slugs or level in c.level_slugs)
        for c in committees))
    return RoundProgress(promotion_round, committees, len(cases), decided,
                         len(cases) - sum(decided.values()), len(cases) - covered)


# --- committees -------------------------------------------------------------------------------

def set_committee(viewer, round_pk, *, name: str, family: str, levels: list[str],
                  chair_email: str, member_emails: list[str], committee_pk=None) -> Committee:
    """Create a committee of a round (or replace one's members and scope)."""
    _allowed(access.can_set_committee, viewer)
    promotion_round = find_round(viewer, round_pk)
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise Invalid("Give the committee a name (at most 200 characters).", field="name")
    framework = framework_of(promotion_round.version)
    found_family = framework.find_family(family or "")
    if found_family is None:
        raise Invalid(f"“{family}” is not a family in version {promotion_round.version.label}.",
                      field="family")
    level_slugs = []
    for wanted in levels or []:
        level = found_family.find_level(wanted)
        if level is None or level.missing:
            raise Invalid(f"“{wanted}” is not a level of {found_family.name}.", field="levels")
        level_slugs.append(level.slug)
    chair = _active_person(chair_email, "chair")
    members = {chair.pk: chair}
    for email in member_emails or []:
        if email.strip():
            person = _active_person(email, "members")
            members[person.pk] = person
    with transaction.atomic():
        if committee_pk is None:
            committee = Committee(round=promotion_round)
        else:
            committee = Committee.objects.select_for_update() \
                .filter(pk=committee_pk, round=promotion_round).first()
            if committee is None:
                raise NotFound("committee")
        committee.name, committee.family_slug = name, found_family.slug
        committee.level_slugs, committee.chair = level_slugs, chair
        committee.save()
        committee.members.set(members.values())
        record(viewer, Action.CHANGED, target=f"promotion committee {committee.pk}",
               detail=f"set: {name[:80]}, chair {chair.email}, {len(members)} members, "
                      f"round {promotion_round.pk}")
    return committee


def _active_person(email: str, field: str) -> User:
    person = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if person is None:
        raise Invalid(f"Nobody active has the address “{(email or '').strip()}”.", field=field)
    return person


def find_committee(viewer, pk) -> Committee:
    committee = Committee.objects.select_related("round", "round__version", "chair") \
        .defer("round__version__document").filter(pk=pk).first()
    if committee is None or not access.can_view_calibration(viewer, committee):
        raise NotFound("committee")
    return committee


def my_committees(viewer) -> list[Committee]:
    if not access.signed_in(viewer):
        return []
    return list(Committee.objects.filter(members=viewer).select_related("round")
                .filter(round__closed_at=None).distinct())


# --- nominations ------------------------------------------------------------------------------

def nominate(viewer, round_pk, person_pk, target_level: str, statement: str,
             today: date | None = None) -> Case:
    """Nominate `person` for `target_level` in a round: a level of their family above theirs,
    once per round. The case assembles its evidence now, on the active framework version."""
    today = today or timezone.localdate()
    promotion_round = Round.objects.select_related("version").defer("version__document") \
        .filter(pk=round_pk).first()
    person = User.objects.filter(pk=person_pk).first() if str(person_pk).isdigit() else None
    if promotion_round is None:
        raise NotFound("round")
    if person is None or not access.can_view_progress(viewer, person):
        raise NotFound("person")
    if not access.can_nominate(viewer, person, promotion_round):
        raise Refused("A manager nominates the people below them"
                      + (", and people nominate themselves in this round." if
                         promotion_round.self_nomination else "."))
    if promotion_round.closed_at or today > promotion_round.nominate_due:
        raise Refused(f"Nominations for {promotion_round.name} closed on "
                      f"{promotion_round.nominate_due:%d %b %Y}.")
    statement = _text(statement, "statement", "the case statement")
    version = active_version()
    family, target, problem = building.target_problem(version, person, target_level)
    if problem:
        raise Invalid(problem, field="target_level")
    if not audience_people(promotion_round).filter(pk=person.pk).exists():
        raise Invalid(f"{person} is not in this round's audience.", field="person")
    with transaction.atomic():
        if Case.objects.filter(round=promotion_round, person=person).exists():
            raise Invalid(f"{person} is nominated in this round already.", field="person")
        snapshot, areas = building.assemble(person, family, target, version, today)
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    round=promotion_round, person=person, version=version,
                    nominator=None if viewer is OPERATOR else viewer,
                    family_slug=family.slug, from_level_slug=person.level_slug,
                    target_level_slug=target.slug, statement=statement,
                    snapshot=snapshot, readiness_areas=areas)
        except IntegrityError:
            raise Invalid(f"{person} is nominated in this round already.",
                          field="person") from None
        _record(viewer, case, f"nominated for {target.label} in {promotion_round.name}")
        link = f"/promotions/cases/{case.pk}/"
        self_nominated = viewer is not OPERATOR and viewer.pk == person.pk
        if not self_nominated:
            notify(Kind.PROMOTION_NOMINATED, [person], f"You were nominated for {target.label}",
                   f"{viewer} nominated you in {promotion_round.name}. Read the case and add "
                   "your own statement.", link)
        elif person.manager_id:
            notify(Kind.PROMOTION_NOMINATED, [person.manager_id],
                   f"{person} nominated themselves for {target.label}",
                   f"In {promotion_round.name}.", link)
    return case


def add_person_statement(viewer, case_pk, text: str) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_pk).first()
        if case is None or not access.can_read_case(viewer, case, building.committee_of(case)):
            raise NotFound("case")
        if not access.can_add_person_statement(viewer, case):
            raise Refused("The person writes their own statement.")
        if Decision.objects.filter(case=case).exists():
            raise Refused("The case is decided; the statements are kept as they were.")
        case.person_statement = _text(text, "person_statement", "your statement",
                                      required=False)
        case.revision = F("revision") + 1
        case.save(update_fields=["person_statement", "revision"])
        case.refresh_from_db()
        _record(viewer, case, "person's statement")
    return case


def share_feedback(viewer, case_pk, request_ids) -> Case:
    """The peer feedback the person shows the committee in their case: exactly the answered
    requests listed (none to share nothing), each one answered about one of their check-ins."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_pk).first() \
            if str(case_pk).isdigit() else None
        if case is None or not access.can_read_case(viewer, case, building.committee_of(case)):
            raise NotFound("case")
        if not access.can_share_feedback_in_case(viewer, case):
            raise Refused("The person chooses which of their peer feedback the committee "
                          "reads.")
        if Decision.objects.filter(case=case).exists():
            raise Refused("The case is decided; what it shows is kept as it was.")
        wanted = {str(pk).strip() for pk in request_ids or () if str(pk).strip()}
        if not all(pk.isdigit() for pk in wanted):
            raise Invalid("Choose feedback from the list.", field="feedback")
        found = list(_shareable_feedback(case).filter(pk__in=[int(pk) for pk in wanted]))
        if len(found) != len(wanted):
            raise Invalid("Only feedback colleagues gave on your own check-ins can be shared.",
                          field="feedback")
        case.shared_feedback.set(found)
        Case.objects.filter(pk=case.pk).update(revision=F("revision") + 1)
        case.refresh_from_db()
        _record(viewer, case, f"person's shared peer feedback ({len(found)} answers)")
    return case


def _shareable_feedback(case: Case):
    return FeedbackRequest.objects.filter(checkin__person_id=case.person_id,
                                          state=FeedbackRequest.SUBMITTED)


# --- reading a case ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CaseView:
    case: Case
    committee: Committee | None
    decision: Decision | None
    votes: list[Vote] | None  # None: the viewer may not see them
    my_vote: Vote | None
    can_vote: bool
    can_decide: bool
    can_write_statement: bool
    recused: list[User]  # committee members recused from it (for whoever may see votes)
    feedback: list[FeedbackRequest]  # the peer feedback the person shared in the case
    shareable: list[FeedbackRequest] | None  # what the person may share; None: not theirs to


def _find_case(viewer, pk, lock: bool = False) -> tuple[Case, Committee | None]:
    cases = Case.objects.select_related("person", "nominator", "round", "version") \
        .defer("version__document", "round__version__document")
    if lock:
        cases = cases.select_for_update(of=("self",))
    case = cases.filter(pk=pk).first() if str(pk).isdigit() else None
    committee = building.committee_of(case) if case else None
    if case is None or not access.can_read_case(viewer, case, committee):
        raise NotFound("case")
    return case, committee


def read_case(viewer, pk) -> CaseView:
    case, committee = _find_case(viewer, pk)
    decision = Decision.objects.filter(case=case).select_related("decided_by").first()
    my_vote = Vote.objects.filter(case=case, member=viewer).first() \
        if access.signed_in(viewer) else None
    votes = None
    recused = []
    if access.can_read_votes(viewer, case, committee, my_vote is not None):
        votes = list(case.votes.select_related("member"))
        if committee is not None:
            recused = [m for m in committee.members.all() if access.is_recused(m, case)]
    feedback = list(case.shared_feedback.select_related("colleague").order_by("answered_at"))
    shareable = None
    if decision is None and access.can_share_feedback_in_case(viewer, case):
        shareable = list(_shareable_feedback(case).select_related("colleague")
                         .order_by("-answered_at")[:100])
    record_read(viewer, case.person, f"promotion case {case.pk}")
    return CaseView(case, committee, decision, votes, my_vote,
                    decision is None and access.can_cast_vote(viewer, case, committee),
                    decision is None and access.can_decide_case(viewer, case, committee),
                    decision is None and access.can_add_person_statement(viewer, case),
                    recused, feedback, shareable)


def case_packet(viewer, pk, fmt: str) -> tuple[Case, str | bytes]:
    """The promotion packet of the closed check-in the case was assembled from (Markdown text
    or a PDF's bytes, which may raise PdfUnavailable): one click from the calibration view."""
    case, committee = _find_case(viewer, pk)
    if not access.can_read_case_packet(viewer, case, committee):
        raise Refused("You may not read this case's packet.")
    if fmt not in ("pdf", "md"):
        raise NotFound("format", "The packet comes as .pdf or .md.")
    source = (case.snapshot or {}).get("checkin") or {}
    checkin = CheckIn.objects.select_related("person", "version") \
        .filter(pk=source.get("id"), person_id=case.person_id).exclude(closed_at=None).first()
    if checkin is None:
        raise NotFound("packet", "The case was nominated without a closed check-in, so it "
                                 "has no packet.")
    gathered = packet.gather(checkin)
    body = packet.markdown(gathered) if fmt == "md" else packet.to_pdf(packet.html(gathered))
    record(viewer, Action.EXPORTED, case.person, target=f"promotion case {case.pk}",
           detail=f"promotion packet ({fmt})")
    return case, body


def read_votes(viewer, pk) -> tuple[Case, list[Vote]]:
    """A case's votes: the chair, the people team, and members once they voted their own."""
    view = read_case(viewer, pk)
    if view.votes is None:
        raise Refused("Votes are the committee's: the chair's, and each member's once they "
                      "have voted; never the person's or their managers'.")
    return view.case, view.votes


def visible_cases(viewer) -> list[Case]:
    """The cases on someone's promotions page: their own and the people below them (the
    committees' cases are on the calibration pages)."""
    if not access.signed_in(viewer):
        return []
    return list(Case.objects.filter(person_id__in=access.case_people_ids(viewer))
                .select_related("person", "round", "decision").order_by("-created_at")[:200])


def level_history(viewer, person_pk) -> list[LevelHistory]:
    person = User.objects.filter(pk=person_pk).first()
    if person is None or not access.can_read_level_history(viewer, person):
        raise NotFound("person")
    return list(LevelHistory.objects.filter(person=person))


# --- votes and decisions ----------------------------------------------------------------------

def cast_vote(viewer, case_pk, choice: str, comment: str = "") -> Vote:
    """A member's private vote (cast again to change it, until the case is decided)."""
    with transaction.atomic():
        case, committee = _find_case(viewer, case_pk, lock=True)
        if not access.can_cast_vote(viewer, case, committee):
            raise Refused("Only the members of the committee deciding this case vote on it.")
        if Decision.objects.filter(case=case).exists():
            raise Refused("The case is decided already; votes are closed.")
        if choice not in Outcome.values:
            raise Invalid(f"“{choice}” is not a vote; one of {', '.join(Outcome.values)}.",
                          field="choice")
        comment = _text(comment, "comment", "the comment", required=False)
        vote, _ = Vote.objects.update_or_create(
            case=case, member=viewer,
            defaults={"choice": choice, "comment": comment, "cast_at": timezone.now()})
        record(viewer, Action.CHANGED, target=f"promotion case {case.pk}", detail="voted")
    return vote


def decide(viewer, case_pk, outcome: str, reasons: str, effective_date, revision) -> Decision:
    """The chair's decision with the reasons the person reads. `revision` is the case's as the
    chair's page showed it: a case decided (or changed) since is refused as stale."""
    with transaction.atomic():
        case, committee = _find_case(viewer, case_pk, lock=True)
        if not access.can_decide_case(viewer, case, committee):
            raise Refused("The chair of the committee deciding this case decides it.")
        if outcome not in Outcome.values:
            raise Invalid(f"“{outcome}” is not a decision; one of "
                          f"{', '.join(Outcome.values)}.", field="outcome")
        reasons = _text(reasons, "reasons", "the reasons (the person reads them)")
        effective = _day(effective_date, "effective_date")
        earlier = Decision.objects.filter(case=case).select_related("decided_by").first()
        if earlier is not None:
            raise Stale(f"This case was already decided ({earlier.get_outcome_display()}) by "
                        f"{earlier.decided_by or 'someone'} on {earlier.decided_at:%d %b %Y}; "
                        "nothing was changed.", current={
                            "outcome": earlier.outcome,
                            "decided_at": earlier.decided_at.isoformat(timespec="seconds")})
        if revision is None:
            raise Invalid("Send the case's revision as you read it, so a decision made "
                          "meanwhile is not overwritten.", field="revision")
        if str(revision) != str(case.revision):
            raise Stale("The case changed since you opened it (a new statement); nothing was "
                        "decided. Read it again and retry.",
                        current={"revision": case.revision})
        try:
            with transaction.atomic():
                decision = Decision.objects.create(
                    case=case, outcome=outcome, reasons=reasons, effective_date=effective,
                    decided_by=viewer)
        except IntegrityError:
            raise Stale("This case was already decided by someone else; nothing was "
                        "changed.") from None
        Case.objects.filter(pk=case.pk).update(revision=F("revision") + 1)
        _record(viewer, case, f"decided: {decision.get_outcome_display()}, effective "
                              f"{effective.isoformat()}")
        notify(Kind.PROMOTION_DECIDED, [case.person_id],
               f"Your promotion case was decided: {decision.get_outcome_display()}",
               "Read the decision and its reasons.", f"/promotions/cases/{case.pk}/")
    return decision


# --- the calibration view ---------------------------------------------------------------------

@dataclass(frozen=True)
class Calibration:
    committee: Committee
    groups: list  # [(Level, [Row])]
    recused: int  # cases left out because the viewer is recused from them
    is_chair: bool
    rates: list  # figures.RateRow per target level of the family, past decisions


def calibration(viewer, committee_pk, sort: str = "name") -> Calibration:
    committee = find_committee(viewer, committee_pk)
    cases = building.cases_of(committee)
    recused = 0
    if viewer.pk in committee.member_ids():
        # Recusals bind whoever sits on the committee, people team or not: is_recused, case
        # by case, over the few columns it reads.
        left_out = [pk for pk, person, nominator in cases.values_list(
            "pk", "person_id", "nominator_id") if access.is_recused(
            viewer, Case(pk=pk, person_id=person, nominator_id=nominator))]
        recused = len(left_out)
        cases = cases.exclude(pk__in=left_out)
    family = framework_of(committee.round.version).find_family(committee.family_slug)
    levels = {level.slug: level for level in family.levels} if family else {}
    order = {slug: -level.rank for slug, level in levels.items()}
    groups = [(levels.get(slug, slug), rows)
              for slug, rows in building.calibration_rows(cases, order, sort)]
    rates = []
    if access.can_view_committee_rates(viewer, committee):
        # Every decided case of the family, all rounds: the family's row and its levels.
        rates = [row for row in figures.rates(
            Case.objects.filter(family_slug=committee.family_slug)) if row.depth == 2]
    record(viewer, Action.VIEWED, target=f"promotion committee {committee.pk}",
           detail=f"calibration view ({sum(len(r) for _, r in groups)} cases)")
    return Calibration(committee, groups, recused, committee.chair_id == viewer.pk, rates)


# --- group figures --------------------------------------------------------------------------

def promotion_figures(viewer, by: str = "level", attribute: str = "") -> list:
    """Promotion rates and time in level at nomination, by family and target level, by team,
    or by one consented attribute, with the insights minimum group size
    (promotions/figures.py)."""
    _check_figures(viewer, by, attribute)
    rows = figures.rates(by=by, attribute=attribute or figures.ATTRIBUTES[0])
    record(viewer, Action.VIEWED, target="promotion figures",
           detail=f"by {by}{f' ({attribute})' if by == 'attribute' else ''}")
    return rows


def time_in_level_figures(viewer, by: str = "level", attribute: str = "") -> list:
    """How long people have been in their level now, grouped as promotion_figures."""
    _check_figures(viewer, by, attribute)
    rows = figures.time_in_level(by=by, attribute=attribute or figures.ATTRIBUTES[0])
    record(viewer, Action.VIEWED, target="time in level figures",
           detail=f"by {by}{f' ({attribute})' if by == 'attribute' else ''}")
    return rows


def _check_figures(viewer, by: str, attribute: str) -> None:
    if not access.can_view_promotion_figures(viewer):
        raise Refused("Promotion figures are the people team's.")
    if by not in figures.BY:
        raise Invalid(f"“{by}” is not a grouping; one of {', '.join(figures.BY)}.", field="by")
    if attribute and attribute not in figures.ATTRIBUTES:
        raise Invalid(f"“{attribute}” is not an attribute; one of "
                      f"{', '.join(figures.ATTRIBUTES)}.", field="attribute")


# --- the effective-date job -------------------------------------------------------------------

# Decisions applied per transaction. Each carries the person's open check-in, tens of
# milliseconds apiece: small batches keep each transaction (on SQLite, the one write lock every
# page's save waits for) to about a second.
JOB_BATCH = 20


def apply_due_decisions(viewer, today: date | None = None) -> int:
    """Change the level of everyone whose promotion takes effect today or before: the
    directory's level, a LevelHistory row, the person and their manager told, the audit
    trail. Each decision is applied once, however many workers run it (the rows are locked
    and re-read as not applied yet). Done in batches, each in one transaction."""
    _allowed(access.can_apply_promotions, viewer)
    today = today or timezone.localdate()
    due = list(Decision.objects.filter(outcome=Outcome.PROMOTE, applied_at=None,
                                       effective_date__lte=today)
               .order_by("pk").values_list("pk", flat=True))
    applied = 0
    for start in range(0, len(due), JOB_BATCH):
        with transaction.atomic():
            applied += _apply(viewer, due[start:start + JOB_BATCH])
    return applied


def _apply(viewer, decision_ids: list[int]) -> int:
    decisions = list(Decision.objects.select_for_update(of=("self",))
                     .filter(pk__in=decision_ids, applied_at=None).select_related("case"))
    if not decisions:
        return 0  # another worker took them
    people = {p.pk: p for p in User.objects.select_for_update()
              .filter(pk__in=[d.case.person_id for d in decisions])}
    now = timezone.now()
    history, moves, told, managers = [], {}, [], []
    for decision in decisions:
        case, person = decision.case, people[decision.case.person_id]
        history.append(LevelHistory(
            person=person, family_slug=case.family_slug, from_level_slug=person.level_slug,
            to_level_slug=case.target_level_slug, effective_date=decision.effective_date,
            case=case, recorded_at=now))
        moves.setdefault((person.level_slug, case.target_level_slug, decision.effective_date),
                         []).append(person)
        link = f"/promotions/cases/{case.pk}/"
        told.append((person.pk, "Your new level takes effect",
                     f"You are now {case.target_level_slug}.", link))
        if person.manager_id:
            managers.append((person.manager_id, f"{person}'s new level takes effect",
                             f"{person} is now {case.target_level_slug}.", link))
    LevelHistory.objects.bulk_create(history)
    for (before, after, effective), moved in moves.items():
        User.objects.filter(pk__in=[p.pk for p in moved]).update(level_slug=after,
                                                                 level_since=effective)
        record(viewer, Action.CHANGED, target="promotion decisions", subjects=moved,
               detail=f"level changed from {before or 'none'} to {after}, effective "
                      f"{effective.isoformat()}")
    moved = _carry_open_checkins(viewer, decisions)
    for index, (recipient, title, body, link) in enumerate(told):
        if recipient in moved:
            told[index] = (recipient, title, f"{body} {moved[recipient]}", link)
    Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(applied_at=now)
    notify_each(Kind.LEVEL_CHANGED, told + managers, now=now)
    return len(decisions)


def _carry_open_checkins(viewer, decisions: list[Decision]) -> dict[int, str]:
    """Move each promoted person's open check-in to their new level's statements with the
    carry a new framework version uses (checkins/loop.py, carry_to): ratings of the statements
    both levels share are kept, what was submitted stays submitted. On the check-in's own
    version when it has the level, else the active one; a check-in that cannot move stays as
    it was, with the reason in the trail. Returns person id → what the person is told."""
    targets = {d.case.person_id: d.case for d in decisions}
    told = {}
    active = active_version()
    for checkin in CheckIn.objects.select_related("version", "person") \
            .filter(person_id__in=targets, closed_at=None):
        case = targets[checkin.person_id]
        if checkin.family_slug != case.family_slug:
            continue  # a check-in in another family (a track change) keeps its level
        before = checkin.level_slug
        problem = ""
        for version in dict.fromkeys(v for v in (checkin.version, active) if v is not None):
            try:
                loop.carry_to(checkin, version, case.target_level_slug)
            except (loop.LoopError, ClosedCheckInError) as refused:
                problem = str(refused)
            else:
                problem = ""
                break
        target = f"check-in {checkin.pk}"
        if problem:
            record(viewer, Action.CHANGED, checkin.person, target=target,
                   detail=f"not moved to {case.target_level_slug} (promotion case {case.pk}): "
                          f"{problem}"[:300])
            continue
        record(viewer, Action.CHANGED, checkin.person, target=target,
               detail=f"moved from {before} to {case.target_level_slug} (promotion case "
                      f"{case.pk} took effect)")
        told[checkin.person_id] = ("Your open check-in now shows your new level's "
                                   "statements; the ratings of statements both levels share "
                                   "are kept.")
    return told


REMIND_BEFORE_DAYS = 3


def remind_due(viewer, today: date | None = None) -> int:
    """Reminders before each deadline of an open round: the managers who have nominated
    nobody yet before the nominations deadline, the committee members before the review
    deadline, the chairs before the decisions deadline (once per deadline, keyed)."""
    _allowed(access.can_send_promotion_reminders, viewer)
    today = today or timezone.localdate()
    told = 0
    for promotion_round in Round.objects.filter(closed_at=None):
        for stage, label, due in promotion_round.deadlines():
            if not 0 <= (due - today).days <= REMIND_BEFORE_DAYS:
                continue
            if stage == "nominate":
                told += len(notify(
                    Kind.DEADLINE_APPROACHING, _managers_yet_to_nominate(promotion_round),
                    f"{label} for {promotion_round.name}: {due:%d %b %Y}",
                    "You have not nominated anyone in this round yet. Nominate the people "
                    "below you who are ready for their next level, if any are.",
                    f"/promotions/rounds/{promotion_round.pk}/nominate/",
                    key=f"promotion-{promotion_round.pk}-{stage}-{due}"))
                continue
            for committee in promotion_round.committees.all():
                people = [committee.chair_id] if stage == "decide" else \
                    list(committee.member_ids())
                told += len(notify(
                    Kind.DEADLINE_APPROACHING, people,
                    f"{label} for {promotion_round.name}: {due:%d %b %Y}",
                    "", f"/promotions/committees/{committee.pk}/",
                    key=f"promotion-{promotion_round.pk}-{committee.pk}-{stage}-{due}"))
    return told


def _managers_yet_to_nominate(promotion_round: Round) -> list[int]:
    """The ids of the active managers of the round's audience who have nominated nobody in
    it (the people someone else nominated, themselves included, leave their manager alone)."""
    audience = audience_people(promotion_round).exclude(manager_id=None)
    nominated = Case.objects.filter(round=promotion_round)
    waiting = audience.exclude(pk__in=nominated.values("person_id"))
    return list(User.objects.filter(is_active=True, pk__in=waiting.values("manager_id"))
                .exclude(pk__in=nominated.exclude(nominator_id=None).values("nominator_id"))
                .order_by("pk").values_list("pk", flat=True))


# --- the decisions export ---------------------------------------------------------------------

EXPORT_COLUMNS = ("round", "email", "name", "family", "from_level", "to_level", "decision",
                  "effective_date", "decided_at", "decided_by", "applied")


def export_decisions(viewer, fmt: str = "csv") -> str | bytes:
    """Every decision for the HR system (reasons and votes stay in craftpath): CSV text, or an
    XLSX workbook's bytes with `fmt="xlsx"` (the effective date a date cell; text stays text)."""
    if not access.can_export_decisions(viewer):
        raise Refused("The decisions export is the people team's.")
    if fmt not in ("csv", "xlsx"):
        raise NotFound("format", "The decisions come as .csv or .xlsx.")
    rows = Decision.objects.select_related("case", "case__round", "case__person", "decided_by") \
        .order_by("case__round_id", "case__person__email")
    table = [(d.case.round.name, d.case.person.email, d.case.person.name, d.case.family_slug,
              d.case.from_level_slug, d.case.target_level_slug, d.outcome, d.effective_date,
              d.decided_at.isoformat(timespec="seconds"),
              d.decided_by.email if d.decided_by else "", "yes" if d.applied_at else "no")
             for d in rows]
    body = _decisions_xlsx(table) if fmt == "xlsx" else _decisions_csv(table)
    record(viewer, Action.EXPORTED, target="promotion decisions",
           detail=f"decisions {fmt.upper()} ({len(table)} rows)")
    return body


def _decisions_csv(table: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in table:
        writer.writerow([defuse(v.isoformat() if isinstance(v, date) else str(v))
                         for v in row])
    return out.getvalue()


def _decisions_xlsx(table: list[tuple]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Decisions"
    sheet.append(EXPORT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append([v if isinstance(v, date) else defuse(str(v)) for v in row])
        for written in sheet[sheet.max_row]:
            if isinstance(written.value, str):
                written.data_type = "s"  # text stays text, never a formula
            else:
                written.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
