"""The check-in part of the audit trail: who viewed or changed someone else's check-in, and
when; shown to the person and to the people team on the check-in."""

from __future__ import annotations

from craftpath.web.audit.models import Event

from .checkin_helpers import HTMX, first_ids, start_for


def test_views_and_changes_by_others_are_recorded_not_ones_own(client_as, small_org):
    checkin = start_for(small_org.ian)
    ian = client_as(small_org.ian)
    ian.get(f"/checkins/{checkin.pk}/")
    assert not Event.objects.filter(target__startswith="check-in").exists()
    leo = client_as(small_org.leo)
    leo.get(f"/checkins/{checkin.pk}/")
    leo.post(f"/checkins/{checkin.pk}/ratings/", {"statement": first_ids(checkin, 1)[0],
                                                  "value": "Meets", "revision": "0"}, **HTMX)
    recorded = [(e.actor_pk, e.subject_pk, e.action, e.detail)
                for e in Event.objects.filter(target=f"check-in {checkin.pk}").order_by("seq")]
    assert recorded == [(small_org.leo.pk, small_org.ian.pk, "viewed", "check-in overview"),
                        (small_org.leo.pk, small_org.ian.pk, "changed", "manager rating")]
    page = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/").content.decode()
    assert "Leo viewed check-in overview" in page and "Leo changed manager rating" in page


def test_the_manager_does_not_read_the_audit_log(client_as, small_org):
    checkin = start_for(small_org.ian)
    assert b"Who else opened" not in client_as(small_org.leo).get(
        f"/checkins/{checkin.pk}/").content
    assert b"Who else opened" in client_as(small_org.pia).get(f"/checkins/{checkin.pk}/").content
