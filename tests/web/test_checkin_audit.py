"""The audit log: who viewed or changed someone else's check-in, and when; kept in the
database, shown to the person and to the people team."""

from __future__ import annotations

from craftpath.web.checkins.models import AuditEntry

from .checkin_helpers import HTMX, first_ids, start_for


def test_views_and_changes_by_others_are_recorded_not_ones_own(client_as, small_org):
    checkin = start_for(small_org.ian)
    ian = client_as(small_org.ian)
    ian.get(f"/checkins/{checkin.pk}/")
    assert not AuditEntry.objects.exists()
    leo = client_as(small_org.leo)
    leo.get(f"/checkins/{checkin.pk}/")
    leo.post(f"/checkins/{checkin.pk}/ratings/", {"statement": first_ids(checkin, 1)[0],
                                                  "value": "Meets", "revision": "0"}, **HTMX)
    recorded = [(e.actor, e.action, e.what) for e in AuditEntry.objects.order_by("id")]
    assert recorded == [(small_org.leo, "viewed", "check-in overview"),
                        (small_org.leo, "changed", "manager rating")]
    page = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Leo viewed check-in overview" in page and "Leo changed manager rating" in page


def test_the_manager_does_not_read_the_audit_log(client_as, small_org):
    checkin = start_for(small_org.ian)
    assert b"Who else opened" not in client_as(small_org.leo).get(
        f"/checkins/{checkin.pk}/").content
    assert b"Who else opened" in client_as(small_org.pia).get(f"/checkins/{checkin.pk}/").content
