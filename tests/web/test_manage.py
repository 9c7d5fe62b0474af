"""`craftpath manage …`: Django's management commands through the craftpath command."""

from craftpath.cli import main


def test_manage_runs_a_django_command(capsys, db):
    assert main(["manage", "check"]) == 0
    assert "System check identified no issues" in capsys.readouterr().out
