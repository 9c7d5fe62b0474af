"""Salts for the names in the trail (audit/names.py), and an update guard that lets a name be
replaced by its commitment (and nothing else be changed): what anonymising a person does."""

from django.db import migrations, models

NAMES = ("actor_name", "actor_email", "subject_name")
FIXED = ("id", "seq", "at", "actor_pk", "action", "subject_pk", "target", "detail",
         "prev_hash", "hash")


def _unchanged_but_names() -> str:
    same = [f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in FIXED]
    same += [f"(NEW.{c} = OLD.{c} OR NEW.{c} LIKE '#c:%')" for c in NAMES]
    return " AND ".join(same)


def _sqlite_condition() -> str:
    return _unchanged_but_names().replace(" IS NOT DISTINCT FROM ", " IS ")


TRIGGERS = {
    "sqlite": (
        ["DROP TRIGGER IF EXISTS audit_event_append_only",
         "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
         f"WHEN NOT ({_sqlite_condition()}) "
         "BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END"],
        ["DROP TRIGGER IF EXISTS audit_event_append_only",
         "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
         "BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END"],
    ),
    "postgresql": (
        ["CREATE OR REPLACE FUNCTION audit_event_refuse_update() RETURNS trigger AS $$ BEGIN "
         f"IF {_unchanged_but_names()} THEN RETURN NEW; END IF; "
         "RAISE EXCEPTION 'audit entries are never changed'; END $$ LANGUAGE plpgsql"],
        ["CREATE OR REPLACE FUNCTION audit_event_refuse_update() RETURNS trigger AS $$ BEGIN "
         "RAISE EXCEPTION 'audit entries are never changed'; END $$ LANGUAGE plpgsql"],
    ),
}


def guard(apps, schema_editor):
    for statement in TRIGGERS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def unguard(apps, schema_editor):
    for statement in TRIGGERS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [("audit", "0003_purge_only_deletes_entries")]

    operations = [
        migrations.CreateModel(
            name="NameSalt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("person_pk", models.BigIntegerField(unique=True)),
                ("salt", models.CharField(max_length=64)),
                ("since_seq", models.PositiveBigIntegerField()),
            ],
        ),
        migrations.RunPython(guard, unguard),
    ]
