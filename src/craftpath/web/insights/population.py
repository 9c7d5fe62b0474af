"""Whose figures a page shows: the viewer's insight population (access.py decides it) narrowed
by the page's filters (team, family, track, level, all from the directory). The unfiltered
population is the context of every filtered figure: privacy.py makes sure that what a filter
leaves out cannot be worked out by comparing the two."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.db.models import Q, QuerySet

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


@dataclass(frozen=True)
class Population:
    """`base` is None when it is everyone (no subquery needed)."""

    base: QuerySet[User] | None
    filters: Filters
    root: int | None = None  # the manager whose organisation this is; None: everyone

    @classmethod
    def of(cls, viewer, filters: Filters) -> Population:
        base = access.insight_population(viewer)
        return cls(base, filters, viewer.pk if base is not None else None)

    def people(self, filtered: bool = True) -> QuerySet[User] | None:
        if filtered and self.filters.active:
            return self.filters.apply(self.base if self.base is not None else User.objects.all())
        return self.base

    def restrict(self, rows: QuerySet, filtered: bool = True, field: str = "person") -> QuerySet:
        """`rows` (anything with a person) narrowed to this population."""
        people = self.people(filtered)
        if people is None:
            return rows
        return rows.filter(**{f"{field}__in": people.values("pk")})

    @property
    def tallies_answer(self) -> bool:
        """Quarter tallies are kept per manager, family and level: they answer unless the
        page is filtered by team or track."""
        return not (self.filters.team or self.filters.track)

    def restrict_tallies(self, rows: QuerySet, filtered: bool = True) -> QuerySet:
        """QuarterTally rows of the people this manager's organisation had at the time:
        those counted under the manager or anyone below them."""
        if self.base is not None:
            rows = rows.filter(Q(manager_id_then=self.root)
                               | Q(manager_id_then__in=self.base.values("pk")))
        if filtered and self.filters.family:
            rows = rows.filter(family_slug=self.filters.family)
        if filtered and self.filters.level:
            rows = rows.filter(level_slug=self.filters.level)
        return rows
