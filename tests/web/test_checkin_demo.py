"""The demo organisation comes with check-ins at different stages, and a history of closed
ones behind them so that team pages and insights have figures."""

from __future__ import annotations

from collections import Counter

from craftpath.web.accounts.models import User
from craftpath.web.checkins.models import CheckIn
from craftpath.web.insights.models import Standing


def test_the_demo_has_check_ins_at_each_stage(shared_demo_org, client):
    open_ones = CheckIn.objects.filter(cycle_participation=None, closed_at=None)
    stages = sorted(c.stage for c in open_ones.select_related("person"))  # the cycle's: elsewhere
    assert stages == ["awaiting manager review", "self-assessment in progress"]
    client.force_login(User.objects.get(email="chen@demo.craftpath.example"))
    farah = CheckIn.objects.exclude(closed_at=None).get(person__email__startswith="farah@")
    assert b"The agreed record" in client.get(f"/checkins/{farah.pk}/").content


def test_the_demo_has_a_history_since_each_person_reached_their_level(shared_demo_org):
    closed = CheckIn.objects.exclude(closed_at=None).select_related("person", "reviewer")
    per_person = Counter(c.person.email for c in closed)
    engineers = User.objects.exclude(family_slug="").exclude(manager=None)
    assert set(per_person) == {p.email for p in engineers}
    assert max(per_person.values()) == 6 and min(per_person.values()) >= 1
    for checkin in closed:
        assert checkin.closed_at.date() >= checkin.person.level_since
        assert checkin.reviewer in (None, checkin.person.manager)  # Farah's demo close has none
    # The insights figures were rebuilt after the dates were moved back: one standing per
    # person, dated like their latest closed check-in.
    latest = {c.person_id: c.closed_at for c in closed.order_by("closed_at")}
    assert {s.person_id: s.closed_at for s in Standing.objects.all()} == latest
