"""Insights through the API: the figures of the pages and their exports, withheld the same
way (the same Report, built by insights/reports.py), for the same people, recorded in the
audit trail like a page view; a bad parameter is refused naming it."""

from __future__ import annotations

import csv
import io

import pytest

from craftpath.web.audit.models import Action
from craftpath.web.audit.models import Event as AuditEvent
from craftpath.web.cells import defuse

from .insights_helpers import closed_checkin, team_of

VIEWS = ("heatmap", "gaps", "calibration", "readiness", "completion", "trends")


@pytest.fixture
def org(small_org):
    """Leo's six reports (enough to show) and Sol alone under Oto (withheld for Oto)."""
    for person in team_of(small_org.leo, 6, "dev"):
        closed_checkin(person, small_org.leo)
    closed_checkin(small_org.sol, small_org.oto)
    return small_org


def as_csv(report: dict) -> bytes:
    """The API's report written as the CSV export writes a Report."""
    out = io.StringIO()
    writer = csv.writer(out)
    for n, table in enumerate(report["tables"]):
        if n:
            writer.writerow([])
        writer.writerow([defuse(table["title"])])
        writer.writerow([defuse(c) for c in table["columns"]])
        for row in table["rows"]:
            writer.writerow([defuse("withheld" if cell["withheld"] else
                                    cell["text"] if cell["value"] is None else cell["value"])
                             for cell in row])
    for note in report["notes"]:
        writer.writerow([])
        writer.writerow([defuse(note)])
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("who", ["pia", "oto", "leo"])
def test_each_view_gives_the_exports_figures_withheld_alike(org, client_as, api_as, view, who):
    person = getattr(org, who)
    answer = api_as(person, "read").get(f"/api/v1/insights/{view}")
    assert answer.status_code == 200, answer.json()
    exported = client_as(person).get(f"/insights/{view}.csv").content
    assert as_csv(answer.json()) == exported


def test_a_small_group_is_withheld_and_says_so(org, api_as):
    heatmap = api_as(org.oto, "read").get("/api/v1/insights/heatmap").json()
    assert heatmap["minimum_group"] == 5 and heatmap["withheld"] > 0
    cells = [cell for table in heatmap["tables"] for row in table["rows"] for cell in row]
    hidden = [cell for cell in cells if cell["withheld"]]
    assert hidden and all(cell["value"] is None and cell["text"] == "withheld"
                          for cell in hidden)


def test_who_may_read_which_view(org, api_as):
    assert [v["slug"] for v in api_as(org.ian).get("/api/v1/insights").json()] == []
    assert "fairness" not in [v["slug"] for v in api_as(org.leo).get("/api/v1/insights").json()]
    assert "fairness" in [v["slug"] for v in api_as(org.pia).get("/api/v1/insights").json()]
    refused = api_as(org.ian).get("/api/v1/insights/heatmap")
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert api_as(org.ada, "admin").get("/api/v1/insights/trends").status_code == 403
    assert api_as(org.leo).get("/api/v1/insights/fairness").status_code == 403
    assert api_as(org.pia).get("/api/v1/insights/fairness").status_code == 200


def test_reads_are_in_the_audit_trail_as_page_views_are(org, api_as, client_as):
    team = api_as(org.pia, "read").get("/api/v1/insights/heatmap?level=level-4")
    assert team.status_code == 200 and team.json()["filters"] == "level=level-4"
    client_as(org.pia).get("/insights/heatmap/?level=level-4")
    entries = AuditEvent.objects.filter(target__startswith="insights heatmap")
    assert sorted(entries.values_list("target", "action", "detail", "actor_email")) == [
        ("insights heatmap (api)", Action.VIEWED, "level=level-4", "pia@example.com"),
        ("insights heatmap (page)", Action.VIEWED, "level=level-4", "pia@example.com")]


def test_a_bad_parameter_is_refused_naming_it(org, api_as):
    pia = api_as(org.pia, "read")
    for query, field in (("quarters=7", "quarters"), ("level=level-99", "level"),
                         ("team=abc", "team"), ("page=0", "page"), ("sort=shoe", "sort")):
        view = "trends" if field == "quarters" else "heatmap"
        answer = pia.get(f"/api/v1/insights/{view}?{query}")
        assert answer.status_code == 400, query
        assert answer.json()["errors"][0]["field"] == field, (query, answer.json())
    # Recorded as the page records a refused parameter: the read was asked for.
    assert AuditEvent.objects.filter(target__startswith="insights").count() == 5
