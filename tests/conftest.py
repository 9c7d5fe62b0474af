"""Fixtures shared by every test: where the seed pages and the corpus are, and what they give."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
CORPUS = SHARED / "corpus"


def _required_folder(path: Path) -> Path:
    if not path.is_dir():
        pytest.fail(f"expected the shared folder at {path} (a checkout of `shared/` beside this "
                    "project); the tests read the seed pages and the corpus from there")
    return path


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return _required_folder(SEEDS)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _required_folder(CORPUS)


@pytest.fixture(scope="session")
def seed_pages(seeds_dir) -> list[Path]:
    """The four level pages, without the folder's README."""
    return sorted(seeds_dir.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_load(seeds_dir):
    from craftpath.core.formats import load
    return load([seeds_dir])


@pytest.fixture(scope="session")
def seed_framework(seed_load):
    return seed_load.framework


@pytest.fixture(scope="session")
def seed_family(seed_framework):
    return seed_framework.families[0]
