"""Optional attributes, recorded by people themselves with consent, and the fairness page
that shows them to the people team in aggregate only, small groups withheld names and all."""

from __future__ import annotations

import pytest

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


@pytest.fixture
def attributed_org(small_org):
    """Twelve engineers with closed check-ins: seven record "A", one records "B" (a group of
    one), four record nothing."""
    people = team_of(small_org.leo, 12, "dev")
    for i, person in enumerate(people):
        closed_checkin(person, small_org.leo, manager_value="Meets" if i % 2 else "Exceeds")
        if i < 7:
            PersonAttribute.objects.create(person=person, kind="gender", value="A")
        elif i == 7:
            PersonAttribute.objects.create(person=person, kind="gender", value="Rare")
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
