"""Fairness: for one optional attribute at a time, the gaps between groups in agreed ratings,
self–manager gaps and readiness, each against everyone else, with 95% intervals.

Attributes are recorded by people themselves, with consent (attributes.py); this page is the
people team's, shows groups only, and withholds every group below the minimum size, its name
included, with complementary suppression against the total. It takes no filters: each filter
would be another total to subtract from."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import astuple, dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, When

from .. import charts, periods
from ..models import AttributeKind, FairnessFigures, PersonAttribute, QuarterResult
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table, interval, number
from ..stats import Moments, difference, proportion, proportion_difference
from .common import Context

NOT_RECORDED = "(not recorded)"


def grouping_key(value: str) -> str:
    return " ".join(value.split()).casefold()


@dataclass
class Tally:
    """What the page needs of a group, summable: people, their agreed ratings and gaps, and
    how many of those with a next level are past the readiness threshold."""

    people: int = 0
    agreed: Moments = field(default_factory=Moments)
    gap: Moments = field(default_factory=Moments)
    ready: int = 0
    counted: int = 0  # people with a next level

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.people + other.people, self.agreed + other.agreed,
                     self.gap + other.gap, self.ready + other.ready,
                     self.counted + other.counted)

    def __sub__(self, other: Tally) -> Tally:
        return Tally(self.people - other.people, self.agreed - other.agreed,
                     self.gap - other.gap, self.ready - other.ready,
                     self.counted - other.counted)


def _tallies(kind: str, threshold: float) -> dict[str | None, Tally]:
    """Recorded value (None or "": not recorded) → its people's tally, added up in the
    database; values that differ only in spacing or case are merged afterwards. As at the
    start of the period (periods.py): each person's last result before the current quarter,
    and the value their attribute had then."""
    start, current = periods.period_start(), periods.current_quarter()
    value = Subquery(PersonAttribute.objects.filter(person_id=OuterRef("person_id"), kind=kind)
                     .annotate(then=Case(When(consented_at__lt=start, then=F("value")),
                                         default=F("value_before")))
                     .values("then")[:1])
    # Each person's last result before the current quarter: none later (an anti-join, which
    # the database hashes, where "equal to the latest" would be a subquery per row).
    later = QuarterResult.objects.filter(person_id=OuterRef("person_id"),
                                         quarter__gt=OuterRef("quarter"), quarter__lt=current)
    results = QuarterResult.objects.filter(quarter__lt=current).exclude(Exists(later))
    found: dict[str | None, Tally] = {}
    for row in results.annotate(value=value).order_by().values("value").annotate(
            n=Count("*"), a_n=Count("agreed_mean"), a_sum=Sum("agreed_mean"),
            a_sq=Sum(F("agreed_mean") * F("agreed_mean")), g_n=Count("gap_mean"),
            g_sum=Sum("gap_mean"), g_sq=Sum(F("gap_mean") * F("gap_mean")),
            counted=Count("share_next"), ready=Count("pk", filter=Q(share_next__gte=threshold))):
        # The database adds floats in whatever order it scans rows, and rows of the current
        # period change that order: rounded, the same people give the same sums, to the digit.
        sums = {key: round(row[key] or 0.0, 9) for key in ("a_sum", "a_sq", "g_sum", "g_sq")}
        found[row["value"] or None] = found.get(row["value"] or None, Tally()) + Tally(
            row["n"], Moments(row["a_n"], sums["a_sum"], sums["a_sq"]),
            Moments(row["g_n"], sums["g_sum"], sums["g_sq"]), row["ready"], row["counted"])
    return found


def _as_list(tally: Tally) -> list:
    return [tally.people, *astuple(tally.agreed), *astuple(tally.gap), tally.ready,
            tally.counted]


def _from_list(values: list) -> Tally:
    people, a_n, a_sum, a_sq, g_n, g_sum, g_sq, ready, counted = values
    return Tally(people, Moments(a_n, a_sum, a_sq), Moments(g_n, g_sum, g_sq), ready, counted)


def _publishable(kind: str, threshold: float, minimum: int) -> dict:
    """The period's figures as they may be kept: everyone, and each group of at least
    `minimum` people (after complementary suppression) by its most common spelling."""
    members: dict[str, Tally] = defaultdict(Tally)
    spellings: dict[str, Counter] = defaultdict(Counter)
    # In a fixed order: floats added in another order can differ in the last digit.
    for value, tally in sorted(_tallies(kind, threshold).items(), key=lambda kv: kv[0] or ""):
        key = grouping_key(value) if value else NOT_RECORDED
        members[key] = members[key] + tally
        if value:
            spellings[key][" ".join(value.split())] += tally.people
    everyone = sum((members[key] for key in sorted(members)), Tally())
    root = Group("everyone", everyone.people,
                 tuple(Group(("group", key), tally.people) for key, tally in members.items()))
    hidden = withheld([root], minimum)
    if "everyone" in hidden:
        return {"everyone": None, "groups": [], "withheld": True}
    groups = []
    for key in sorted(members, key=lambda k: (k == NOT_RECORDED, k)):
        if ("group", key) in hidden:
            continue  # not counted either: how many small groups exist is itself a figure
        # The most common spelling names the group (the first in order on a tie).
        label = NOT_RECORDED if key == NOT_RECORDED else min(
            spellings[key].items(), key=lambda item: (-item[1], item[0]))[0]
        groups.append([label, _as_list(members[key])])
    return {"everyone": _as_list(everyone), "groups": groups,
            "withheld": any(("group", key) in hidden for key in members)}


def published(kind: str, threshold: float, minimum: int) -> dict:
    """The figures of the current period: as first read in it, kept (FairnessFigures)."""
    found = {"quarter": periods.current_quarter(), "kind": kind, "threshold": threshold,
             "minimum": minimum}
    kept = FairnessFigures.objects.filter(**found).values_list("figures", flat=True).first()
    if kept is not None:
        return kept
    figures = _publishable(kind, threshold, minimum)
    try:
        with transaction.atomic():
            FairnessFigures.objects.create(figures=figures, **found)
    except IntegrityError:  # someone else published them first: theirs stand
        return FairnessFigures.objects.get(**found).figures
    return figures


def build(ctx: Context) -> Report:
    kind = ctx.choice("attribute", list(AttributeKind.values), AttributeKind.GENDER)
    threshold = ctx.threshold
    figures = published(kind, threshold, ctx.minimum)

    end = periods.as_at()
    as_at = f"{end.day} {end:%B %Y}"
    report = Report("fairness", "Fairness", f"As at {as_at}, the end of the last "
                    "full quarter: groups of one optional attribute, recorded by "
                    "people themselves with their consent, each compared with everyone else. "
                    "Ratings are means on the scale's positions; readiness is the share past "
                    f"the threshold ({round(threshold * 100)}% of the next level).")
    report.notes.append(f"As at {as_at}: from each person's last check-in closed "
                        "by then, and attributes as recorded then. Figures change once a "
                        "quarter, never with one person's close, so no close can be traced "
                        "to a group.")
    report.selectors.append(("attribute", "Attribute", list(AttributeKind.choices), kind))
    table = Table("Groups compared with everyone else", [
        "Group", "People", "Mean agreed rating", "Agreed rating gap (95% interval)",
        "Mean self − manager gap", "Self − manager gap difference (95% interval)",
        "Past readiness threshold", "Readiness gap (95% interval)"])
    plotted = []
    if figures["withheld"] and figures["everyone"] is None:
        report.withheld += 1
        report.notes.append(f"Fewer than {ctx.minimum} people had a check-in closed by "
                            f"{as_at}, so nothing is shown.")
        report.tables.append(table)
        return report
    everyone = _from_list(figures["everyone"])
    for label, tally in figures["groups"]:
        mine = _from_list(tally)
        rest = everyone - mine
        agreed, agreed_rest = mine.agreed, rest.agreed
        gap, gap_rest = mine.gap, rest.gap
        hits, n = mine.ready, mine.counted
        hits_rest, n_rest = rest.ready, rest.counted
        share = proportion(hits, n)
        rating_gap = difference(agreed, agreed_rest)
        table.rows.append([
            Cell(label), Cell(str(mine.people), mine.people), number(agreed.mean),
            interval(rating_gap), number(gap.mean), interval(difference(gap, gap_rest)),
            Cell("—" if share is None else f"{round(100 * share.value)}%",
                 None if share is None else round(100 * share.value)),
            interval(proportion_difference(hits, n, hits_rest, n_rest))])
        if rating_gap is not None:
            plotted.append((label, rating_gap.value, rating_gap.low, rating_gap.high))
    if figures["withheld"]:
        report.notes.append(f"Groups of fewer than {ctx.minimum} people are withheld, names "
                            "and all; so is the next smallest group when one alone could be "
                            "worked out from the total.")
    report.tables.append(table)
    if plotted:
        report.charts.append(Chart("Agreed rating gap per group", charts.intervals(
            plotted, "Agreed rating: each group minus everyone else, 95% intervals"),
            table.title))
    return report
