from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("checkins", "0005_data_rights"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(condition=models.Q(("self_revision__gt", 0)), fields=["checkin"],
                               name="entry_self_begun"),
        ),
    ]
