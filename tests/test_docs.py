"""The documentation site: its generated reference pages are up to date, it builds with
`mkdocs build --strict`, the README's links resolve, and `craftpath docs` serves it."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from craftpath import cli, docs_reference

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def test_every_generated_reference_page_matches_the_code():
    on_disk = ROOT / docs_reference.REFERENCE
    for name, text in docs_reference.generate().items():
        path = on_disk / name
        assert path.is_file() and path.read_text() == text, (
            f"{path.relative_to(ROOT)} is out of date: run `{docs_reference.COMMAND}` "
            "and commit the pages it writes")


def test_a_page_edited_by_hand_is_reported_stale(tmp_path):
    copy = tmp_path / docs_reference.REFERENCE
    shutil.copytree(ROOT / docs_reference.REFERENCE, copy)
    (copy / "lint-rules.md").write_text((copy / "lint-rules.md").read_text() + "\nedited\n")
    (copy / "access.md").unlink()
    assert docs_reference.stale(tmp_path) == ["lint-rules.md", "access.md"]


def test_the_command_reference_lists_every_command_and_option():
    page = docs_reference.cli_page()
    for command in ("import", "lint", "serve", "people import", "token create", "docs"):
        assert f"## craftpath {command}\n" in page or f"### craftpath {command}\n" in page
    assert "| `--vague-words` | `WORDS` |" in page
    assert "| `--to` | `yaml` \\| `json` \\| `jtd-markdown` | required |" in page


def test_the_api_reference_gives_each_route_its_narrowest_scope():
    page = docs_reference.api_page()
    assert "| `GET` | `/api/v1/people` | People you may see | read |" in page
    assert "| `POST` | `/api/v1/people` | Add a person (admins) | admin |" in page
    assert re.search(r"\| `POST` \| `/api/v1/webhooks` \| .* \| admin \|", page)
    assert re.search(r"\| `POST` \| `/api/v1/evidence` \| .* \| write \|", page)


def test_the_webhook_reference_names_each_event_with_its_data():
    page = docs_reference.webhooks_page()
    assert "| `person.deactivated` | Person deactivated | `person_id`, `email` |" in page
    assert "`checkin.closed` | Check-in closed | `checkin_id`, `person_id`" in page


@pytest.mark.subprocess
def test_the_site_builds_with_strict_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "reference" / "cli" / "index.html").is_file()
    assert (tmp_path / "site" / "reference" / "openapi.json").is_file()


def _links(markdown: str) -> list[str]:
    return re.findall(r"\]\(([^)\s]+)\)", markdown)


def test_the_readme_links_resolve():
    links = [link for link in _links(README.read_text()) if "://" not in link]
    assert links, "the README links into docs/"
    for link in links:
        target = (ROOT / link.split("#")[0]).resolve()
        assert target.exists(), f"README links to {link}, which is not there"


def test_the_readme_stays_short_and_keeps_its_set_up_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 200
    assert "./scripts/run " in text and "./scripts/test " in text
    # The quick loop it documents is the one scripts/test offers.
    assert "./scripts/test --quick" in text and '"--quick"' in (ROOT / "scripts/test").read_text()


def test_craftpath_docs_says_so_when_mkdocs_is_missing(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mkdocs" else real(name, *a))
    assert cli.main(["docs"]) == 2
    assert "craftpath: error: mkdocs is not installed" in capsys.readouterr().err


def test_craftpath_docs_serves_the_site_with_mkdocs(monkeypatch, capsys):
    called = []
    monkeypatch.setattr(os, "execv", lambda program, command: called.append((program, command)))
    cli.main(["docs", "--port", "8123"])
    assert called == [(sys.executable, [sys.executable, "-m", "mkdocs", "serve", "--config-file",
                                        str(ROOT / "mkdocs.yml"), "--dev-addr",
                                        "127.0.0.1:8123"])]
    assert "http://127.0.0.1:8123/" in capsys.readouterr().err
