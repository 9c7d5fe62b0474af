"""The chain's head row, and a trigger that refuses any UPDATE of an audit entry in the
database itself (on both databases), below anything the application does."""

from django.db import migrations

GENESIS = "0" * 64

TRIGGERS = {
    "sqlite": (
        ["CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
         "BEGIN SELECT RAISE(ABORT, 'audit entries are never changed'); END"],
        ["DROP TRIGGER IF EXISTS audit_event_append_only"],
    ),
    "postgresql": (
        ["CREATE FUNCTION audit_event_refuse_update() RETURNS trigger AS $$ BEGIN "
         "RAISE EXCEPTION 'audit entries are never changed'; END $$ LANGUAGE plpgsql",
         "CREATE TRIGGER audit_event_append_only BEFORE UPDATE ON audit_event "
         "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_update()"],
        ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
         "DROP FUNCTION IF EXISTS audit_event_refuse_update()"],
    ),
}


def create_head(apps, schema_editor):
    ChainHead = apps.get_model("audit", "ChainHead")
    ChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS,
                                                    "anchor_seq": 1, "anchor_hash": GENESIS})


def add_guard(apps, schema_editor):
    sql = TRIGGERS.get(schema_editor.connection.vendor)
    for statement in sql[0] if sql else []:
        schema_editor.execute(statement)


def drop_guard(apps, schema_editor):
    sql = TRIGGERS.get(schema_editor.connection.vendor)
    for statement in sql[1] if sql else []:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(add_guard, drop_guard),
    ]
