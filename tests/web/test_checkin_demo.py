"""The demo organisation comes with a few check-ins at different stages."""

from __future__ import annotations

from craftpath.web.checkins.models import CheckIn


def test_the_demo_has_check_ins_at_each_stage(demo_org, client):
    outside_cycles = CheckIn.objects.filter(cycle_participation=None)  # the cycle's: elsewhere
    stages = sorted(c.stage for c in outside_cycles.select_related("person"))
    assert stages == ["awaiting manager review", "closed", "self-assessment in progress"]
    from craftpath.web.accounts.models import User

    client.force_login(User.objects.get(email="chen@demo.craftpath.example"))
    farah = CheckIn.objects.exclude(closed_at=None).get()
    assert b"The agreed record" in client.get(f"/checkins/{farah.pk}/").content
