"""The web commands of the CLI: publish and build (serve is in test_serve.py)."""

import os
import subprocess
import sys

import pytest

from craftpath.cli import main


def _craftpath(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",
                                                             "DJANGO_SETTINGS_MODULE")}
    return subprocess.run([sys.executable, "-m", "craftpath.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


@pytest.mark.subprocess
def test_publish_shows_warnings_and_the_version(seeds_dir, tmp_path):
    done = _craftpath("publish", str(seeds_dir), "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("version v1 (") and "published" in done.stdout
    assert "warning CP102" in done.stderr  # Level 2 is missing
    again = _craftpath("publish", str(seeds_dir), "--data-dir", str(tmp_path))
    assert "already the active version; nothing was published" in again.stdout


@pytest.mark.subprocess
def test_publish_refuses_an_unusable_path_in_one_line(tmp_path):
    done = _craftpath("publish", str(tmp_path / "missing"), "--data-dir", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"craftpath: error: {tmp_path / 'missing'}: no such file or folder"]


def test_build_writes_the_site(seeds_dir, tmp_path, capsys):
    assert main(["build", str(seeds_dir), "-o", str(tmp_path / "site")]) == 0
    assert "wrote 24 pages" in capsys.readouterr().err
    assert (tmp_path / "site" / "index.html").exists()


def test_build_into_a_file_is_one_clear_error(seeds_dir, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["build", str(seeds_dir), "-o", str(target)]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
