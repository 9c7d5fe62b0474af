"""The people pages: the directory list, a person's page, notes."""

from django.utils import timezone

from craftpath.web.accounts.models import Invitation, Note


def test_the_people_list_shows_only_visible_people(client_as_manager, small_org):
    page = client_as_manager.get("/people/").content.decode()
    for name in ("Mia", "Leo", "Eva", "Ian"):
        assert f">{name}</a>" in page
    assert ">Sol</a>" not in page and "Download the directory" not in page


def test_the_people_team_gets_the_export_link_and_everyone(client_as_people_team):
    page = client_as_people_team.get("/people/").content.decode()
    assert page.count('<tr><th scope="row">') == 8 and "Download the directory" in page


def test_a_person_page_speaks_the_frameworks_words(client_as_manager, small_org):
    page = client_as_manager.get(f"/people/{small_org.leo.pk}/").content.decode()
    assert "Level 3 (Senior)" in page and "ML and Edge ML Engineer Craft" in page
    assert f'href="/people/{small_org.mia.pk}/">Mia</a>' in page  # manager, visible
    assert f'href="/people/{small_org.eva.pk}/">Eva</a>' in page  # report


def test_an_engineer_sees_their_manager_by_name_but_no_link(client_as_engineer, small_org):
    page = client_as_engineer.get(f"/people/{small_org.ian.pk}/").content.decode()
    assert "Leo" in page and f'href="/people/{small_org.leo.pk}/"' not in page


def test_a_manager_writes_a_private_note_the_report_cannot_read(client_as, small_org):
    manager = client_as(small_org.leo)
    manager.post(f"/people/{small_org.eva.pk}/notes/", {"text": "ready for Senior soon",
                                                        "private": "on"})
    note = Note.objects.get()
    assert (note.author, note.about, note.private) == (small_org.leo, small_org.eva, True)
    assert "ready for Senior soon" in manager.get(f"/people/{small_org.eva.pk}/").content.decode()
    for reader in (small_org.eva, small_org.mia, small_org.pia):
        page = client_as(reader).get(f"/people/{small_org.eva.pk}/").content.decode()
        assert "ready for Senior soon" not in page
        assert client_as(reader).get(f"/people/{small_org.eva.pk}/notes/{note.pk}/") \
            .status_code == 404


def test_a_shared_note_reaches_the_managers(client_as, small_org):
    client_as(small_org.eva).post(f"/people/{small_org.eva.pk}/notes/",
                                  {"text": "shipped the edge model"})
    page = client_as(small_org.mia).get(f"/people/{small_org.eva.pk}/").content.decode()
    assert "shipped the edge model" in page


def test_an_empty_note_is_refused_with_a_message(client_as_engineer, small_org):
    reply = client_as_engineer.post(f"/people/{small_org.ian.pk}/notes/", {"text": ""},
                                    follow=True)
    assert "The note was not saved" in reply.content.decode()
    assert not Note.objects.exists()


def test_the_directory_export_holds_only_visible_people(client_as_people_team):
    reply = client_as_people_team.get("/people/directory.csv")
    assert reply["Content-Disposition"] == 'attachment; filename="directory.csv"'
    assert "no-store" in reply["Cache-Control"]
    assert reply.content.decode().count("\n") == 9  # header + 8 people


def test_the_person_page_links_to_progress_only_for_those_who_may_see_it(client_as, small_org):
    link = f'href="/checkins/people/{small_org.ian.pk}/"'
    assert link in client_as(small_org.ian).get(f"/people/{small_org.ian.pk}/").content.decode()
    admin_view = client_as(small_org.ada).get(f"/people/{small_org.ian.pk}/")
    assert admin_view.status_code == 200 and link not in admin_view.content.decode()


def test_the_directory_searches_and_filters_by_level_and_manager(client_as_people_team,
                                                                 small_org):
    from .conftest import FAMILY

    find = lambda **params: client_as_people_team.get("/people/", params).content.decode()  # noqa: E731
    assert ">Eva</a>" in find(q="eva") and ">Ian</a>" not in find(q="eva")
    under_leo = find(manager=small_org.leo.pk)
    assert ">Eva</a>" in under_leo and ">Ian</a>" in under_leo and ">Sol</a>" not in under_leo
    level_3 = find(level=f"{FAMILY}/level-3")
    assert ">Leo</a>" in level_3 and ">Oto</a>" in level_3 and ">Eva</a>" not in level_3
    assert "Nobody matches." in find(q="nobody-by-this-name")


def test_the_directory_pages_fifty_at_a_time(client_as_people_team, small_org):
    from craftpath.web.accounts.models import User

    User.objects.bulk_create(User(email=f"p{n:03}@example.com", name=f"Person {n:03}")
                             for n in range(120))
    first = client_as_people_team.get("/people/").content.decode()
    assert first.count('<tr><th scope="row">') == 50 and "1–50 of 128" in first
    last = client_as_people_team.get("/people/", {"page": 3}).content.decode()
    assert last.count('<tr><th scope="row">') == 28


def test_the_org_chart_nests_reports_under_managers_the_viewer_may_see(client_as, small_org):
    mia_view = client_as(small_org.mia).get("/people/org/").content.decode()
    tree = mia_view.split('id="org-tree">')[1]
    assert tree.index(">Mia</a>") < tree.index(">Leo</a>") < tree.index(">Eva</a>")
    assert ">Sol</a>" not in tree  # not Mia's to see
    ian_view = client_as(small_org.ian).get("/people/org/").content.decode()
    assert ">Ian</a>" in ian_view and ">Leo</a>" not in ian_view


def test_an_inactive_person_page_says_so_and_offers_no_invitation(client_as, small_org):
    eva = small_org.eva
    eva.is_active = False
    eva.save()
    admin = client_as(small_org.ada)
    page = admin.get(f"/people/{eva.pk}/").content.decode()
    assert "Inactive</span> Eva cannot sign in" in page
    assert f'action="/people/{eva.pk}/invite/"' not in page
    answer = admin.post(f"/people/{eva.pk}/invite/", follow=True).content.decode()
    assert "Eva is not active, so no invitation was sent." in answer
    assert not Invitation.objects.filter(person=eva).exists()


def test_someone_who_can_sign_in_is_offered_no_invitation(client_as, small_org):
    ian, sol = small_org.ian, small_org.sol
    admin = client_as(small_org.ada)
    assert f'action="/people/{ian.pk}/invite/"' in admin.get(f"/people/{ian.pk}/").content \
        .decode()  # no password, never signed in: the invitation is for him
    ian.set_password("a long and unusual passphrase 42")
    ian.save()
    sol.last_login = timezone.now()  # signed in by single sign-on; no password
    sol.save()
    for person in (ian, sol):
        page = admin.get(f"/people/{person.pk}/").content.decode()
        assert f'action="/people/{person.pk}/invite/"' not in page and "Inactive" not in page
        answer = admin.post(f"/people/{person.pk}/invite/", follow=True).content.decode()
        assert "can already sign in, so no invitation was sent" in answer
    assert not Invitation.objects.filter(person__in=[ian, sol]).exists()
