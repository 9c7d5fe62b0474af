from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("insights", "0006_calibration_indexes")]

    operations = [
        migrations.AddField(
            model_name="personattribute",
            name="value_before",
            field=models.CharField(blank=True, max_length=80),
        ),
    ]
