"""The org chart's one walk (accounts/orgchart.py): below a manager, above a person, and a
loop left by bad data ends each walk instead of running on."""

from __future__ import annotations

import pytest

from craftpath.web.accounts import orgchart
from craftpath.web.accounts.models import ManagerCycleError, User, check_no_cycle

pytestmark = pytest.mark.django_db


def test_below_and_above_follow_the_manager_links(small_org):
    org = small_org
    assert orgchart.below(org.mia.pk) == {org.leo.pk, org.eva.pk, org.ian.pk}
    assert orgchart.below(org.leo.pk) == {org.eva.pk, org.ian.pk}
    assert orgchart.below(org.eva.pk) == set()
    assert orgchart.above(org.eva.pk) == [org.leo.pk, org.mia.pk]
    assert orgchart.above(org.mia.pk) == []
    assert orgchart.is_at_or_above(org.mia.pk, org.eva.pk)
    assert orgchart.is_at_or_above(org.eva.pk, org.eva.pk)
    assert not orgchart.is_at_or_above(org.oto.pk, org.eva.pk)


def test_a_loop_in_the_data_ends_each_walk(small_org):
    org = small_org
    User.objects.filter(pk=org.mia.pk).update(manager=org.eva)  # bad data: a circle
    assert orgchart.below(org.mia.pk) == {org.leo.pk, org.eva.pk, org.ian.pk}
    assert orgchart.above(org.eva.pk) == [org.leo.pk, org.mia.pk]
    assert orgchart.chains_above({org.eva.pk: org.leo.pk, org.leo.pk: org.mia.pk,
                                  org.mia.pk: org.eva.pk}) == {
        org.eva.pk: [org.leo.pk, org.mia.pk], org.leo.pk: [org.mia.pk, org.eva.pk],
        org.mia.pk: [org.eva.pk, org.leo.pk]}


def test_a_manager_link_that_would_loop_is_refused_naming_the_circle(small_org):
    org = small_org
    with pytest.raises(ManagerCycleError) as refused:
        check_no_cycle(org.mia, org.eva)
    assert "Mia cannot report to Eva" in refused.value.messages[0]
    assert "(Mia → Eva → Leo → Mia)" in refused.value.messages[0]
    with pytest.raises(ManagerCycleError):
        check_no_cycle(org.mia, org.mia)
    check_no_cycle(org.eva, org.oto)  # a move across the chart is fine
