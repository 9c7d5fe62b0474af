"""The failed-emails list as actions: only the people team reads it (each row names someone
else) and sends the emails again; both are on the record, and every other role is refused
without anything changing, through the action and the page alike."""

from __future__ import annotations

import pytest

from craftpath.web.actions import Refused
from craftpath.web.actions import notifications as actions
from craftpath.web.audit.models import Action, Event
from craftpath.web.notifications.models import EmailState, Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(small_org):
    """Two emails that could not be sent, to Eva and to Sol."""
    return [Notification.objects.create(recipient=person, kind=Kind.CHECKIN_CLOSED,
                                        title="Closed", email_state=EmailState.FAILED,
                                        email_error="550 mailbox unavailable")
            for person in (small_org.eva, small_org.sol)]


def state():
    return (list(Notification.objects.order_by("pk").values_list("email_state", flat=True)),
            Event.objects.count())


def test_the_people_team_reads_them_on_the_record(small_org, failed):
    rows = actions.failed_emails(small_org.pia)
    assert {row.recipient for row in rows} == {small_org.eva, small_org.sol}
    entry = Event.objects.get(action=Action.VIEWED, target=actions.TARGET)
    assert entry.actor_pk == small_org.pia.pk and entry.detail == "2 emails"


def test_the_people_team_sends_them_again_on_the_record(small_org, failed):
    assert actions.retry_failed_emails(small_org.pia) == 2
    assert set(Notification.objects.values_list("email_state", flat=True)) == {
        EmailState.PENDING}
    entry = Event.objects.get(action=Action.CHANGED, target=actions.TARGET)
    assert entry.detail == "queued 2 to send again"


@pytest.mark.parametrize("who", ["ian", "mia", "ada", "eva"])
def test_every_other_role_is_refused_and_nothing_changes(small_org, failed, client_as, who):
    person = getattr(small_org, who)
    before = state()
    with pytest.raises(Refused):
        actions.failed_emails(person)
    with pytest.raises(Refused):
        actions.retry_failed_emails(person)
    client = client_as(person)
    assert client.get("/notifications/failed/").status_code == 403
    assert client.post("/notifications/failed/retry/").status_code == 403
    assert state() == before
