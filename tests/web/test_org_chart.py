"""The org chart follows manager links and refuses cycles with a message naming the loop."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from craftpath.web.accounts.models import User


def test_a_cycle_is_refused_naming_the_people_in_it(small_org):
    small_org.mia.manager = small_org.eva  # Eva reports to Leo, who reports to Mia
    with pytest.raises(ValidationError) as refused:
        small_org.mia.full_clean()
    assert "Mia cannot report to Eva" in str(refused.value)
    assert "Mia → Eva → Leo → Mia" in str(refused.value)


def test_being_ones_own_manager_is_refused_by_the_database_too(small_org):
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=small_org.eva.pk).update(manager=small_org.eva)


def test_moving_someone_under_another_branch_is_fine(small_org):
    small_org.leo.manager = small_org.oto
    small_org.leo.full_clean()


def test_the_admin_form_shows_the_cycle_on_the_manager_field(client_as_admin, small_org):
    url = f"/admin/accounts/user/{small_org.mia.pk}/change/"
    page = client_as_admin.get(url)
    assert page.status_code == 200
    reply = client_as_admin.post(url, {
        "email": "mia@example.com", "name": "Mia", "is_active": "on",
        "manager": small_org.eva.pk, "family_slug": "", "track_slugs": "[]",
        "level_slug": "", "level_since": "",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
    })
    assert reply.status_code == 200
    assert "go round in a circle" in reply.content.decode()
    small_org.mia.refresh_from_db()
    assert small_org.mia.manager is None


def test_the_admin_form_checks_level_and_tracks_against_the_framework(client_as_admin,
                                                                      small_org):
    reply = client_as_admin.post(f"/admin/accounts/user/{small_org.eva.pk}/change/", {
        "email": "eva@example.com", "name": "Eva", "is_active": "on",
        "manager": small_org.leo.pk, "family_slug": "ml-and-edge-ml-engineer-craft",
        "track_slugs": ["all", "cooking"], "level_slug": "level-9", "level_since": "",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
    })
    page = reply.content.decode()
    # The pickers offer only the framework's own levels and tracks; anything else is refused.
    assert "level-9 is not one of the available choices" in page
    assert "cooking is not one of the available choices" in page
    small_org.eva.refresh_from_db()
    assert small_org.eva.level_slug == "level-4"


def test_the_admin_form_picks_family_level_and_tracks_from_the_framework(client_as_admin,
                                                                         small_org):
    page = client_as_admin.get(f"/admin/accounts/user/{small_org.eva.pk}/change/")
    html = page.content.decode()
    assert '<select name="level_slug"' in html and "Level 3 (Senior)" in html
    assert 'type="checkbox" name="track_slugs" value="all"' in html
    assert "track_slugs" in html and "[&quot;all&quot;]" not in html  # no JSON to type
    reply = client_as_admin.post(f"/admin/accounts/user/{small_org.eva.pk}/change/", {
        "email": "eva@example.com", "name": "Eva", "is_active": "on",
        "manager": small_org.leo.pk, "family_slug": "ml-and-edge-ml-engineer-craft",
        "track_slugs": ["all"], "level_slug": "level-3", "level_since": "",
        "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0",
    })
    assert reply.status_code == 302
    small_org.eva.refresh_from_db()
    assert small_org.eva.level_slug == "level-3" and small_org.eva.track_slugs == ["all"]
