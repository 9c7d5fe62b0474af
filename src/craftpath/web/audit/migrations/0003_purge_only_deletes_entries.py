"""Only the retention purge deletes audit entries or moves the chain's anchor, and the
database itself holds to it (on both databases), below anything the application does.

The permit is a one-row table, `audit_purge_permit`, that the purge fills and empties inside
its own transaction (trail.purge_permit): no other connection ever sees the row, so to
everyone else the table is always empty and every DELETE (or TRUNCATE) of an entry, every
deletion of the head row, every move of its anchor and every step back of its head is
refused. It is deliberately not a model, so Django's `flush` (which empties the tables of
models, in no fixed order) leaves it alone; the audit app's own `flush` opens the permit to
empty the whole database, the trail with it.

Someone with the database owner's rights can still open the permit or drop the triggers;
what they then do is found by `audit_verify` (the anchor must be the one the last purge entry
recorded, and `--expect-head` compares with a head noted elsewhere).
"""

from django.db import migrations

ENTRIES_KEPT = "audit entries are deleted only by the retention purge"
HEAD_KEPT = "the anchor of the audit trail is moved only by the retention purge"

# The head row changes in a way only the purge may make: its anchor moves, or its head steps
# back (which would hide entries deleted at the end).
HEAD_MOVED = ("NEW.anchor_seq <> OLD.anchor_seq OR NEW.anchor_hash <> OLD.anchor_hash "
              "OR NEW.seq < OLD.seq")

SQLITE = (
    [
        "CREATE TABLE audit_purge_permit (id integer NOT NULL PRIMARY KEY CHECK (id = 1))",
        "CREATE TRIGGER audit_event_delete_guard BEFORE DELETE ON audit_event "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit) "
        f"BEGIN SELECT RAISE(ABORT, '{ENTRIES_KEPT}'); END",
        "CREATE TRIGGER audit_chainhead_delete_guard BEFORE DELETE ON audit_chainhead "
        "WHEN NOT EXISTS (SELECT 1 FROM audit_purge_permit) "
        f"BEGIN SELECT RAISE(ABORT, '{HEAD_KEPT}'); END",
        "CREATE TRIGGER audit_chainhead_anchor_guard BEFORE UPDATE ON audit_chainhead "
        f"WHEN ({HEAD_MOVED}) AND NOT EXISTS (SELECT 1 FROM audit_purge_permit) "
        f"BEGIN SELECT RAISE(ABORT, '{HEAD_KEPT}'); END",
    ],
    [
        "DROP TRIGGER IF EXISTS audit_chainhead_anchor_guard",
        "DROP TRIGGER IF EXISTS audit_chainhead_delete_guard",
        "DROP TRIGGER IF EXISTS audit_event_delete_guard",
        "DROP TABLE IF EXISTS audit_purge_permit",
    ],
)

POSTGRESQL = (
    [
        "CREATE TABLE audit_purge_permit (id integer NOT NULL PRIMARY KEY CHECK (id = 1))",
        # One function for every guard; the trigger passes the refusal's wording.
        "CREATE FUNCTION audit_refuse_unless_purging() RETURNS trigger AS $$ BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM audit_purge_permit) THEN "
        "RAISE EXCEPTION '%', TG_ARGV[0]; END IF; "
        "IF TG_LEVEL = 'STATEMENT' THEN RETURN NULL; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_event_delete_guard BEFORE DELETE OR TRUNCATE ON audit_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION "
        f"audit_refuse_unless_purging('{ENTRIES_KEPT}')",
        "CREATE TRIGGER audit_chainhead_delete_guard BEFORE DELETE OR TRUNCATE "
        "ON audit_chainhead FOR EACH STATEMENT EXECUTE FUNCTION "
        f"audit_refuse_unless_purging('{HEAD_KEPT}')",
        "CREATE TRIGGER audit_chainhead_anchor_guard BEFORE UPDATE ON audit_chainhead "
        f"FOR EACH ROW WHEN ({HEAD_MOVED}) EXECUTE FUNCTION "
        f"audit_refuse_unless_purging('{HEAD_KEPT}')",
    ],
    [
        "DROP TRIGGER IF EXISTS audit_chainhead_anchor_guard ON audit_chainhead",
        "DROP TRIGGER IF EXISTS audit_chainhead_delete_guard ON audit_chainhead",
        "DROP TRIGGER IF EXISTS audit_event_delete_guard ON audit_event",
        "DROP FUNCTION IF EXISTS audit_refuse_unless_purging()",
        "DROP TABLE IF EXISTS audit_purge_permit",
    ],
)


def _run(schema_editor, forwards: bool) -> None:
    sql = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    for statement in (sql[0] if forwards else sql[1]) if sql else []:
        schema_editor.execute(statement, params=None)


def add_guards(apps, schema_editor):
    _run(schema_editor, forwards=True)


def drop_guards(apps, schema_editor):
    _run(schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_head_and_guard")]

    operations = [migrations.RunPython(add_guards, drop_guards)]
