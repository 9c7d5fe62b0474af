"""Several instances on one database: the cache they share (the API's rate limits count in
it) is a database table, not each process's memory; migrations at start take PostgreSQL's
advisory lock, so two instances starting together migrate one after the other."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from craftpath.web import serve

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_rate_limit_counts_in_the_shared_cache_table(small_org, api_as):
    api = api_as(small_org.ian, "read")
    assert api.get("/api/v1/people/me").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM craftpath_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert any("api-rate-person" in key for key in keys), keys


def test_a_second_instance_migrates_only_once_the_first_has_finished():
    if connection.vendor != "postgresql":
        with serve.migration_lock():  # SQLite serialises writers itself: no lock to take
            return
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    first = psycopg.connect(host=database["HOST"], port=database["PORT"],
                            user=database["USER"], dbname=database["NAME"], autocommit=True)
    first.execute("SELECT pg_advisory_lock(%s)", [serve.MIGRATION_LOCK])  # migrating
    entered = threading.Event()

    def second_instance():
        try:
            with serve.migration_lock():
                entered.set()
        finally:
            from django.db import connection as own

            own.close()

    starting = threading.Thread(target=second_instance)
    starting.start()
    try:
        assert not entered.wait(1.0)  # still waiting for the first
        first.execute("SELECT pg_advisory_unlock(%s)", [serve.MIGRATION_LOCK])
        assert entered.wait(30)
    finally:
        first.close()
        starting.join(30)
