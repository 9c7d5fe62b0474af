"""The suite really runs on the database it says: SQLite by default, PostgreSQL 15 when
scripts/test sets CRAFTPATH_TEST_DB=postgres."""

import os

import pytest


@pytest.mark.django_db
def test_the_tests_run_on_the_database_asked_for():
    from django.db import connection

    wanted = os.environ.get("CRAFTPATH_TEST_DB", "sqlite")
    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[wanted]
    if connection.vendor == "postgresql":
        assert connection.pg_version // 10000 == 15


@pytest.mark.django_db
def test_case_insensitive_email_lookup_behaves_the_same_on_both(small_org):
    from craftpath.web.accounts.models import User

    assert User.objects.get_by_natural_key("MIA@Example.COM") == small_org.mia
