"""Notifications: one row per event per person, shown in their inbox and, unless they turned
that kind off, sent by email through the task queue.

The row carries its own email state: a worker claims a row by locking it and moving it from
pending to sending, and only the worker that moved it sends it. Several workers (or a task
run twice) therefore never send one notification twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    INVITED = "invited", "Invitation to craftpath"
    CYCLE_LAUNCHED = "cycle_launched", "A review cycle you are in has started"
    SELF_SUBMITTED = "self_submitted", "A self-assessment is ready for your review"
    REVIEW_SUBMITTED = "review_submitted", "Your manager submitted their review"
    SIDE_BY_SIDE = "side_by_side", "A side-by-side view is open"
    CHECKIN_CLOSED = "checkin_closed", "A check-in was closed"
    FEEDBACK_REQUESTED = "feedback_requested", "Someone asks for your feedback"
    FEEDBACK_GIVEN = "feedback_given", "A colleague gave feedback"
    DEADLINE_APPROACHING = "deadline_approaching", "A deadline is approaching"
    DEADLINE_MISSED = "deadline_missed", "A deadline was missed"
    VERSION_PUBLISHED = "version_published", "A new framework version is out"
    EMAIL_CHANGED = "email_changed", "Your sign-in address was changed"
    PROMOTION_NOMINATED = "promotion_nominated", "Someone was nominated for promotion"
    PROMOTION_DECIDED = "promotion_decided", "A promotion case was decided"
    LEVEL_CHANGED = "level_changed", "A level changed"


class EmailState(models.TextChoices):
    OFF = "off", "Not emailed"  # turned off, or the kind is inbox-only for this person
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=5000, blank=True)
    link = models.CharField(max_length=500, blank=True)  # a path inside the app
    # Reminders carry a key (cycle, stage, deadline) so that a schedule run twice, or by two
    # workers at once, adds one reminder only.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    email_state = models.CharField(max_length=10, choices=EmailState.choices,
                                   default=EmailState.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_retry_at = models.DateTimeField(null=True, blank=True)  # set: waiting to retry
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A link that goes in the email only (an invitation's one-time link); emptied once sent,
    # so the secret stays in the database only until the email has left.
    email_only_link = models.CharField(max_length=500, blank=True)
    # The address to email when it is not the recipient's own now: telling someone's old
    # address that it was replaced (actions/people.py).
    email_to = models.EmailField(blank=True, db_default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"],
                                               condition=~models.Q(key=""),
                                               name="one_notification_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"]),
                   models.Index(fields=["email_state", "email_retry_at"])]

    def __str__(self) -> str:
        return self.title


class EmailOptOut(models.Model):
    """A kind of notification the person does not want by email (the inbox still shows it)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="email_opt_outs")
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind"],
                                               name="one_opt_out_per_kind")]


class WorkerBeat(models.Model):
    """A running worker's heartbeat (heartbeat.py writes it from a thread of its own, so a long
    task does not stop it): a task still marked running by a worker whose beat is older than
    the lease was left by a worker that stopped, and goes back to the queue."""

    worker_id = models.CharField(max_length=64, unique=True)
    beat_at = models.DateTimeField()
