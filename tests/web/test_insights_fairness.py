"""Optional attributes, recorded by people themselves with consent, and the fairness page
that shows them to the people team in aggregate only, small groups withheld names and all."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from craftpath.web.insights import periods
from craftpath.web.insights.models import PersonAttribute

from .insights_helpers import closed_checkin, team_of


def record(client, kind, value, consent=True):
    data = {"kind": kind, "value": value}
    if consent:
        data["consent"] = "on"
    return client.post("/insights/attributes/", data)


def test_a_person_records_with_consent_and_withdraws(client_as, small_org):
    client = client_as(small_org.ian)
    refused = record(client, "gender", "woman", consent=False)
    assert refused.status_code == 422 and "Tick the box" in refused.content.decode()
    assert not PersonAttribute.objects.exists()
    assert record(client, "working_pattern", "  part-time ").status_code == 302
    page = client.get("/insights/attributes/").content.decode()
    assert "part-time" in page and "Withdraw" in page
    assert PersonAttribute.objects.get(person=small_org.ian).value == "part-time"
    client.post("/insights/attributes/withdraw/", {"kind": "working_pattern"})
    assert not PersonAttribute.objects.exists()
    unknown = client.post("/insights/attributes/withdraw/", {"kind": "salary"}, follow=True)
    assert "kind: “salary” is not an attribute" in unknown.content.decode()


def test_nobody_else_sees_a_persons_attribute(client_as, small_org):
    record(client_as(small_org.ian), "location", "Lisbon")
    for viewer in (small_org.leo, small_org.mia, small_org.pia, small_org.ada):
        client = client_as(viewer)
        for path in ("/insights/attributes/", f"/people/{small_org.ian.pk}/",
                     f"/checkins/people/{small_org.ian.pk}/"):
            response = client.get(path)
            assert "Lisbon" not in response.content.decode(), (viewer, path)
    # And the admin site has no page for attributes at all.
    assert client_as(small_org.ada).get("/admin/insights/").status_code == 404


# Fairness figures are as at the end of the last full quarter (insights/periods.py): these
# check-ins and attributes are from before it (120 days ago is always in an earlier quarter).
LAST_PERIOD_DAYS = 120


@pytest.fixture
def attributed_org(small_org):
    """Twelve engineers with check-ins closed last period: seven record "A", one records
    "Rare" (a group of one), four record nothing."""
    before = timezone.now() - timedelta(days=LAST_PERIOD_DAYS)
    people = team_of(small_org.leo, 12, "dev")
    for i, person in enumerate(people):
        closed_checkin(person, small_org.leo, manager_value="Meets" if i % 2 else "Exceeds",
                       days_ago=LAST_PERIOD_DAYS)
        if i < 7:
            PersonAttribute.objects.create(person=person, kind="gender", value="A",
                                           consented_at=before)
        elif i == 7:
            PersonAttribute.objects.create(person=person, kind="gender", value="Rare",
                                           consented_at=before)
    return small_org


def test_the_fairness_page_withholds_small_groups_and_their_names(client_as, attributed_org):
    page = client_as(attributed_org.pia).get("/insights/fairness/?attribute=gender")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Rare" not in text  # the group of one: not its figures, not even its name
    # Complementary suppression: with "Rare" withheld, the next smallest group ("not
    # recorded", four people) goes too, so the total minus "A" gives nothing away.
    assert "(not recorded)" not in text
    assert ">A</th>" in text and "Groups of fewer than 5 people are withheld" in text
    export = client_as(attributed_org.pia).get("/insights/fairness.csv?attribute=gender")
    body = export.content.decode("utf-8-sig")
    assert "Rare" not in body and "(not recorded)" not in body and "\nA," in body


def test_managers_do_not_see_fairness(client_as, attributed_org):
    assert client_as(attributed_org.mia).get("/insights/fairness/").status_code == 403
    assert client_as(attributed_org.mia).get("/insights/fairness.xlsx").status_code == 403


# --- differencing over time: the figures are published per closed period ----------------------

def _figures(client, fmt="page"):
    if fmt == "api":
        return client.get("/api/v1/insights/fairness?attribute=gender").json()["tables"]
    body = client.get("/insights/fairness.csv?attribute=gender").content.decode("utf-8-sig")
    return body


def test_a_close_in_the_current_period_changes_no_published_figure(client_as, api_as,
                                                                   attributed_org):
    """Read before and after one person's close: nothing moved, so the close cannot be
    traced to a group. The same for an attribute recorded or changed this period."""
    org = attributed_org
    people = client_as(org.pia)
    api = api_as(org.pia)
    page_before = people.get("/insights/fairness/?attribute=gender").content.decode()
    csv_before, api_before = _figures(people), _figures(api, "api")
    assert "\nA,7," in csv_before  # the figures are there to move
    rare = PersonAttribute.objects.get(value="Rare").person
    one_of_a = PersonAttribute.objects.filter(value="A").first().person
    closed_checkin(rare, org.leo, manager_value="Below")  # this period
    closed_checkin(one_of_a, org.leo, manager_value="Below")
    newcomer = team_of(org.leo, 1, "new")[0]
    closed_checkin(newcomer, org.leo)
    periods.record_attribute(newcomer, "gender", "A")
    periods.record_attribute(one_of_a, "gender", "Rare")  # a change of group this period
    assert _figures(people) == csv_before
    assert _figures(api, "api") == api_before
    page_after = people.get("/insights/fairness/?attribute=gender").content.decode()
    assert _tables(page_after) == _tables(page_before)
    as_at = periods.as_at()
    assert f"As at {as_at.day} {as_at:%B %Y}" in page_after


def _tables(page: str) -> str:
    return page[page.index("<table"):page.rindex("</table>")]


def test_the_period_moves_at_the_quarter(attributed_org):
    """A change made during a period counts from the next one: the value an attribute had
    when the period began is the one used until then."""
    from datetime import datetime

    person = PersonAttribute.objects.get(value="Rare").person
    start = periods.period_start()
    during = start + timedelta(days=3)
    periods.record_attribute(person, "gender", "A", now=during)
    periods.record_attribute(person, "gender", "B", now=during + timedelta(days=1))
    found = PersonAttribute.objects.get(person=person)
    assert (found.value, found.value_before) == ("B", "Rare")  # as it began: still "Rare"
    assert periods.period_start(datetime(2026, 2, 10, tzinfo=start.tzinfo)) == \
        datetime(2026, 1, 1, tzinfo=start.tzinfo)
    assert str(periods.as_at(datetime(2026, 5, 1, tzinfo=start.tzinfo))) == "2026-03-31"
