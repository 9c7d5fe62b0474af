"""What a promotion case is made of, and how a committee reads its cases: the snapshot a case
assembles when it is nominated, the committee that decides a case, the calibration rows.

No rule is asked here: the actions (actions/promotions.py) ask access.py first and call these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe

from craftpath.core.progress import Scale, level_coverage
from craftpath.web.checkins import history as histories
from craftpath.web.checkins.models import Evidence
from craftpath.web.frameworks.publishing import framework_of

from .models import Case, Committee, Outcome, Vote


class NominationError(Exception):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message, self.field = message, field


def target_problem(version, person, target_slug: str) -> tuple[object, object, str]:
    """(family, target level, "") when `target_slug` is a level above the person's in their
    family on `version`; else (family, None, the reason, naming the level and family)."""
    framework = framework_of(version)
    family = framework.find_family(person.family_slug) if person.family_slug else None
    if family is None:
        return None, None, (f"{person} has no family in framework version {version.label}, "
                            "so there is no level to nominate them for.")
    current = family.find_level(person.level_slug) if person.level_slug else None
    target = family.find_level(target_slug or "")
    if target is None or target.missing:
        return family, None, (f"“{target_slug}” is not a level of {family.name} in version "
                              f"{version.label}.")
    if current is not None and target.rank <= current.rank:
        return family, None, (f"{target.label} is not above {person}'s level "
                              f"({current.label}).")
    return family, target, ""


def assemble(person, family, target, version, today: date) -> tuple[dict, list]:
    """The case's frozen evidence: (the snapshot: the latest closed check-in's agreed
    outcomes, readiness against the target level, evidence items, time in level; and the
    readiness per area with its reasons)."""
    history = histories.of(person)
    framework = framework_of(version)
    scale = Scale.of(framework.scale)
    latest = history.checkins[-1] if history.checkins else None
    outcomes = Counter(r.value for r in history.ratings[-1].values()) if latest else Counter()
    areas, covered, applicable = [], 0, 0
    for coverage in level_coverage(family, target, history.latest, scale, history.tracks):
        if coverage.gap:
            continue
        covered += coverage.count("covered")
        applicable += coverage.applicable
        areas.append({"area": coverage.area.name, "covered": coverage.count("covered"),
                      "applicable": coverage.applicable, "reasons": coverage.reasons})
    since = person.level_since
    return {
        "checkin": {"id": latest.pk, "closed": latest.closed_at.date().isoformat()}
        if latest else None,
        "outcomes": [[label, outcomes[label]] for label in (*scale.labels, "n/a")
                     if outcomes.get(label)],
        "readiness": {"covered": covered, "applicable": applicable,
                      "share": round(covered / applicable, 3) if applicable else None},
        "evidence": Evidence.objects.filter(owner=person).count(),
        "level_since": since.isoformat() if since else None,
        "days_in_level": (today - since).days if since else None,
    }, areas


def committee_of(case: Case) -> Committee | None:
    """The committee that decides `case`: the first of its round for the family that lists
    the target level, or lists none."""
    for committee in Committee.objects.filter(round_id=case.round_id,
                                              family_slug=case.family_slug) \
            .prefetch_related("members"):
        if committee.decides(case):
            committee._member_ids = {m.pk for m in committee.members.all()} \
                | ({committee.chair_id} if committee.chair_id else set())
            return committee
    return None


def cases_of(committee: Committee):
    """The cases a committee decides (before anyone's recusals are taken out)."""
    cases = Case.objects.filter(round_id=committee.round_id, family_slug=committee.family_slug)
    if committee.level_slugs:
        cases = cases.filter(target_level_slug__in=committee.level_slugs)
    return cases


@dataclass(frozen=True)
class Row:
    """One case in the calibration view: plain values read in one query (hundreds of cases
    side by side: no model objects, numbers already text)."""

    pk: int
    name: str
    readiness: float | None
    covered: int
    applicable: int
    outcomes: list
    days_in_level: int | None
    evidence: int
    outcome: str  # the decision's, or ""
    votes_cast: int
    has_packet: bool

    @property
    def url(self) -> str:
        return f"/promotions/cases/{self.pk}/"

    @property
    def readiness_text(self) -> str:
        return f"{self.covered}/{self.applicable}" if self.applicable else "—"

    @property
    def outcomes_text(self) -> str:
        return ", ".join(f"{label} {n}" for label, n in self.outcomes) or "—"

    @property
    def days_text(self) -> str:
        return "—" if self.days_in_level is None else str(self.days_in_level)

    @property
    def decision_text(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, "")

    def html(self) -> str:
        """The row's cells, escaped here: hundreds of rows rendered variable by variable by
        the template engine cost most of the page's time (calibration.html has the header)."""
        decision = (escape(self.decision_text) if self.outcome
                    else '<span class="badge badge--in-progress">open</span>')
        packet = f'<a href="{self.url}packet.pdf">PDF</a>' if self.has_packet else "—"
        return mark_safe(  # every value is escaped above, or a number
            f'<tr><td><a href="{self.url}">{escape(self.name)}</a></td>'
            f"<td>{self.readiness_text}</td><td>{escape(self.outcomes_text)}</td>"
            f"<td>{self.days_text}</td><td>{int(self.evidence)}</td><td>{int(self.votes_cast)}"
            f"</td><td>{decision}</td><td>{packet}</td></tr>")


SORTS = {"name": lambda r: (r.name.lower(),),
         "readiness": lambda r: (-(r.readiness if r.readiness is not None else -1), r.name),
         "time": lambda r: (-(r.days_in_level or 0), r.name),
         "evidence": lambda r: (-r.evidence, r.name)}


def calibration_rows(cases, level_order: dict[str, int], sort: str) -> list[tuple[str, list]]:
    """[(target level slug, [Row])], levels in rank order, rows sorted by `sort`."""
    # Votes counted in a subquery: a GROUP BY over every column read (the snapshot among
    # them) would cost PostgreSQL a sort of hundreds of JSON documents.
    votes = Vote.objects.filter(case=OuterRef("pk")).order_by().values("case") \
        .annotate(n=Count("pk")).values("n")
    found = cases.annotate(vote_count=Coalesce(Subquery(votes), 0)).order_by().values_list(
        "pk", "person__name", "target_level_slug", "snapshot", "decision__outcome",
        "vote_count")
    grouped: dict[str, list[Row]] = {}
    for pk, name, target, snapshot, outcome, votes in found:
        ready = snapshot.get("readiness") or {}
        grouped.setdefault(target, []).append(Row(
            pk, name, ready.get("share"), ready.get("covered", 0), ready.get("applicable", 0),
            snapshot.get("outcomes") or [], snapshot.get("days_in_level"),
            snapshot.get("evidence", 0), outcome or "", votes, bool(snapshot.get("checkin"))))
    key = SORTS.get(sort, SORTS["name"])
    return [(slug, sorted(grouped[slug], key=key))
            for slug in sorted(grouped, key=lambda s: level_order.get(s, 999))]


OUTCOME_LABELS = dict(Outcome.choices)
