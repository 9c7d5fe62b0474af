"""access.py: who sees whom, and whose notes, by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from craftpath.web import access
from craftpath.web.accounts.models import Note, Role


def names(queryset):
    return sorted(person.name for person in queryset)


def test_an_engineer_sees_only_themselves(small_org):
    assert names(access.visible_people(small_org.eva)) == ["Eva"]


def test_a_manager_sees_direct_and_indirect_reports(small_org):
    assert names(access.visible_people(small_org.mia)) == ["Eva", "Ian", "Leo", "Mia"]
    assert names(access.visible_people(small_org.leo)) == ["Eva", "Ian", "Leo"]
    assert access.can_view_progress(small_org.mia, small_org.eva)


def test_reports_count_only_with_the_manager_role(small_org):
    small_org.leo.revoke(Role.MANAGER)
    assert names(access.visible_people(small_org.leo)) == ["Leo"]


def test_the_people_team_reads_everyone_but_writes_nothing(small_org):
    assert access.visible_people(small_org.pia).count() == 8
    assert access.can_view_progress(small_org.pia, small_org.sol)
    assert not access.can_write_note_about(small_org.pia, small_org.sol)
    assert not access.can_change_person(small_org.pia, small_org.sol)
    assert access.can_export_directory(small_org.pia)


def test_an_admin_manages_people_but_does_not_read_progress(small_org):
    assert access.visible_people(small_org.ada).count() == 8
    assert access.can_change_person(small_org.ada, small_org.sol)
    assert access.may_use_admin_site(small_org.ada) and small_org.ada.is_staff
    assert not access.can_view_progress(small_org.ada, small_org.eva)


def test_roles_add_up(small_org):
    small_org.eva.grant(Role.PEOPLE)
    assert access.visible_people(small_org.eva).count() == 8


def test_signed_out_and_inactive_people_see_nothing(small_org):
    assert not access.visible_people(AnonymousUser()).exists()
    small_org.pia.is_active = False
    assert not access.visible_people(small_org.pia).exists()


def test_a_private_note_is_for_its_author_only(small_org):
    note = Note.objects.create(author=small_org.leo, about=small_org.eva, text="x", private=True)
    assert access.can_view_note(small_org.leo, note)
    for other in (small_org.eva, small_org.mia, small_org.pia, small_org.ada):
        assert not access.can_view_note(other, note)
        assert note not in access.visible_notes(other, small_org.eva)


def test_a_shared_note_follows_who_sees_progress(small_org):
    note = Note.objects.create(author=small_org.eva, about=small_org.eva, text="x",
                               private=False)
    for reader in (small_org.eva, small_org.leo, small_org.mia, small_org.pia):
        assert list(access.visible_notes(reader, small_org.eva)) == [note]
    for outsider in (small_org.ian, small_org.oto, small_org.ada):
        assert not access.can_view_note(outsider, note)
    assert access.can_delete_note(small_org.eva, note)
    assert not access.can_delete_note(small_org.mia, note)


@pytest.mark.django_db
def test_a_loop_left_in_the_data_does_not_hang_the_report_walk(small_org):
    from craftpath.web.accounts.models import User

    User.objects.filter(pk=small_org.mia.pk).update(manager=small_org.eva)  # bypasses checks
    assert access.report_ids(small_org.mia) == {small_org.leo.pk, small_org.eva.pk,
                                                small_org.ian.pk}


@pytest.mark.django_db
def test_the_team_page_lists_everyone_below_a_manager_and_nobody_else(small_org):
    from craftpath.web.accounts.models import Role

    def team(viewer) -> set[str]:
        return {p.name for p in access.team_members(viewer)}

    assert team(small_org.mia) == {"Leo", "Eva", "Ian"}
    assert team(small_org.leo) == {"Eva", "Ian"}
    assert team(small_org.ian) == team(small_org.pia) == team(small_org.ada) == set()
    small_org.oto.grant(Role.PEOPLE)  # sees everyone's profile, yet their team is their own
    assert team(small_org.oto) == {"Sol"}
