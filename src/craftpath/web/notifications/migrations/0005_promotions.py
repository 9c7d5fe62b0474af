from django.db import migrations, models

KINDS = [
    ("invited", "Invitation to craftpath"),
    ("cycle_launched", "A review cycle you are in has started"),
    ("self_submitted", "A self-assessment is ready for your review"),
    ("review_submitted", "Your manager submitted their review"),
    ("side_by_side", "A side-by-side view is open"),
    ("checkin_closed", "A check-in was closed"),
    ("feedback_requested", "Someone asks for your feedback"),
    ("feedback_given", "A colleague gave feedback"),
    ("deadline_approaching", "A deadline is approaching"),
    ("deadline_missed", "A deadline was missed"),
    ("version_published", "A new framework version is out"),
    ("email_changed", "Your sign-in address was changed"),
    ("promotion_nominated", "Someone was nominated for promotion"),
    ("promotion_decided", "A promotion case was decided"),
    ("level_changed", "A level changed"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_worker_beat"),
    ]

    operations = [
        migrations.AlterField(
            model_name="emailoptout",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=30),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=30),
        ),
    ]
