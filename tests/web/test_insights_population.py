"""Whose figures a page shows: the people below the viewer, listed once per page, or (when
they are most of the organisation) everyone else listed and left out."""

from __future__ import annotations

from craftpath.web import access
from craftpath.web.accounts.models import User
from craftpath.web.insights.population import Filters, Population

from .insights_helpers import team_of


def test_a_population_is_exactly_the_people_below_either_way(small_org):
    org = small_org
    team_of(org.leo, 6, "dev")
    for viewer, inverted in ((org.mia, True), (org.leo, True), (org.oto, False)):
        population = Population.of(viewer, Filters())
        below = set(access.people_below(viewer).values_list("pk", flat=True))
        assert set(population.people().values_list("pk", flat=True)) == below
        assert set(population.restrict(User.objects.all(), field="pk")
                   .values_list("pk", flat=True)) == below
        assert population._membership()[1] is inverted  # both ways are exercised


def test_someone_added_after_the_page_read_the_org_chart_is_left_out(small_org):
    population = Population.of(small_org.mia, Filters())
    before = set(population.people().values_list("pk", flat=True))
    newcomer = team_of(small_org.oto, 1, "late")[0]  # not below Mia
    after = set(population.people().values_list("pk", flat=True))
    assert after == before and newcomer.pk not in after
