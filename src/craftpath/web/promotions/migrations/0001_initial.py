import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("frameworks", "0004_importdraft_reading"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Case",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("family_slug", models.SlugField(max_length=100)),
                ("from_level_slug", models.SlugField(max_length=100)),
                ("target_level_slug", models.SlugField(max_length=100)),
                ("statement", models.TextField(max_length=10000, verbose_name="case statement")),
                ("person_statement", models.TextField(blank=True, max_length=10000)),
                ("snapshot", models.JSONField(default=dict)),
                ("readiness_areas", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("revision", models.PositiveIntegerField(default=0)),
                (
                    "nominator",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="nominations_made",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="promotion_cases",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="promotion_cases",
                        to="frameworks.frameworkversion",
                    ),
                ),
            ],
            options={
                "ordering": ["round", "target_level_slug", "id"],
            },
        ),
        migrations.CreateModel(
            name="LevelHistory",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("family_slug", models.SlugField(max_length=100)),
                ("from_level_slug", models.SlugField(blank=True, max_length=100)),
                ("to_level_slug", models.SlugField(max_length=100)),
                ("effective_date", models.DateField()),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "case",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="level_change",
                        to="promotions.case",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="level_history",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "level history",
                "ordering": ["person", "effective_date", "id"],
            },
        ),
        migrations.CreateModel(
            name="Round",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("everyone", "Everyone"),
                            ("family", "A family"),
                            ("team", "A team"),
                            ("level", "A level"),
                            ("manager", "Everyone under a manager"),
                        ],
                        default="everyone",
                        max_length=20,
                    ),
                ),
                ("audience_value", models.CharField(blank=True, max_length=200)),
                ("nominate_due", models.DateField(verbose_name="nominations deadline")),
                ("review_due", models.DateField(verbose_name="committee review deadline")),
                ("decide_due", models.DateField(verbose_name="decisions deadline")),
                (
                    "self_nomination",
                    models.BooleanField(
                        default=False,
                        help_text="Their manager is told of a self-nomination.",
                        verbose_name="people may nominate themselves",
                    ),
                ),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                ("revision", models.PositiveIntegerField(default=0)),
                (
                    "opened_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="promotion_rounds",
                        to="frameworks.frameworkversion",
                    ),
                ),
            ],
            options={
                "ordering": ["-opened_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Committee",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("family_slug", models.SlugField(max_length=100)),
                ("level_slugs", models.JSONField(blank=True, default=list)),
                (
                    "chair",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="promotion_committees_chaired",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "members",
                    models.ManyToManyField(
                        related_name="promotion_committees", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="committees",
                        to="promotions.round",
                    ),
                ),
            ],
            options={
                "ordering": ["round", "name", "id"],
            },
        ),
        migrations.AddField(
            model_name="case",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="cases",
                to="promotions.round",
            ),
        ),
        migrations.CreateModel(
            name="Vote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "choice",
                    models.CharField(
                        choices=[
                            ("promote", "Promote"),
                            ("not_yet", "Not yet"),
                            ("decline", "Decline"),
                        ],
                        max_length=10,
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=5000)),
                ("cast_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="votes",
                        to="promotions.case",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="promotion_votes",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["case", "cast_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Decision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("promote", "Promote"),
                            ("not_yet", "Not yet"),
                            ("decline", "Decline"),
                        ],
                        max_length=10,
                    ),
                ),
                ("reasons", models.TextField(max_length=10000)),
                ("effective_date", models.DateField()),
                ("decided_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("applied_at", models.DateTimeField(blank=True, null=True)),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="decision",
                        to="promotions.case",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-decided_at", "-id"],
                "indexes": [
                    models.Index(
                        fields=["outcome", "applied_at", "effective_date"],
                        name="promotions__outcome_096c0b_idx",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["round", "family_slug", "target_level_slug"],
                name="promotions__round_i_d543b9_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.UniqueConstraint(
                fields=("round", "person"), name="one_case_per_person_per_round"
            ),
        ),
        migrations.AddConstraint(
            model_name="vote",
            constraint=models.UniqueConstraint(
                fields=("case", "member"), name="one_vote_per_member"
            ),
        ),
    ]
