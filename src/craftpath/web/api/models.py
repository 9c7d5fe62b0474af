"""Personal access tokens, SCIM's external ids, webhook endpoints and their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Scope(models.TextChoices):
    READ = "read", "Read"  # GET only
    WRITE = "write", "Write"  # the changes the person's roles allow (check-ins, evidence…)
    ADMIN = "admin", "Admin"  # also people, teams, roles and webhooks, for admins
    SCIM = "scim", "SCIM provisioning"  # /scim/v2/ only, issued by admins


class AccessToken(models.Model):
    """A bearer token acting as its owner, within its scope. Only a SHA-256 digest of the
    secret is kept (tokens are long random strings, so a fast hash is enough); the secret is
    shown once, when it is made."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices)
    prefix = models.CharField(max_length=16)  # the first characters, to recognise it in a list
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None
                                            or self.expires_at > timezone.now())


class ScimExternalId(models.Model):
    """The identity provider's own id for a person or a team, kept to hand back to it."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="scim_external")
    team = models.OneToOneField("accounts.Team", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="scim_external")
    value = models.CharField(max_length=200)


class Event(models.TextChoices):
    CHECKIN_SUBMITTED = "checkin.submitted", "Check-in self-assessment submitted"
    CHECKIN_REVIEWED = "checkin.reviewed", "Check-in manager review submitted"
    CHECKIN_CLOSED = "checkin.closed", "Check-in closed"
    CYCLE_LAUNCHED = "cycle.launched", "Review cycle launched"
    CYCLE_CLOSED = "cycle.closed", "Review cycle closed"
    PERSON_CREATED = "person.created", "Person created"
    PERSON_DEACTIVATED = "person.deactivated", "Person deactivated"
    PROMOTION_NOMINATED = "promotion.nominated", "Someone nominated for promotion"
    PROMOTION_DECIDED = "promotion.decided", "A promotion case decided"


class WebhookEndpoint(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)  # Event values
    secret = models.CharField(max_length=100)  # "whsec_" + base64 key (Standard Webhooks)
    is_active = models.BooleanField(default=True)
    failures_in_a_row = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Why craftpath turned it off (failing deliveries, or an owner no longer allowed webhooks).
    paused_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.url


class Delivery(models.Model):
    PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True)  # webhook-id: the same on retries
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, default=PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker tries it: a lease (webhooks.lease()) that a dead worker's try outlives.
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)  # the first 2,000 characters
    error = models.CharField(max_length=300, blank=True)  # why no response came

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
