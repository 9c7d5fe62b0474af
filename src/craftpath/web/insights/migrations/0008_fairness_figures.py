import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("insights", "0007_attribute_value_before")]

    operations = [
        migrations.CreateModel(
            name="FairnessFigures",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("quarter", models.CharField(max_length=7)),
                ("kind", models.CharField(max_length=40)),
                ("threshold", models.FloatField()),
                ("minimum", models.PositiveIntegerField()),
                ("figures", models.JSONField()),
                ("made_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "constraints": [models.UniqueConstraint(
                    fields=("quarter", "kind", "threshold", "minimum"),
                    name="one_publication")],
            },
        ),
    ]
