"""A person's progress page: history, trends per area, radar of coverage at their level and
the next, readiness with reasons (never a verdict), and the growth plan."""

from __future__ import annotations

import re

from craftpath.web.checkins.models import FocusStatement, Goal

from .checkin_helpers import closed, start_for


def test_history_trends_radar_and_readiness(client_as, small_org):
    closed(start_for(small_org.ian), small_org.ian, small_org.leo, "Working towards")
    closed(start_for(small_org.ian), small_org.ian, small_org.leo, "Meets")
    page = client_as(small_org.ian).get(f"/checkins/people/{small_org.ian.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<svg class="radar"') == 2  # Level 4 and the next, Level 3
    assert "Trends per area" in text and "0%" in text and "100%" in text
    assert "Toward Level 3 (Senior)" in text and "applicable statements rated Meets" in text
    for verdict in ("ready for promotion", "not ready", "pass", "fail"):
        assert verdict not in text.lower()


def test_readiness_lists_the_reasons(client_as, small_org):
    from craftpath.web.checkins import loop

    from .checkin_helpers import submitted

    checkin = start_for(small_org.ian)
    target = "ml-ops.level-3.1"
    checkin = submitted(checkin, small_org.ian, small_org.leo, "Meets", "Meets",
                        self_values={target: "Not yet"}, manager_values={target: "Not yet"})
    loop.agree_matching(checkin)
    loop.close(checkin, small_org.leo)
    text = client_as(small_org.leo).get(f"/checkins/people/{small_org.ian.pk}/").content.decode()
    assert "rated Not yet: I" in text


def test_the_growth_plan_is_kept_by_the_person_and_their_managers(client_as, small_org):
    ian = client_as(small_org.ian)
    ian.post(f"/checkins/people/{small_org.ian.pk}/focus/", {
        "focus-statement": "ml-ops.level-3.1", "focus-note": "pair with Leo"})
    ian.post(f"/checkins/people/{small_org.ian.pk}/goals/", {
        "goal-title": "Run an incident review", "goal-due": "2026-06-30",
        "goal-actions": "shadow one\nlead one"})
    assert FocusStatement.objects.filter(person=small_org.ian).count() == 1
    goal = Goal.objects.get(person=small_org.ian)
    text = client_as(small_org.mia).get(f"/checkins/people/{small_org.ian.pk}/").content.decode()
    assert "Run an incident review" in text and "pair with Leo" in text and "lead one" in text
    client_as(small_org.leo).post(f"/checkins/goals/{goal.pk}/",
                                  {"do": "done"})
    goal.refresh_from_db()
    assert goal.done
    # The people team reads it but does not change it.
    pia = client_as(small_org.pia)
    assert pia.get(f"/checkins/people/{small_org.ian.pk}/").status_code == 200
    assert pia.post(f"/checkins/people/{small_org.ian.pk}/goals/",
                    {"goal-title": "x"}).status_code == 403


def test_the_plan_shows_in_the_next_check_in(client_as, small_org):
    FocusStatement.objects.create(person=small_org.ian, family_slug=small_org.ian.family_slug,
                                  statement_id="ml-ops.level-3.1")
    Goal.objects.create(person=small_org.ian, title="Own the model registry")
    checkin = start_for(small_org.ian)
    ian = client_as(small_org.ian)
    assert b"Own the model registry" in ian.get(f"/checkins/{checkin.pk}/").content
    assert b"focus in your growth plan" in ian.get(f"/checkins/{checkin.pk}/areas/ml-ops/"
                                                   ).content


def test_the_team_page_shows_each_report_for_a_manager(client_as, small_org):
    closed(start_for(small_org.ian), small_org.ian, small_org.leo)
    start_for(small_org.eva)
    page = client_as(small_org.mia).get("/checkins/team/").content.decode()
    assert "Ian" in page and "Eva" in page and "Leo" in page and "Sol" not in page
    assert "self-assessment in progress" in page and " of " in page
    assert client_as(small_org.ian).get("/checkins/team/").status_code == 403


def _row(page: str, person) -> str:
    """The team page's table row for `person`, found by the link to their progress."""
    start = f'<th scope="row"><a href="/checkins/people/{person.pk}/">{person.name}</a>'
    return re.search(re.escape(start) + ".*?</tr>", page, re.S).group(0)


def test_the_team_page_links_the_latest_closed_and_the_open_check_in(client_as, small_org):
    from datetime import timedelta

    from django.utils import timezone

    from craftpath.web.checkins.models import CheckIn

    ian, leo = small_org.ian, small_org.leo
    earlier = closed(start_for(ian), ian, leo, "Meets")
    latest = closed(start_for(ian), ian, leo, "Working towards")
    CheckIn.objects.filter(pk=earlier.pk).update(closed_at=timezone.now() - timedelta(days=90))
    now_open = start_for(ian)
    page = client_as(leo).get("/checkins/team/").content.decode()
    ian_row = _row(page, ian)
    assert f'href="/checkins/{now_open.pk}/"' in ian_row
    assert "self-assessment in progress" in ian_row
    assert f'href="/checkins/{latest.pk}/"' in ian_row
    assert f'href="/checkins/{earlier.pk}/"' not in ian_row
    applicable = re.search(r"(\d+) of (\d+) statements", ian_row)
    assert applicable.group(1) == "0" and int(applicable.group(2)) > 0  # "Working towards"
    eva_row = _row(page, small_org.eva)
    assert "none" in eva_row and "never" in eva_row and "—" in eva_row


def test_the_team_page_makes_as_many_queries_for_a_large_team_as_for_a_small_one(
        client_as, small_org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from craftpath.web.accounts.models import Role, User

    leo = small_org.leo

    def queries() -> int:
        client = client_as(leo)
        client.get("/checkins/team/")  # the session and framework settle first
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/checkins/team/").status_code == 200
        return len(captured.captured_queries)

    closed(start_for(small_org.ian), small_org.ian, leo)
    small = queries()
    for n in range(6):
        person = User.objects.create_user(f"new{n}@example.com", name=f"New {n}", manager=leo,
                                          family_slug=small_org.ian.family_slug,
                                          level_slug="level-4", track_slugs=["all"])
        person.grant(Role.ENGINEER)
        closed(start_for(person), person, leo)
        closed(start_for(person), person, leo)
        start_for(person)
    assert queries() == small


def test_admins_do_not_see_progress(client_as, small_org):
    assert client_as(small_org.ada).get(
        f"/checkins/people/{small_org.ian.pk}/").status_code == 404
