"""Insights: figures kept up to date when a check-in closes, so that no page reads history.

- `Standing`: one row per person, from their latest closed check-in (coverage per area at its
  level and toward the next, the statements its agreed ratings cover, the reviewer's and the
  person's rating summaries). Heatmap, gaps, calibration, readiness and fairness read these,
  with the rows beside them that let the database add up groups: `StandingArea` (coverage per
  area), `StandingRating` (the reviewer's ratings per label) and `StandingStatement` (the
  statements covered).
- `QuarterResult` (one row per person and quarter: their last check-in closed that quarter)
  with `AreaResult` and `RatingCount` beside it, and `QuarterTally` (their sums per
  organisation, family and level): trends over quarters read these.
- `ClosedStart`: the quarters in which a person started a check-in now closed (completion).
- `InsightSettings`: the minimum group size and the readiness threshold, set by the people
  team. `PersonAttribute`: optional attributes a person recorded with consent (fairness).

All of them are derived from check-ins, except settings, attributes and the audit trail:
`craftpath manage insights_backfill` rebuilds the derived ones from every closed check-in.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class RatingSummary(models.Model):
    """Fields shared by a person's standing and a quarter's result: one closed check-in,
    summarised. Means are on the scale's positions (0 = lowest label); Not applicable and
    unrated statements are left out of every mean."""

    checkin = models.ForeignKey("checkins.CheckIn", on_delete=models.CASCADE, related_name="+")
    closed_on = models.DateField()
    family_slug = models.SlugField(max_length=100)
    level_slug = models.SlugField(max_length=100)
    next_level_slug = models.SlugField(max_length=100, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    covered_at = models.PositiveIntegerField(default=0)  # statements of the level covered
    applicable_at = models.PositiveIntegerField(default=0)
    covered_next = models.PositiveIntegerField(default=0)
    applicable_next = models.PositiveIntegerField(default=0)
    share_at = models.FloatField(null=True, blank=True)  # covered / applicable, or None
    share_next = models.FloatField(null=True, blank=True)
    agreed_mean = models.FloatField(null=True, blank=True)
    manager_mean = models.FloatField(null=True, blank=True)
    gap_mean = models.FloatField(null=True, blank=True)  # self minus manager, where both rated

    class Meta:
        abstract = True


class Standing(RatingSummary):
    """Where a person stands: their latest closed check-in, summarised."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True,
                                  on_delete=models.CASCADE, related_name="standing")
    closed_at = models.DateTimeField()
    # area slug → [covered at level, applicable at level, covered next, applicable next]
    areas = models.JSONField(default=dict)
    covered_statements = models.JSONField(default=list)  # ids the agreed ratings cover
    manager_counts = models.JSONField(default=dict)  # scale label → statements so rated

    class Meta:
        indexes = [models.Index(fields=["reviewer", "level_slug"]),
                   models.Index(fields=["share_next"]),
                   # Calibration groups by these, and gaps counts people per level: read from
                   # the index alone, not the table.
                   models.Index(fields=["family_slug", "level_slug", "reviewer", "manager_mean",
                                        "gap_mean"], name="standing_calibration_idx")]


class StandingArea(models.Model):
    """One area of a person's standing (where the level has statements there), so pages can
    sort people by an area and average an area in the database."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    area_slug = models.SlugField(max_length=100)
    share = models.FloatField()  # covered / applicable at the check-in's level

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "area_slug"],
                                               name="one_standing_area_per_person")]
        indexes = [models.Index(fields=["area_slug", "share"])]


class StandingRating(models.Model):
    """How many statements of a person's latest closed check-in its reviewer rated at one
    scale label, with the standing's family, level and reviewer copied beside the count so
    that calibration adds up a reviewer's spread in one grouped query, without a join."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    family_slug = models.SlugField(max_length=100)
    level_slug = models.SlugField(max_length=100)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    label = models.CharField(max_length=60)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "label"],
                                               name="one_standing_rating_per_label")]
        indexes = [models.Index(fields=["family_slug", "level_slug", "reviewer", "label",
                                        "count"], name="standing_rating_spread_idx")]


class StandingStatement(models.Model):
    """One statement a person's latest closed check-in covers (agreed), so the gaps page
    counts the people covering each statement of a level in the database."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    family_slug = models.SlugField(max_length=100)
    statement_id = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "statement_id"],
                                               name="one_standing_statement_per_person")]
        indexes = [models.Index(fields=["family_slug", "statement_id", "person"])]


class QuarterResult(RatingSummary):
    """A person's last check-in closed in a quarter ("2026-Q3"), summarised."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    quarter = models.CharField(max_length=7)
    closed_at = models.DateTimeField()
    manager_id_then = models.IntegerField(null=True, blank=True)  # their manager at the close
    # Every manager above them at the close (their organisations then): whose tallies the
    # result was added to, so a later close in the quarter takes it back out of the same ones.
    organisations = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "quarter"],
                                               name="one_result_per_person_quarter")]
        indexes = [models.Index(fields=["quarter", "person"])]


class AreaResult(models.Model):
    """One area of a quarter's result: coverage of the check-in's level in that area."""

    result = models.ForeignKey(QuarterResult, on_delete=models.CASCADE, related_name="areas")
    quarter = models.CharField(max_length=7)  # copied from the result, so trends need no join
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    area_slug = models.SlugField(max_length=100)
    covered = models.PositiveIntegerField()
    applicable = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["quarter", "area_slug"])]


class RatingCount(models.Model):
    """How many statements a quarter's result agreed at one scale label."""

    result = models.ForeignKey(QuarterResult, on_delete=models.CASCADE, related_name="ratings")
    quarter = models.CharField(max_length=7)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()  # place on the scale, lowest first
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["quarter", "label"])]


class ClosedStart(models.Model):
    """A quarter in which a person started a check-in that is now closed: the completion page
    counts these for its "closed" stage (final), and reads only open check-ins live."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="+")
    quarter = models.CharField(max_length=7)  # of the start, "2026-Q3"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "quarter"],
                                               name="one_closed_start_per_quarter")]
        indexes = [models.Index(fields=["quarter", "person"])]


class QuarterTally(models.Model):
    """Sums of the quarter's results of the people in one organisation at the time, at one
    level: what the trends page reads, a few dozen rows whatever the organisation's size.
    `organisation_id` is the manager whose organisation (everyone below them, as the org
    chart stood at each close) is summed; 0 is the whole organisation. `kind` "all" counts
    people and their overall coverage; "area" one area's coverage (key: the area); "rating"
    the agreed ratings at one label (key: the label)."""

    quarter = models.CharField(max_length=7)
    organisation_id = models.IntegerField(default=0)  # 0: everyone
    family_slug = models.SlugField(max_length=100)
    level_slug = models.SlugField(max_length=100)
    kind = models.CharField(max_length=10)
    key = models.CharField(max_length=100, blank=True)
    people = models.IntegerField(default=0)
    covered = models.IntegerField(default=0)
    applicable = models.IntegerField(default=0)
    share_sum = models.FloatField(default=0.0)
    shares = models.IntegerField(default=0)  # people with a coverage share (share_sum's count)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["quarter", "organisation_id", "family_slug", "level_slug", "kind", "key"],
            name="one_tally_per_organisation_cell")]
        indexes = [models.Index(fields=["organisation_id", "quarter"])]


class FairnessFigures(models.Model):
    """The fairness figures of one period as first published (insights/periods.py), kept so
    that nothing during the period moves them: not a close, not an attribute recorded or
    withdrawn, not a person erased. Only groups of at least `minimum` people are kept, each
    summed (no person, no small group's value): {"everyone": tally, "groups": [[label,
    tally], ...], "withheld": bool}, a tally being [people, agreed n, sum, squares, gap n,
    sum, squares, ready, counted]."""

    quarter = models.CharField(max_length=7)  # the period they are published in
    kind = models.CharField(max_length=40)
    threshold = models.FloatField()
    minimum = models.PositiveIntegerField()
    figures = models.JSONField()
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["quarter", "kind", "threshold", "minimum"], name="one_publication")]


class InsightSettings(models.Model):
    """One row: what the people team decided. `revision` detects two people editing at once."""

    min_group_size = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(2), MaxValueValidator(100)],
        help_text="Figures about fewer people than this are withheld.")
    readiness_threshold = models.PositiveSmallIntegerField(
        default=80, validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Per cent of the next level's statements agreed as covered.")
    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "insight settings"


class AttributeKind(models.TextChoices):
    GENDER = "gender", "Gender"
    ETHNICITY = "ethnicity", "Ethnicity"
    WORKING_PATTERN = "working_pattern", "Working pattern (for example part-time)"
    LOCATION = "location", "Location"


class PersonAttribute(models.Model):
    """An attribute a person chose to record, with their consent to its use in aggregate.
    Only they ever see it; withdrawing deletes the row.

    The fairness figures use attributes as they stood when the current period began
    (insights/periods.py): `value` if recorded (or last changed, `consented_at`) before then,
    else `value_before`, the value then ("" for none). `record_attribute` keeps it."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="attributes")
    kind = models.CharField(max_length=30, choices=AttributeKind.choices)
    value = models.CharField(max_length=80)
    consented_at = models.DateTimeField(default=timezone.now)
    value_before = models.CharField(max_length=80, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"],
                                               name="one_value_per_attribute")]
        indexes = [models.Index(fields=["kind", "value"])]
