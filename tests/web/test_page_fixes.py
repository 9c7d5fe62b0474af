"""The faults a new user met (issue 12), each pinned by a test that fails if it comes back."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from .checkin_helpers import closed, start_for
from .conftest import FAMILY

pytestmark = pytest.mark.django_db

DATE_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def ids_in(html: str) -> Counter:
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_the_footer_of_versions_and_404_pages_reads_as_a_sentence(client, published_seed):
    for address in ("/versions/", f"/{FAMILY}/level-9.html"):
        page = client.get(address).content.decode()
        footer = page.split('<footer class="site">')[1]
        assert "These are expectations to talk about" in footer
        assert "<p>. These" not in footer and "<p>, version" not in footer


def test_a_check_in_area_page_has_no_duplicate_ids(client_as, small_org):
    checkin = start_for(small_org.ian)
    page = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/areas/ml-ops/").content.decode()
    assert page.count('class="evidence-inline"') > 1  # one add-evidence form per statement
    repeated = [name for name, count in ids_in(page).items() if count > 1]
    assert repeated == []


def test_term_marks_never_show_as_stars(client, client_as, small_org):
    checkin = start_for(small_org.ian)
    area = client_as(small_org.ian).get(f"/checkins/{checkin.pk}/areas/ml-ops/").content.decode()
    compare = client.get(f"/{FAMILY}/compare/level-4/level-3.html").content.decode()
    progress = client_as(small_org.ian).get(f"/checkins/people/{small_org.ian.pk}/")
    for page in (area, compare, progress.content.decode()):
        assert "goals*" not in page and "lifecycle*" not in page
    assert "MLOps goals" in area


def test_search_entries_carry_no_term_marks(published_seed):
    from craftpath.present.pages import PageSet
    from craftpath.web.frameworks.publishing import framework_of

    texts = [entry["text"] for entry in PageSet(framework_of(published_seed)).search_entries()]
    assert texts and not any(re.search(r"\w\*(?!\w)", text) for text in texts)


def test_the_focus_dropdown_offers_each_statement_whole(client_as, small_org):
    page = client_as(small_org.ian).get(f"/checkins/people/{small_org.ian.pk}/").content.decode()
    options = re.findall(r"<option value=\"[^\"]+\"[^>]*>([^<]+)</option>", page)
    assert options and all(not option.endswith(("productio", "…")) for option in options)
    assert any(len(option) > 90 for option in options)  # long statements are no longer cut
    assert "<optgroup" in page


def test_not_applicable_without_a_reason_points_at_the_right_box(small_org):
    from craftpath.web.checkins import loop

    checkin = start_for(small_org.ian)
    entry = checkin.entries.first()
    with pytest.raises(loop.LoopError) as refused:
        loop.save_voice(checkin, "self", entry.statement_id, value="Not applicable", reason="",
                        comment="", revision=0)
    assert "below" not in str(refused.value) and "Why it does not apply" in str(refused.value)


def test_a_single_point_draws_no_sparkline_and_two_draw_a_line():
    from craftpath.web.checkins.history import sparkline

    assert sparkline([("q1", 0.5)]) == ""
    assert sparkline([("q1", None), ("q2", 0.5)]) == ""
    assert "<polyline" in sparkline([("q1", 0.2), ("q2", 0.5)])


def test_radar_labels_stay_inside_the_drawing():
    from craftpath.present import charts

    names = ["Machine Learning and Data Science", "ML Ops", "Edge Computing Platforms",
             "AI Strategy", "Software Engineering Practice"]
    svg = charts.radar([(name, 3) for name in names], 10, "t")
    left, width = (float(v) for v in re.search(r'viewBox="(\S+) 0 (\S+) ', svg).groups())
    for anchor, spans in re.findall(r'<text text-anchor="(\w+)">(.*?)</text>', svg):
        for x, text in re.findall(r'<tspan x="([\d.]+)"[^>]*>([^<]*)</tspan>', spans):
            extent = len(text) * 11 * 0.62  # a generous average glyph width at 11px
            start = float(x) - {"start": 0, "middle": extent / 2, "end": extent}[anchor]
            assert left <= start and start + extent <= left + width, text


def test_closed_check_ins_name_their_level_and_use_one_date_format(client_as, small_org):
    closed(start_for(small_org.ian), small_org.ian, small_org.leo)
    page = client_as(small_org.ian).get(f"/checkins/people/{small_org.ian.pk}/").content.decode()
    assert "at Level 4 (Mid)" in page and "at level-4" not in page
    main = page.split('<main id="main"')[1]
    assert DATE_ISO.findall(main) == []


def test_a_directory_import_of_one_person_says_person():
    from craftpath.web.accounts.directory import ImportReport

    report = ImportReport(applied=True)
    report.created.append("someone")
    assert report.summary().startswith("imported 1 person:")


def test_a_refusal_is_a_styled_page(rf):
    from craftpath.web import urls
    from craftpath.web.frameworks.views import forbidden

    assert urls.handler403.endswith("views.forbidden")
    response = forbidden(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 403 and "craftpath.css" in page and "favicon.svg" in page


def test_every_page_names_the_favicon_and_turns_off_htmx_injected_styles(client_as, small_org):
    page = client_as(small_org.ian).get("/checkins/").content.decode()
    assert 'rel="icon"' in page and "includeIndicatorStyles" in page
    framework = client_as(small_org.ian).get("/").content.decode()
    assert 'rel="icon"' in framework and "includeIndicatorStyles" in framework
    assert client_as(small_org.ian).get("/favicon.ico").url.endswith("craftpath/favicon.svg")


def test_no_start_button_for_someone_without_a_level(client_as, small_org):
    small_org.ian.level_slug = ""
    small_org.ian.save()
    page = client_as(small_org.ian).get("/checkins/").content.decode()
    assert "Start a check-in</button>" not in page
    assert "Your family and level are not set" in page


def test_the_matrix_shows_statements_with_a_toggle_for_counts(client, published_seed):
    page = client.get(f"/{FAMILY}/matrix.html").content.decode()
    assert "I define and track offline and online metrics" in page
    assert 'id="matrix-counts"' in page


def test_the_glossary_shows_definitions_the_file_gives(db, seed_framework, client):
    import dataclasses

    from craftpath.web.frameworks.publishing import publish_framework

    terms = tuple(dataclasses.replace(t, definition=f"What {t.name} means here.")
                  for t in seed_framework.terms)
    publish_framework(dataclasses.replace(seed_framework, terms=terms), [])
    page = client.get("/glossary.html").content.decode()
    assert "What MLOps goals means here." in page and "Not defined" not in page


def test_demo_check_ins_are_closed_after_they_were_submitted(demo_org):
    from craftpath.web.checkins.models import CheckIn

    for checkin in CheckIn.objects.exclude(closed_at=None):
        assert checkin.started_at <= checkin.self_submitted_at <= checkin.closed_at
        assert checkin.manager_submitted_at <= checkin.closed_at


def test_a_refused_form_post_is_a_styled_page(small_org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(small_org.ian)
    response = client.post("/checkins/start/")
    page = response.content.decode()
    assert response.status_code == 403 and "This form could not be sent" in page
    assert "craftpath.css" in page


def test_the_top_navigation_marks_the_current_section(client_as, small_org):
    client = client_as(small_org.ian)
    assert 'aria-current="page">Check-ins</a>' in client.get("/checkins/").content.decode()
    assert 'aria-current="page">Org chart</a>' in client.get("/people/org/").content.decode()
    people = client.get("/people/").content.decode()
    assert 'aria-current="page">People</a>' in people and 'aria-current="page">Org' not in people


def test_the_people_team_reaches_review_cycles_from_the_top_navigation(client_as, small_org):
    cycles = client_as(small_org.pia).get("/cycles/").content.decode()
    assert '<a href="/cycles/" aria-current="page">Cycles</a>' in cycles
    engineer = client_as(small_org.ian).get("/checkins/").content.decode()
    assert 'href="/cycles/"' not in engineer  # they could not open it (403)
