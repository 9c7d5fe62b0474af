"""Fixtures for the web app: a database with the seed framework published."""

from __future__ import annotations

import pytest

FAMILY = "ml-and-edge-ml-engineer-craft"


@pytest.fixture
def published_seed(db, seed_load):
    from craftpath.web.frameworks.publishing import publish_framework

    return publish_framework(seed_load.framework, seed_load.diagnostics).version


@pytest.fixture
def family_url():
    return lambda rest="": f"/{FAMILY}/{rest}"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium. Missing means a broken set-up, so the tests fail rather than skip."""
    from pathlib import Path

    path = Path("/usr/bin/chromium")
    if not path.exists():
        pytest.fail("Chromium is missing: install Debian's `chromium` (scripts/install-system "
                    "does); the browser and PDF tests need it")
    return str(path)
