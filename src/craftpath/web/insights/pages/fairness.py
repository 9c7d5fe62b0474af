"""Fairness: for one optional attribute at a time, the gaps between groups in agreed ratings,
self–manager gaps and readiness, each against everyone else, with 95% intervals.

Attributes are recorded by people themselves, with consent (attributes.py); this page is the
people team's, shows groups only, and withholds every group below the minimum size, its name
included, with complementary suppression against the total. It takes no filters: each filter
would be another total to subtract from."""

from __future__ import annotations

from collections import Counter, defaultdict

from .. import charts
from ..models import AttributeKind, PersonAttribute, Standing
from ..privacy import Group, withheld
from ..report import Cell, Chart, Report, Table, interval, number
from ..stats import Moments, difference, proportion, proportion_difference
from .common import Context

NOT_RECORDED = "(not recorded)"


def grouping_key(value: str) -> str:
    return " ".join(value.split()).casefold()


def build(ctx: Context) -> Report:
    kind = ctx.choice("attribute", list(AttributeKind.values), AttributeKind.GENDER)
    people = list(Standing.objects.values_list("person_id", "agreed_mean", "gap_mean",
                                               "share_next"))
    recorded = dict(PersonAttribute.objects.filter(kind=kind).values_list("person_id", "value"))
    members: dict[str, list] = defaultdict(list)
    spellings: dict[str, Counter] = defaultdict(Counter)
    for row in people:
        value = recorded.get(row[0])
        key = grouping_key(value) if value else NOT_RECORDED
        members[key].append(row)
        if value:
            spellings[key][" ".join(value.split())] += 1
    root = Group("everyone", len(people),
                 tuple(Group(("group", key), len(rows)) for key, rows in members.items()))
    hidden = withheld([root], ctx.minimum)
    threshold = ctx.threshold

    def moments(rows, index):
        m = Moments()
        for row in rows:
            m.add(row[index])
        return m

    def ready(rows):
        counted = [r for r in rows if r[3] is not None]
        return sum(1 for r in counted if r[3] >= threshold), len(counted)

    report = Report("fairness", "Fairness", "Groups of one optional attribute, recorded by "
                    "people themselves with their consent, each compared with everyone else. "
                    "Ratings are means on the scale's positions; readiness is the share past "
                    f"the threshold ({round(threshold * 100)}% of the next level).")
    report.selectors.append(("attribute", "Attribute", list(AttributeKind.choices), kind))
    table = Table("Groups compared with everyone else", [
        "Group", "People", "Mean agreed rating", "Agreed rating gap (95% interval)",
        "Mean self − manager gap", "Self − manager gap difference (95% interval)",
        "Past readiness threshold", "Readiness gap (95% interval)"])
    plotted = []
    if "everyone" in hidden:
        report.withheld += 1
        report.notes.append(f"Fewer than {ctx.minimum} people have a closed check-in, so "
                            "nothing is shown.")
        report.tables.append(table)
        return report
    for key in sorted(members, key=lambda k: (k == NOT_RECORDED, k)):
        if ("group", key) in hidden:
            continue  # not counted either: how many small groups exist is itself a figure
        rows = members[key]
        rest = [r for other, others in members.items() if other != key for r in others]
        label = NOT_RECORDED if key == NOT_RECORDED else spellings[key].most_common(1)[0][0]
        agreed, agreed_rest = moments(rows, 1), moments(rest, 1)
        gap, gap_rest = moments(rows, 2), moments(rest, 2)
        hits, n = ready(rows)
        hits_rest, n_rest = ready(rest)
        share = proportion(hits, n)
        rating_gap = difference(agreed, agreed_rest)
        table.rows.append([
            Cell(label), Cell(str(len(rows)), len(rows)), number(agreed.mean),
            interval(rating_gap), number(gap.mean), interval(difference(gap, gap_rest)),
            Cell("—" if share is None else f"{round(100 * share.value)}%",
                 None if share is None else round(100 * share.value)),
            interval(proportion_difference(hits, n, hits_rest, n_rest))])
        if rating_gap is not None:
            plotted.append((label, rating_gap.value, rating_gap.low, rating_gap.high))
    if any(key in hidden for key in (("group", k) for k in members)):
        report.notes.append(f"Groups of fewer than {ctx.minimum} people are withheld, names "
                            "and all; so is the next smallest group when one alone could be "
                            "worked out from the total.")
    report.tables.append(table)
    if plotted:
        report.charts.append(Chart("Agreed rating gap per group", charts.intervals(
            plotted, "Agreed rating: each group minus everyone else, 95% intervals"),
            table.title))
    return report
