"""The org chart's one walk, both ways: everyone below a manager, and the managers above a
person. Each is one recursive query on the manager links, on SQLite and PostgreSQL alike, and
each stops on a loop left by bad data instead of going round for ever. Access rules, insights
and the people screens all ask here."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

DEPTH_LIMIT = 64  # deeper than any real org chart; a walk up stops here on bad data


def _table() -> str:
    # The user model by Django's name for it, not by import: models.py asks this module.
    return connection.ops.quote_name(get_user_model()._meta.db_table)


def below_sql(manager_pk: int, select: str = "SELECT id FROM below") -> tuple[str, list]:
    """SQL for `select` over `below`, the ids of everyone below a manager. UNION (not UNION
    ALL) stops on a loop, which is also why the manager is left out at the end."""
    table = _table()
    return (f"WITH RECURSIVE reached(id) AS (SELECT id FROM {table} WHERE manager_id = %s "
            f"UNION SELECT u.id FROM {table} u JOIN reached r ON u.manager_id = r.id), "
            f"below(id) AS (SELECT id FROM reached WHERE id <> %s) {select}",
            [manager_pk, manager_pk])


def below(manager_pk: int) -> set[int]:
    """Everyone below `manager_pk`, directly or not, never the manager themselves."""
    with connection.cursor() as cursor:
        cursor.execute(*below_sql(manager_pk))
        return {row[0] for row in cursor.fetchall()}


def above(person_pk: int) -> list[int]:
    """The managers above a person, nearest first; a loop ends the list before it repeats."""
    table = _table()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE up(id, depth) AS (SELECT manager_id, 1 FROM {table} WHERE id = %s "
            f"UNION ALL SELECT u.manager_id, up.depth + 1 FROM {table} u JOIN up ON u.id = up.id "
            f"WHERE up.depth < {DEPTH_LIMIT}) SELECT id FROM up WHERE id IS NOT NULL "
            "ORDER BY depth", [person_pk])
        return _until_loop(person_pk, [row[0] for row in cursor.fetchall()])


def chains_above(managers: dict[int, int | None]) -> dict[int, list[int]]:
    """person → the managers above them (nearest first) for everyone in `managers` (person →
    their manager, as loaded in one query), walked in memory: a rebuild over the whole
    organisation cannot afford a query per person."""
    found: dict[int, list[int]] = {}
    for person_pk in managers:
        chain, step = [], managers.get(person_pk)
        while step is not None and len(chain) < DEPTH_LIMIT:
            chain.append(step)
            step = managers.get(step)
        found[person_pk] = _until_loop(person_pk, chain)
    return found


def _until_loop(person_pk: int, chain: list[int]) -> list[int]:
    seen, kept = {person_pk}, []
    for manager_pk in chain:
        if manager_pk in seen:
            break
        seen.add(manager_pk)
        kept.append(manager_pk)
    return kept


def is_at_or_above(actor_pk: int, person_pk: int | None) -> bool:
    """Whether `actor_pk` is `person_pk` or one of their managers, at any distance."""
    return person_pk is not None and (actor_pk == person_pk or actor_pk in above(person_pk))
