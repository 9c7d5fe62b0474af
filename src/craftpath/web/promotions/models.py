"""Promotions: a round the people team opens for an audience, with deadlines; a case per person
nominated in it (the target level, the framework version it was nominated on, the statements,
and a snapshot of the evidence assembled when it was made); committees that decide the cases
of some families and levels; private votes; the decision with its reasons and effective date;
and the level history a decision leaves once it takes effect.

Who may see or do what is access.py's (the promotion rules at its end); the actions are in
actions/promotions.py. A case is decided once: the Decision row is one per case, so two chairs
deciding at once leave one decision and the other is told (actions/promotions.py, decide).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from craftpath.web.cycles.models import Audience


class Round(models.Model):
    name = models.CharField(max_length=200)
    # The active version when the round opened; each case keeps the version it was nominated
    # on (Case.version), so a new version published during the round changes no case.
    version = models.ForeignKey("frameworks.FrameworkVersion", on_delete=models.PROTECT,
                                related_name="promotion_rounds")
    audience = models.CharField(max_length=20, choices=Audience.choices,
                                default=Audience.EVERYONE)
    audience_value = models.CharField(max_length=200, blank=True)  # as a cycle's
    nominate_due = models.DateField("nominations deadline")
    review_due = models.DateField("committee review deadline")
    decide_due = models.DateField("decisions deadline")
    self_nomination = models.BooleanField(
        "people may nominate themselves", default=False,
        help_text="Their manager is told of a self-nomination.")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def stage(self, today) -> str:
        """Which deadline comes next: "nominations", "review", "decisions", or "closed"."""
        if self.closed_at:
            return "closed"
        if today <= self.nominate_due:
            return "nominations"
        return "review" if today <= self.review_due else "decisions"

    def deadlines(self) -> list[tuple[str, str, object]]:
        return [("nominate", "Nominations", self.nominate_due),
                ("review", "Committee review", self.review_due),
                ("decide", "Decisions", self.decide_due)]


class Committee(models.Model):
    """Decides the cases of a round in one family, for the target levels listed (all of the
    family's levels when the list is empty). The chair is a member and records decisions."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(max_length=200)
    family_slug = models.SlugField(max_length=100)
    level_slugs = models.JSONField(default=list, blank=True)  # target levels; [] for all
    # None once the chair's account is erased: the people team names another.
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL,
                              related_name="promotion_committees_chaired")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL,
                                     related_name="promotion_committees")

    class Meta:
        ordering = ["round", "name", "id"]

    def __str__(self) -> str:
        return self.name

    def member_ids(self) -> set[int]:
        """The members' ids (the chair among them), read once per committee object."""
        if not hasattr(self, "_member_ids"):
            self._member_ids = set(self.members.values_list("pk", flat=True)) \
                | ({self.chair_id} if self.chair_id else set())
        return self._member_ids

    def decides(self, case: Case) -> bool:
        return (case.round_id == self.round_id and case.family_slug == self.family_slug
                and (not self.level_slugs or case.target_level_slug in self.level_slugs))


class Case(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="cases")
    # Erasing a person (data rights) takes their cases with them.
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="promotion_cases")
    nominator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="nominations_made")
    version = models.ForeignKey("frameworks.FrameworkVersion", on_delete=models.PROTECT,
                                related_name="promotion_cases")
    family_slug = models.SlugField(max_length=100)
    from_level_slug = models.SlugField(max_length=100)
    target_level_slug = models.SlugField(max_length=100)
    statement = models.TextField("case statement", max_length=10000)
    person_statement = models.TextField(max_length=10000, blank=True)
    # What the case was assembled from when it was made (actions/promotions.py, assemble):
    # the latest closed check-in's agreed outcomes, readiness against the target level with
    # reasons, evidence count, days in level. Frozen so the committee reads what was nominated.
    snapshot = models.JSONField(default=dict)
    # Readiness per area of the target level with its reasons, apart from the snapshot so
    # that the calibration view reads the figures without every case's reasons.
    readiness_areas = models.JSONField(default=list)
    # Peer feedback the person chose to show the committee (answers to their own requests),
    # read live: erasing the colleague takes their words out of the case too.
    shared_feedback = models.ManyToManyField("checkins.FeedbackRequest", blank=True,
                                             related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "target_level_slug", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "person"],
                                               name="one_case_per_person_per_round")]
        indexes = [models.Index(fields=["round", "family_slug", "target_level_slug"])]

    def __str__(self) -> str:
        return f"case {self.pk}"


class Outcome(models.TextChoices):
    PROMOTE = "promote", "Promote"
    NOT_YET = "not_yet", "Not yet"
    DECLINE = "decline", "Decline"


class Vote(models.Model):
    """A committee member's private vote and comment: the chair sees them, and each member
    once they have cast their own; the person and their managers never do."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="promotion_votes")
    choice = models.CharField(max_length=10, choices=Outcome.choices)
    comment = models.TextField(max_length=5000, blank=True)
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "cast_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "member"],
                                               name="one_vote_per_member")]


class Decision(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reasons = models.TextField(max_length=10000)  # the person reads them
    effective_date = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)  # the level changed (promote)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["outcome", "applied_at", "effective_date"])]


class LevelHistory(models.Model):
    """A person's level changes, oldest first; the directory field holds the latest."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="level_history")
    family_slug = models.SlugField(max_length=100)
    from_level_slug = models.SlugField(max_length=100, blank=True)
    to_level_slug = models.SlugField(max_length=100)
    effective_date = models.DateField()
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="level_change")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "effective_date", "id"]
        verbose_name_plural = "level history"
