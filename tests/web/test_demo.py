"""`craftpath demo` and the demo that `craftpath serve` makes on an empty directory."""

from collections import Counter

import pytest

from craftpath.cli import main
from craftpath.web.accounts.models import Role, Team, User
from craftpath.web.accounts.problems import DemoError
from craftpath.web.demo import create_demo

from .conftest import DEMO_PASSWORD


def test_the_demo_is_thirty_people_across_levels_5_to_1(demo_org):
    assert demo_org.people == User.objects.count() == 30
    levels = Counter(User.objects.exclude(level_slug="").values_list("level_slug", flat=True))
    assert set(levels) == {"level-5", "level-4", "level-3", "level-1"}  # Level 2 has no page
    assert levels["level-1"] == 1
    assert sorted(Team.objects.values_list("name", flat=True)) == ["Edge", "Platform", "Vision"]
    head = User.objects.get(email="amara@demo.craftpath.example")
    assert head.manager is None and head.has_role(Role.MANAGER)
    assert User.objects.filter(manager__isnull=True).count() == 3  # the head, people, admin


def test_each_demo_sign_in_works_and_shows_its_role(demo_org, client):
    seen = {}
    for email, _ in demo_org.sign_ins:
        reply = client.post("/accounts/login/", {"username": email, "password": DEMO_PASSWORD})
        assert reply.status_code == 302, email
        page = client.get("/people/").content.decode()
        seen[email.split("@")[0]] = page.count('<tr><th scope="row">')
        client.post("/accounts/logout/")
    assert seen["farah"] == 1 and seen["chen"] == 4
    assert seen["amara"] == 28 and seen["pat"] == 30 and seen["alex"] == 30


def test_running_the_demo_again_gives_a_new_password(demo_org):
    again = create_demo("another-password-1")
    assert not again.created and again.people == 30
    assert User.objects.get(email="farah@demo.craftpath.example").check_password(
        "another-password-1")


def test_the_demo_refuses_a_directory_with_other_people(small_org):
    with pytest.raises(DemoError, match="only fills an empty one"):
        create_demo()


def test_serve_makes_the_demo_when_nobody_is_there(db, capsys):
    from craftpath.web.serve import prepare

    first = prepare()
    assert first.demo is not None and first.demo.people == 30
    assert "with password" in first.demo.lines()[0]
    assert prepare().demo is None  # people exist now: left alone


def test_the_cli_prints_the_sign_ins(published_seed, capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "demo organisation created: 30 people" in out
    assert "alex@demo.craftpath.example" in out and "admin" in out
