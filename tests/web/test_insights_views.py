"""The insights pages: who sees which people, what is withheld, sorting and filters, and the
settings the people team keeps."""

from __future__ import annotations

import pytest

from craftpath.web.audit.models import Event
from craftpath.web.insights.models import InsightSettings

from .insights_helpers import closed_checkin, team_of


@pytest.fixture
def insight_org(small_org):
    """small_org plus eight engineers under Leo with closed check-ins (four rated Meets, four
    Working towards, the last with a name that looks like a formula), and Sol's check-in
    (Oto's team of one)."""
    from types import SimpleNamespace

    eight = team_of(small_org.leo, 8, "dev")
    eight[-1].name = "=HYPERLINK(evil)"
    eight[-1].save()
    for i, person in enumerate(eight):
        closed_checkin(person, small_org.leo,
                       manager_value="Meets" if i < 4 else "Working towards")
    closed_checkin(small_org.sol, small_org.oto)
    return SimpleNamespace(org=small_org, eight=eight)


def text_of(response) -> str:
    return response.content.decode()


def test_the_index_leads_to_each_page_the_viewer_may_use(client_as, insight_org):
    org = insight_org.org
    manager = text_of(client_as(org.mia).get("/insights/"))
    for slug in ("heatmap", "gaps", "calibration", "readiness", "completion", "trends"):
        assert f'href="/insights/{slug}/"' in manager
    assert "/insights/fairness/" not in manager and "/insights/settings/" not in manager
    people = text_of(client_as(org.pia).get("/insights/"))
    assert "/insights/fairness/" in people and "/insights/settings/" in people
    engineer = text_of(client_as(org.ian).get("/insights/"))
    assert "/insights/heatmap/" not in engineer and "/insights/attributes/" in engineer


def test_a_manager_sees_the_people_below_them_and_nobody_else(client_as, insight_org):
    org = insight_org.org
    page = text_of(client_as(org.mia).get("/insights/heatmap/"))
    assert "Dev 0" in page and "Dev 6" in page and f"/checkins/people/{org.sol.pk}/" not in page
    everyone = text_of(client_as(org.pia).get("/insights/heatmap/"))
    assert f"/checkins/people/{org.sol.pk}/" in everyone and "9 people" in everyone


def test_a_group_below_the_minimum_is_withheld(client_as, insight_org):
    org = insight_org.org
    page = text_of(client_as(org.oto).get("/insights/heatmap/"))
    assert "Sol" in page  # Oto may see Sol's own progress...
    # ...but not a mean over one person: the page says so once, with no row of "withheld"
    assert "Figures for 7 areas are withheld: they are about fewer than 5 people" in page
    assert "All 7 areas here are under the minimum of 5 people" in page
    assert 'class="suppressed"' not in page
    big = text_of(client_as(org.mia).get("/insights/heatmap/"))
    assert "Means over everyone shown" in big and "100%" in big


def test_the_heatmap_sorts_by_an_area_and_filters_by_level(client_as, insight_org):
    org = insight_org.org
    client = client_as(org.mia)
    ascending = text_of(client.get("/insights/heatmap/?sort=area:ml-ops&dir=asc"))
    descending = text_of(client.get("/insights/heatmap/?sort=area:ml-ops&dir=desc"))
    assert ascending.index("Dev 6") < ascending.index("Dev 0")
    assert descending.index("Dev 0") < descending.index("Dev 6")
    assert 'aria-sort="descending"' in descending
    assert "Dev 0" in text_of(client.get("/insights/heatmap/?track=all"))
    assert "Dev 0" not in text_of(client.get("/insights/heatmap/?track=edge-ml-engineer"))
    filtered = client.get("/insights/heatmap/?level=level-3")
    assert filtered.status_code == 200 and "Nobody here has a closed check-in" in text_of(filtered)


def test_bad_parameters_are_named_and_show_nothing(client_as, insight_org):
    client = client_as(insight_org.org.mia)
    wrong = client.get("/insights/heatmap/?level=level-9")
    assert wrong.status_code == 400 and "level:" in text_of(wrong)
    sort = client.get("/insights/heatmap/?sort=salary")
    assert sort.status_code == 400 and "sort: “salary” is not one of" in text_of(sort)
    export = client.get("/insights/heatmap.csv?page=x")
    assert export.status_code == 400 and "page: “x” is not a whole number" in text_of(export)


def test_calibration_flags_a_reviewer_apart_from_the_rest(client_as, insight_org):
    org = insight_org.org
    harsh = team_of(org.oto, 6, "ops")
    for person in harsh:
        closed_checkin(person, org.oto, manager_value="Not yet", self_value="Exceeds",
                       agreed_value="Working towards")
    page = text_of(client_as(org.pia).get("/insights/calibration/"))
    assert "Oto" in page and "Leo" in page and "badge--warning" in page
    assert "<svg" in page and "Strictness against the rest of the level" in page
    # Leo's Sol-sized neighbour: Oto reviewed Sol too, so Oto has 7 people; nobody has 1.
    mia = text_of(client_as(org.mia).get("/insights/calibration/"))
    assert "Oto" not in mia  # not below Mia


def test_withheld_groups_are_said_once_and_empty_tables_say_why(client_as, insight_org):
    """Oto sees only Sol: the page says once what is withheld instead of rows of "withheld",
    and each empty table gives its own reason."""
    oto = client_as(insight_org.org.oto)
    page = text_of(oto.get("/insights/calibration/"))
    assert "Figures for one level are withheld: they are about fewer than 5 people" in page
    assert "The one level here is under the minimum of 5 people" in page
    assert "Every reviewer here reviewed fewer than 5 people" in page
    assert 'class="suppressed"' not in page and "Nothing to show" not in page
    page = text_of(oto.get("/insights/readiness/?level=level-5"))  # Sol is at level 4
    assert "Nobody here is past the threshold yet" in page
    assert "Nobody these filters choose has a check-in that counts here yet" in page


def test_readiness_uses_the_threshold_the_people_team_sets(client_as, insight_org):
    org = insight_org.org
    settings = InsightSettings.objects.create(readiness_threshold=100)
    page = text_of(client_as(org.mia).get("/insights/readiness/"))
    assert "Conversation list" in page and "at least 100%" in page
    assert "Dev 0" in page and "Dev 4" not in page  # Meets covers; Working towards does not
    settings.readiness_threshold = 1
    settings.save()
    page = text_of(client_as(org.mia).get("/insights/readiness/"))
    assert "at least 1%" in page and "Dev 4" not in page


def test_gaps_show_statements_nobody_covers(client_as, insight_org):
    page = text_of(client_as(insight_org.org.mia).get("/insights/gaps/?at=level-3"))
    assert "Statements, least covered first" in page and "Covered by nobody" in page
    assert "Level 3 (Senior)" in page


def test_completion_and_trends_show_this_quarter(client_as, insight_org):
    from django.utils import timezone

    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    client = client_as(insight_org.org.mia)
    completion = text_of(client.get("/insights/completion/"))
    assert quarter in completion and "Closed share" in completion and "100%" in completion
    trends = text_of(client.get("/insights/trends/?quarters=4"))
    assert quarter in trends and "Agreed ratings" in trends and "<svg" in trends


def test_every_page_and_export_is_recorded(client_as, insight_org):
    client = client_as(insight_org.org.pia)
    client.get("/insights/heatmap/?level=level-4")
    client.get("/insights/trends.xlsx")
    recorded = list(Event.objects.filter(target__startswith="insights").order_by("seq")
                    .values_list("actor_pk", "action", "target", "detail"))
    assert recorded == [(insight_org.org.pia.pk, "viewed", "insights heatmap (page)",
                         "level=level-4"),
                        (insight_org.org.pia.pk, "exported", "insights trends (xlsx)", "")]


def test_the_people_team_sets_the_minimum_and_a_stale_form_is_refused(client_as, insight_org):
    client = client_as(insight_org.org.pia)
    page = client.get("/insights/settings/")
    assert page.status_code == 200
    saved = client.post("/insights/settings/", {"min_group_size": 3, "readiness_threshold": 70,
                                                "revision": 0})
    assert saved.status_code == 302
    stored = InsightSettings.objects.get()
    assert (stored.min_group_size, stored.readiness_threshold, stored.revision) == (3, 70, 1)
    stale = client.post("/insights/settings/", {"min_group_size": 9, "readiness_threshold": 70,
                                                "revision": 0})
    assert stale.status_code == 409 and "changed by someone else" in text_of(stale)
    bad = client.post("/insights/settings/", {"min_group_size": 1, "readiness_threshold": 70,
                                              "revision": 1})
    assert bad.status_code == 422 and "Minimum group size" in text_of(bad)
    assert InsightSettings.objects.get().min_group_size == 3
    assert list(Event.objects.filter(target="insights settings").values_list(
        "action", "detail")) == [("changed", "minimum group size 3, readiness threshold 70%")]


def test_trends_read_the_same_from_tallies_and_from_each_persons_results(client_as, insight_org):
    from craftpath.web.accounts.models import Team

    team = Team.objects.create(name="Everyone")
    team.members.set(insight_org.eight)
    client = client_as(insight_org.org.mia)
    tallied = text_of(client.get("/insights/trends/?quarters=4"))
    per_person = text_of(client.get(f"/insights/trends/?quarters=4&team={team.pk}"))

    def table(text):
        return text[text.index("<tbody>"):text.index("</tbody>")]

    assert table(tallied) == table(per_person) and "8</td>" in table(tallied)


def test_completion_counts_each_person_once_at_their_furthest_stage(small_org):
    """Closed stages come from the starts kept on close, open ones from the open check-ins:
    a person who closed one and opened another in the same quarter counts once, as closed."""
    from django.utils import timezone

    from craftpath.web.insights.pages.completion import _start_of, stages_by_period
    from craftpath.web.insights.population import Filters, Population

    from .checkin_helpers import start_for, submitted

    org = small_org
    closed_checkin(org.ian, org.leo)
    start_for(org.ian)  # open again, this quarter
    submitted(start_for(org.eva), org.eva, org.leo)  # both sides submitted, still open
    opened = start_for(org.sol)
    opened.self_submitted_at = timezone.now()
    opened.save()  # one side submitted
    start_for(org.leo)  # not submitted
    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    everyone = Population(None, Filters())
    assert stages_by_period(everyone, [(quarter, _start_of(quarter))]) == {
        quarter: [1, 1, 1, 1]}
    below_leo = Population.of(org.leo, Filters())
    assert stages_by_period(below_leo, [(quarter, _start_of(quarter))]) == {
        quarter: [0, 0, 1, 1]}


def test_calibration_shows_reviewers_a_page_at_a_time_and_exports_them_all(
        client_as, insight_org, monkeypatch):
    from craftpath.web.insights.pages import calibration

    org = insight_org.org
    for person in team_of(org.oto, 6, "ops"):
        closed_checkin(person, org.oto, manager_value="Not yet")
    monkeypatch.setattr(calibration, "PAGE_SIZE", 1)
    client = client_as(org.pia)
    first = text_of(client.get("/insights/calibration/"))
    second = text_of(client.get("/insights/calibration/?page=2"))
    assert "Page 1 of 2" in first and "?page=2" in first and "Next page" in first
    assert (">Leo<" in first) != (">Leo<" in second) and (">Oto<" in first) != (">Oto<" in second)
    exported = client.get("/insights/calibration.csv").content.decode()
    assert "Leo" in exported and "Oto" in exported
