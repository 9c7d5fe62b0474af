"""The people pages: the directory list, a person's page, notes."""

from craftpath.web.accounts.models import Note


def test_the_people_list_shows_only_visible_people(client_as_manager, small_org):
    page = client_as_manager.get("/people/").content.decode()
    for name in ("Mia", "Leo", "Eva", "Ian"):
        assert f">{name}</a>" in page
    assert ">Sol</a>" not in page and "Download the directory" not in page


def test_the_people_team_gets_the_export_link_and_everyone(client_as_people_team):
    page = client_as_people_team.get("/people/").content.decode()
    assert page.count("<tr><td>") == 8 and "Download the directory" in page


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
