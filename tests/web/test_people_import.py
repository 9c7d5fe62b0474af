"""Directory import and export: every problem with its line, nothing half done, the same file
twice changes nothing, and export reads back unchanged. In the CLI and the admin screens."""

import pytest

from craftpath.cli import main
from craftpath.web.accounts.directory import COLUMNS, export_csv, import_csv
from craftpath.web.accounts.models import Role, Team, User
from craftpath.web.accounts.problems import DirectoryError

HEADER = "email,name,manager_email,team,family,tracks,level,level_since\n"
GOOD = HEADER + (
    "head@example.com,Hana Head,,,,all,Level 1,2020-01-01\n"
    "lead@example.com,Lee Lead,head@example.com,Edge,,all;Edge ML Engineer,Senior,2022-05-01\n"
    "dev@example.com,Dev One,lead@example.com,Edge;Vision,ml-and-edge-ml-engineer-craft,"
    "all;ml-engineer,5,2024-09-02\n"
)


def problems_of(text, actor=None):
    with pytest.raises(DirectoryError) as refused:
        import_csv(text, actor=actor)
    return [str(problem) for problem in refused.value.problems]


def test_a_good_file_imports_people_teams_managers_and_roles(published_seed):
    report = import_csv(GOOD)
    assert report.applied and len(report.created) == 3
    dev = User.objects.get(email="dev@example.com")
    assert (dev.level_slug, dev.track_slugs, str(dev.level_since)) == (
        "level-5", ["all", "ml-engineer"], "2024-09-02")
    assert dev.manager.email == "lead@example.com"
    assert sorted(team.name for team in dev.teams.all()) == ["Edge", "Vision"]
    assert User.objects.get(email="lead@example.com").track_slugs == ["all", "edge-ml-engineer"]
    assert User.objects.get(email="lead@example.com").has_role(Role.MANAGER)
    assert not dev.has_role(Role.MANAGER) and dev.has_role(Role.ENGINEER)
    assert not dev.has_usable_password()


def test_the_same_file_twice_changes_nothing(published_seed):
    import_csv(GOOD)
    again = import_csv(GOOD)
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 3)
    assert User.objects.count() == 3 and Team.objects.count() == 2


def test_a_dry_run_reports_and_changes_nothing(published_seed):
    report = import_csv(GOOD, dry_run=True)
    assert not report.applied and len(report.created) == 3
    assert report.summary() == "would import 3 people: 3 new, 0 changed, 0 unchanged"
    assert not User.objects.exists()


def test_every_row_problem_is_reported_with_line_and_column(published_seed):
    text = HEADER + (
        "ok@example.com,Ok,,,,,,\n"
        "not-an-email,Bad Email,,,,,,\n"
        "noname@example.com,,,,,,,\n"
        "lvl@example.com,Level,,,,,Level 9,\n"
        "trk@example.com,Track,,,,cooking,,\n"
        "fam@example.com,Family,,,plumbing,,,\n"
        "day@example.com,Day,,,,,3,01/02/2024\n"
        "boss@example.com,Boss,ghost@example.com,,,,,\n"
        "ok@example.com,Again,,,,,,\n"
        "self@example.com,Self,self@example.com,,,,,\n"
    )
    found = problems_of(text)
    assert found[:3] == [
        "line 3, email: 'not-an-email' is not an email address",
        "line 4, name: is empty",
        "line 5, level: no level 'Level 9' in ML and Edge ML Engineer Craft (known: level-5, "
        "level-4, level-3, level-2, level-1)",
    ]
    assert found[3].startswith("line 6, tracks: no track 'cooking'")
    assert found[4].startswith("line 7, family: no family 'plumbing'")
    assert found[5] == "line 8, level_since: '01/02/2024' is not a date like 2024-03-01"
    assert found[6] == "line 10, email: ok@example.com is already on line 2"
    assert found[7] == "line 11, manager_email: a person cannot be their own manager"
    assert not User.objects.exists()


def test_an_unknown_manager_and_a_circle_are_reported(published_seed):
    assert problems_of(HEADER + "a@example.com,A,ghost@example.com,,,,,\n") == [
        "line 2, manager_email: ghost@example.com is neither in the file nor in the directory"]
    circle = HEADER + ("a@example.com,A,b@example.com,,,,,\n"
                       "b@example.com,B,c@example.com,,,,,\n"
                       "c@example.com,C,a@example.com,,,,,\n")
    assert problems_of(circle) == [
        "line 2, manager_email: the org chart would go round in a circle "
        "(a@example.com → b@example.com → c@example.com → a@example.com)"]


def test_a_circle_through_people_already_in_the_directory_is_caught(published_seed):
    import_csv(HEADER + "a@example.com,A,,,,,,\nb@example.com,B,a@example.com,,,,,\n")
    found = problems_of(HEADER + "a@example.com,A,b@example.com,,,,,\n")
    assert "a@example.com → b@example.com → a@example.com" in found[0]


def test_the_header_is_checked_first(published_seed):
    assert problems_of("email,nmae\nx@example.com,X\n") == [
        "line 1, nmae: unknown column (known: email, name, given_name, family_name, "
        "department, manager_email, team, family, tracks, level, level_since, roles)",
        "line 1, name: required column is missing (or give given_name and family_name)"]
    assert problems_of("") == ["line 1: the file is empty; expected a header row with the "
                               "columns email, name, given_name, family_name, department, "
                               "manager_email, team, family, tracks, level, level_since, "
                               "roles"]
    assert problems_of(b"email,name\n\xff\xfe,x\n") == [
        "line 0: the file is not UTF-8 text (byte 11)"]


def test_a_bad_row_leaves_an_earlier_import_untouched(published_seed):
    import_csv(GOOD)
    changed = GOOD.replace("Dev One", "Dev Renamed") + "bad,Bad,,,,,,\n"
    problems_of(changed)
    assert User.objects.get(email="dev@example.com").name == "Dev One"


def test_export_reads_back_unchanged(published_seed):
    import_csv(GOOD)
    exported = export_csv(User.objects.all())
    assert exported.splitlines()[0] == ",".join(COLUMNS)  # with the names and department
    assert "dev@example.com,Dev One,,,,lead@example.com,Edge;Vision," in exported
    report = import_csv(exported)
    assert len(report.unchanged) == 3 and not report.created and not report.updated


def test_the_cli_checks_imports_and_exports(published_seed, tmp_path, capsys, settings):
    source = tmp_path / "people.csv"
    source.write_text(GOOD)
    assert main(["people", "import", str(source), "--dry-run"]) == 0
    assert "would import 3 people: 3 new" in capsys.readouterr().out
    assert not User.objects.exists()
    assert main(["people", "import", str(source)]) == 0
    assert "imported 3 people: 3 new" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert main(["people", "export", "-o", str(out)]) == 0
    assert out.read_text().count("\n") == 4


def test_the_cli_lists_problems_then_one_error_line(published_seed, tmp_path, capsys):
    source = tmp_path / "people.csv"
    source.write_text(HEADER + "x,,,,,,,\n")
    assert main(["people", "import", str(source)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{source}: line 2, email: 'x' is not an email address",
                   f"{source}: line 2, name: is empty",
                   "craftpath: error: 2 problem(s) in the file; nothing was imported"]
    assert main(["people", "import", str(tmp_path / "missing.csv")]) == 2
    assert "missing.csv" in capsys.readouterr().err


def test_the_admin_import_screen_dry_runs_then_imports(client_as_admin, small_org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/admin/accounts/user/import/"
    assert client_as_admin.get(url).status_code == 200
    upload = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    page = client_as_admin.post(url, {"file": upload, "dry_run": "on"})
    assert "would import 3 people" in page.content.decode()
    assert not User.objects.filter(email="dev@example.com").exists()
    bad = SimpleUploadedFile("people.csv", (HEADER + "x,,,,,,,\n").encode())
    page = client_as_admin.post(url, {"file": bad})
    assert "line 2, email: &#x27;x&#x27; is not an email address" in page.content.decode()
    upload = SimpleUploadedFile("people.csv", GOOD.encode(), content_type="text/csv")
    client_as_admin.post(url, {"file": upload})
    assert User.objects.filter(email="dev@example.com").exists()


def test_the_admin_export_gives_the_same_csv(client_as_admin, small_org):
    reply = client_as_admin.get("/admin/accounts/user/export/")
    assert reply["Content-Type"].startswith("text/csv")
    assert reply.content.decode() == export_csv(User.objects.all())


def test_roles_come_with_the_file_when_it_has_the_column(published_seed, small_org):
    ian, eva, ada = small_org.ian, small_org.eva, small_org.ada

    def with_roles(**roles) -> str:
        """The directory's own export of Ian, Eva and Ada, with the roles cells given."""
        lines = export_csv(User.objects.filter(pk__in=[ian.pk, eva.pk, ada.pk])).splitlines()
        for name, cell in roles.items():
            email = getattr(small_org, name).email
            lines = [line.rsplit(",", 1)[0] + f",{cell}" if line.startswith(email + ",")
                     else line for line in lines]
        return "\n".join(lines) + "\n"

    text = with_roles(ian="people;Framework editor", eva="")
    report = import_csv(text)  # the command line's operator: any role
    assert report.updated == [ian.email]  # Eva holds engineer already, Ada is as she was
    assert ian.role_names() == {"engineer", "people", "editor"}
    assert import_csv(text).updated == []  # the same file again
    # Without the column nobody's roles change.
    import_csv("\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n")
    assert User.objects.get(pk=ian.pk).has_role("people")
    # From the app (the import action), set_roles' rules: an admin neither gives the
    # people-team role nor changes their own roles; nothing is imported when a row breaks one.
    from craftpath.web.actions import people as actions

    def refused(text):
        with pytest.raises(DirectoryError) as caught:
            actions.import_directory(ada, text.encode(), dry_run=False)
        return [str(problem) for problem in caught.value.problems]

    before = sorted(User.objects.values_list("email", "roles__name"))
    assert [f.split(", ", 1)[1] for f in refused(with_roles(ian="chief"))] == [
        "roles: unknown role 'chief' (known: engineer, manager, people, admin, editor)"]
    assert sorted(f.split(": ", 1)[1] for f in refused(with_roles(
        eva="people", ada="admin;editor"))) == [
        "the people-team role is given and taken only by someone who holds it",
        "you cannot change your own roles; another admin must"]
    assert sorted(User.objects.values_list("email", "roles__name")) == before
    # An admin who holds the people-team role gives it.
    ada.grant(Role.PEOPLE)
    actions.import_directory(ada, with_roles(eva="people", ada="admin;people").encode(),
                             dry_run=False)
    assert User.objects.get(pk=eva.pk).has_role("people")


def test_the_file_carries_names_department_track_and_roles(published_seed):
    """The same as SCIM brings: a person the file adds is ready to join a cycle."""
    sheet = ("email,given_name,family_name,department,family,track,level,roles\n"
             "nia@example.com,Nia,Okafor,Research,ML and Edge ML Engineer Craft,"
             "all;edge-ml-engineer,Level 4,editor\n")
    import_csv(sheet)
    nia = User.objects.get(email="nia@example.com")
    assert (nia.name, nia.given_name, nia.family_name, nia.department) == (
        "Nia Okafor", "Nia", "Okafor", "Research")
    assert (nia.family_slug, nia.track_slugs, nia.level_slug) == (
        "ml-and-edge-ml-engineer-craft", ["all", "edge-ml-engineer"], "level-4")
    assert nia.role_names() == {"engineer", "editor"}
    assert import_csv(sheet).unchanged == ["nia@example.com"]
    exported = export_csv(User.objects.all())
    assert "nia@example.com,Nia Okafor,Nia,Okafor,Research," in exported
    assert import_csv(exported).unchanged == ["nia@example.com"]

    # A file without those columns leaves them as they are.
    import_csv("email,name\nnia@example.com,Nia Okafor\n")
    nia.refresh_from_db()
    assert (nia.given_name, nia.department) == ("Nia", "Research")


def test_an_unknown_family_or_level_names_its_line_and_column(published_seed):
    assert problems_of("email,given_name,family,level\n"
                       "ok@example.com,Ok,ml-and-edge-ml-engineer-craft,Level 4\n"
                       "a@example.com,A,Plumbing,\n"
                       "b@example.com,B,ml-and-edge-ml-engineer-craft,Level 9\n") == [
        "line 3, family: no family 'Plumbing' in the published framework (known: "
        "ml-and-edge-ml-engineer-craft)",
        "line 4, level: no level 'Level 9' in ML and Edge ML Engineer Craft (known: level-5, "
        "level-4, level-3, level-2, level-1)"]
    assert not User.objects.exists()  # the good line is not imported either
    assert problems_of("email,name,track,tracks\nx@example.com,X,all,all\n") == [
        "line 1, tracks: the column is there twice"]
