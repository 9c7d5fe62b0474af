"""Review cycles: a round of check-ins the people team launches for a group of people, with a
deadline per stage. Each person's check-in is an ordinary one (the check-in loop does not know
about cycles); `Participant` ties it to the cycle and keeps the team it is counted under."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FAMILY = "family", "A family"
    TEAM = "team", "A team"
    LEVEL = "level", "A level"
    MANAGER = "manager", "Everyone under a manager"


# (stage, label, deadline field); in the order a check-in goes through them.
STAGES = (("self", "Self-assessment", "self_due"), ("review", "Manager review", "review_due"),
          ("agreement", "Agreement", "agree_due"), ("close", "Close", "close_due"))
STAGE_LABELS = {stage: label for stage, label, _ in STAGES}
DUE_FIELDS = {stage: field for stage, _, field in STAGES}


class Cycle(models.Model):
    name = models.CharField(max_length=200)
    version = models.ForeignKey("frameworks.FrameworkVersion", on_delete=models.PROTECT,
                                related_name="cycles")
    audience = models.CharField(max_length=20, choices=Audience.choices,
                                default=Audience.EVERYONE)
    # The family or level slug, the team name, or the manager's email.
    audience_value = models.CharField(max_length=200, blank=True)
    include_next_level = models.BooleanField(default=True)
    self_due = models.DateField("self-assessment deadline")
    review_due = models.DateField("manager review deadline")
    agree_due = models.DateField("agreement deadline")
    close_due = models.DateField("close deadline")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)  # deadlines: a stale change is refused
    skipped = models.JSONField(default=list, blank=True)  # [{"name", "email", "reason"}]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def state(self) -> str:
        if self.closed_at:
            return "closed"
        return "running" if self.launched_at else "draft"

    def due(self, stage: str):
        return getattr(self, DUE_FIELDS[stage])

    def deadlines(self) -> list[tuple[str, str, object]]:
        return [(stage, label, getattr(self, field)) for stage, label, field in STAGES]


class Participant(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="cycle_participations")
    checkin = models.OneToOneField("checkins.CheckIn", on_delete=models.CASCADE,
                                   related_name="cycle_participation")
    team = models.CharField(max_length=120, blank=True)  # the first of their teams, at launch

    class Meta:
        ordering = ["team", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "person"],
                                               name="one_participation_per_cycle")]
        indexes = [models.Index(fields=["cycle", "team"])]
