"""Whose figures a page shows: the viewer's insight population (access.py decides it) narrowed
by the page's filters (team, family, track, level, all from the directory). The unfiltered
population is the context of every filtered figure: privacy.py makes sure that what a filter
leaves out cannot be worked out by comparing the two."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db import connection
from django.db.models import F, Max, QuerySet
from django.db.models.expressions import RawSQL

from craftpath.web import access
from craftpath.web.accounts.models import Team, User


class FilterForm(forms.Form):
    team = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    family = forms.ChoiceField(required=False)
    track = forms.ChoiceField(required=False)
    level = forms.ChoiceField(required=False)

    def __init__(self, data, framework, **kwargs):
        super().__init__(data, **kwargs)
        families = framework.families if framework else ()
        self.fields["team"].choices = [("", "Any team")] + [
            (str(pk), name) for pk, name in Team.objects.values_list("pk", "name")]
        self.fields["family"].choices = [("", "Any family")] + [
            (f.slug, f.name) for f in families]
        self.fields["track"].choices = [("", "Any track")] + sorted(
            {(t.slug, t.name) for f in families for t in f.tracks})
        self.fields["level"].choices = [("", "Any level")] + [
            (level.slug, level.label) for f in families for level in f.present_levels]


@dataclass(frozen=True)
class Filters:
    team: int | None = None
    family: str = ""
    track: str = ""
    level: str = ""

    @property
    def active(self) -> bool:
        return bool(self.team or self.family or self.track or self.level)

    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in (
            ("team", self.team), ("family", self.family), ("track", self.track),
            ("level", self.level)) if value]
        return " ".join(parts)

    def apply(self, people: QuerySet[User]) -> QuerySet[User]:
        if self.team:
            people = people.filter(teams=self.team)
        if self.family:
            people = people.filter(family_slug=self.family)
        if self.track:
            people = people.filter(track_slugs__icontains=f'"{self.track}"')
        if self.level:
            people = people.filter(level_slug=self.level)
        return people


def ids_sql(ids: list[int]) -> RawSQL:
    """A subquery giving `ids`, passed as one parameter (an array on PostgreSQL, JSON on
    SQLite) rather than one parameter per id, so its size has no limit."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


@dataclass(frozen=True)
class Population:
    """`base` is None when it is everyone (no subquery needed)."""

    base: QuerySet[User] | None
    filters: Filters
    root: int | None = None  # the manager whose organisation this is; None: everyone
    outside: Callable[[], list[int]] | None = None  # the ids of everyone not in `base`
    likely_most: bool = False  # a guess that `base` is most people (the head of it all)
    _found: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, viewer, filters: Filters) -> Population:
        base = access.insight_population(viewer)
        if base is None:
            return cls(None, filters)
        return cls(base, filters, viewer.pk, lambda: access.insight_population_outside(viewer),
                   likely_most=viewer.manager_id is None)

    def _membership(self) -> tuple[list[int], bool, int]:
        """(ids, inverted, highest id seen), worked out once per page, not once per figure.
        When the organisation holds most of the people (the head of it), the ids are those of
        everyone else, `inverted`, so every figure's query carries a short list either way.
        Listing one side is one run of the org chart's recursive query (200 ms at 100,000
        people on SQLite); the side is guessed from whether the viewer tops the org chart,
        and the other side is listed only when the guess was wrong. People added since (a
        higher id than the highest read before the list) are left out rather than let in."""
        if "ids" not in self._found:
            half = User.objects.count() // 2
            found = None
            if self.likely_most:
                found = self._outside()
            if found is None or len(found[0]) > half:  # not most after all: list the members
                members = sorted(self.base.order_by().values_list("pk", flat=True))
                found = (members, False, 0)
                if len(members) > half:
                    found = self._outside()
            self._found["ids"] = found
        return self._found["ids"]

    def _outside(self) -> tuple[list[int], bool, int]:
        highest = User.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return sorted(self.outside()), True, highest

    def _narrow(self, rows: QuerySet, field: str) -> QuerySet:
        ids, inverted, highest = self._membership()
        if not inverted:
            return rows.filter(**{f"{field}__in": ids_sql(ids)})
        # The guard against newcomers is written `id + 0` so that no planner mistakes it for
        # a range to walk an index by (it holds for nearly every row).
        return rows.alias(_newest=F(field) + 0).filter(_newest__lte=highest).exclude(
            **{f"{field}__in": ids_sql(ids)})

    def people(self, filtered: bool = True) -> QuerySet[User] | None:
        base = None if self.base is None else self._narrow(User.objects.all(), "pk")
        if filtered and self.filters.active:
            return self.filters.apply(base if base is not None else User.objects.all())
        return base

    def restrict(self, rows: QuerySet, filtered: bool = True, field: str = "person") -> QuerySet:
        """`rows` (anything with a person) narrowed to this population."""
        if filtered and self.filters.active:
            return rows.filter(**{f"{field}__in": self.people(filtered).values("pk")})
        if self.base is None:
            return rows
        return self._narrow(rows, field)

    @property
    def tallies_answer(self) -> bool:
        """Quarter tallies are kept per organisation, family and level: they answer unless
        the page is filtered by team or track."""
        return not (self.filters.team or self.filters.track)

    def restrict_tallies(self, rows: QuerySet, filtered: bool = True) -> QuerySet:
        """QuarterTally rows of this organisation: the people below this manager at each
        close (the whole organisation's when it is everyone's)."""
        rows = rows.filter(organisation_id=self.root if self.base is not None else 0)
        if filtered and self.filters.family:
            rows = rows.filter(family_slug=self.filters.family)
        if filtered and self.filters.level:
            rows = rows.filter(level_slug=self.filters.level)
        return rows
