from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("notifications", "0003_email_changed")]

    operations = [
        migrations.CreateModel(
            name="WorkerBeat",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("worker_id", models.CharField(max_length=64, unique=True)),
                ("beat_at", models.DateTimeField()),
            ],
        ),
    ]
