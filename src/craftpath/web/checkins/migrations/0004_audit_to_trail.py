"""The check-in audit log moves into the audit trail (web/audit/): one record of who looked
at whose data, chained and kept after accounts go. Existing rows are appended to the chain in
the order they were written, then the old table is dropped."""

from django.db import migrations


def move_to_trail(apps, schema_editor):
    from craftpath.web.audit import chain

    AuditEntry = apps.get_model("checkins", "AuditEntry")
    Event = apps.get_model("audit", "Event")
    ChainHead = apps.get_model("audit", "ChainHead")
    head, _ = ChainHead.objects.get_or_create(pk=1, defaults={
        "seq": 0, "hash": chain.GENESIS, "anchor_seq": 1, "anchor_hash": chain.GENESIS})
    made = []
    for old in AuditEntry.objects.select_related("actor", "person").order_by("at", "id"):
        fields = {
            "seq": head.seq + 1, "at": old.at, "actor_pk": old.actor_id,
            "actor_name": (old.actor.name or old.actor.email) if old.actor_id
            else "someone since removed",
            "actor_email": old.actor.email if old.actor_id else "",
            "action": old.action, "subject_pk": old.person_id,
            "subject_name": old.person.name or old.person.email,
            "target": f"check-in {old.checkin_id}" if old.checkin_id else "check-in",
            "detail": chain.clean_text(old.what, 300),
        }
        digest = chain.link(head.hash, fields)
        made.append(Event(**fields, prev_hash=head.hash, hash=digest))
        head.seq, head.hash = fields["seq"], digest
    Event.objects.bulk_create(made, batch_size=1000)
    ChainHead.objects.filter(pk=1).update(seq=head.seq, hash=head.hash)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_head_and_guard"),
        ("checkins", "0003_feedbackrequest"),
    ]

    operations = [
        migrations.RunPython(move_to_trail, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="AuditEntry",
        ),
    ]
