"""Check-ins: a person's self-assessment, their manager's blind review and the outcome they
agree, against one published framework version; the evidence log; the growth plan. Who looked
at or changed someone else's check-in is kept in the audit trail (web/audit/).

A check-in keeps one row per statement in scope (`Entry`) holding the three voices side by
side (self, manager, agreed), each with its own revision counter: a save carrying a stale
counter is refused, so two tabs or two people never silently overwrite each other. Statement
ids are unique within a family, and the check-in names its family and framework version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

SIDES = ("self", "manager", "agreed")


class ClosedCheckInError(Exception):
    """A closed check-in is a frozen record; nothing in it may change."""


class Evidence(models.Model):
    """One item of a person's evidence log; it may support several statements.

    A person's rows here and below are PROTECTed: deleting their account is refused while
    they have data; actions/personal_data.py erases or anonymises on purpose, and says so."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="evidence")
    title = models.CharField(max_length=200)
    date = models.DateField(default=timezone.localdate)
    link = models.URLField(max_length=500, blank=True)
    description = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.title

    def frozen(self) -> dict:
        """What a closed check-in keeps of this item, whatever happens to it later."""
        return {"id": self.pk, "title": self.title, "date": self.date.isoformat(),
                "link": self.link, "description": self.description}


class CheckIn(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="checkins")
    # PROTECT: a version that check-ins point at is never deleted (and never changes).
    version = models.ForeignKey("frameworks.FrameworkVersion", on_delete=models.PROTECT,
                                related_name="checkins")
    family_slug = models.SlugField(max_length=100)
    level_slug = models.SlugField(max_length=100)
    next_level_slug = models.SlugField(max_length=100, blank=True)  # blank: current level only
    track_slugs = models.JSONField(default=list, blank=True)  # empty: every track
    started_at = models.DateTimeField(default=timezone.now)
    self_submitted_at = models.DateTimeField(null=True, blank=True)
    manager_submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="reviews")
    summary = models.TextField(max_length=20000, blank=True)
    summary_revision = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    # Filled when closing: the version, scope and scale it was made against and a copy of the
    # evidence it cites, so later edits of the evidence log or new framework versions never
    # change what was agreed. (The version itself is immutable and protected.)
    snapshot = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "check-in"
        constraints = [
            # One open check-in per person: the loop is one conversation at a time.
            models.UniqueConstraint(fields=["person"], condition=models.Q(closed_at=None),
                                    name="one_open_checkin_per_person"),
        ]
        indexes = [
            models.Index(fields=["person", "closed_at"]),
            # Insights' completion page counts the open check-ins started in a window by
            # stage: a small index over open ones only keeps it off the rows and the history.
            models.Index(fields=["started_at", "person", "self_submitted_at",
                                 "manager_submitted_at", "closed_at"],
                         condition=models.Q(closed_at=None),
                         name="open_checkin_started_idx"),
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def both_submitted(self) -> bool:
        return self.self_submitted_at is not None and self.manager_submitted_at is not None

    @property
    def stage(self) -> str:
        if self.is_closed:
            return "closed"
        if self.both_submitted:
            return "agreeing"
        if self.self_submitted_at is not None:
            return "awaiting manager review"
        if self.manager_submitted_at is not None:
            return "manager review submitted; self-assessment in progress"
        return "self-assessment in progress"

    def submitted_at(self, side: str):
        return {"self": self.self_submitted_at, "manager": self.manager_submitted_at}.get(side)


class Entry(models.Model):
    """One statement of a check-in, with the three voices about it."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="entries")
    statement_id = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)  # the statement's place in the scope

    self_value = models.CharField(max_length=60, blank=True)  # a scale label, N/A, or unrated
    self_reason = models.TextField(max_length=2000, blank=True)  # why not applicable
    self_comment = models.TextField(max_length=5000, blank=True)
    self_revision = models.PositiveIntegerField(default=0)

    manager_value = models.CharField(max_length=60, blank=True)
    manager_reason = models.TextField(max_length=2000, blank=True)
    manager_comment = models.TextField(max_length=5000, blank=True)
    manager_revision = models.PositiveIntegerField(default=0)

    agreed_value = models.CharField(max_length=60, blank=True)
    agreed_reason = models.TextField(max_length=2000, blank=True)
    agreed_comment = models.TextField(max_length=5000, blank=True)
    agreed_revision = models.PositiveIntegerField(default=0)

    # A statement a move to a new version added after a side had submitted: that side rates
    # it still (its submitted ratings stay as they were).
    added_by_move = models.BooleanField(default=False, db_default=False)
    # Rated on this side once both sides had submitted, so with the other side's ratings in
    # view: the side-by-side page and the closed record say so.
    self_after_seeing = models.BooleanField(default=False, db_default=False)
    manager_after_seeing = models.BooleanField(default=False, db_default=False)

    # The person's evidence for their own rating of this statement.
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="entries")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "entries"
        constraints = [models.UniqueConstraint(fields=["checkin", "statement_id"],
                                               name="one_entry_per_statement")]
        # "Has the self-assessment begun?" for every check-in of a cycle at once (its
        # progress): one probe per check-in instead of reading all of its rows.
        indexes = [models.Index(fields=["checkin"], condition=models.Q(self_revision__gt=0),
                                name="entry_self_begun")]

    def __str__(self) -> str:
        return self.statement_id

    def voice(self, side: str) -> dict:
        return {"value": getattr(self, f"{side}_value"), "reason": getattr(self, f"{side}_reason"),
                "comment": getattr(self, f"{side}_comment"),
                "revision": getattr(self, f"{side}_revision"),
                "after_seeing": getattr(self, f"{side}_after_seeing", False)}


class FocusStatement(models.Model):
    """A statement the person chose to grow toward: part of their growth plan."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="focus_statements")
    family_slug = models.SlugField(max_length=100)
    statement_id = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "family_slug", "statement_id"],
                                               name="one_focus_per_statement")]


class Goal(models.Model):
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="goals")
    title = models.CharField(max_length=200)
    due = models.DateField(null=True, blank=True)
    actions = models.TextField(max_length=5000, blank=True)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done", "due", "id"]

    def __str__(self) -> str:
        return self.title


class SuggestedLink(models.Model):
    """An evidence link (`Entry.evidence`) made with one click on the evidence assistant's
    suggestion: which model suggested it, so the person and their reviewers can tell. The link
    itself stays in `Entry.evidence`; a row whose link was later removed means nothing."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="suggested_links")
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE,
                                 related_name="suggested_links")
    model = models.CharField(max_length=100)  # model name and version, e.g. "… 1.0.0"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "evidence"],
                                               name="one_suggested_link_per_link")]


class FeedbackRequest(models.Model):
    """A colleague asked for feedback on some statements of an open check-in. The colleague
    sees those statements and the person's name, never a rating; what they write goes to the
    person and their reviewers (side by side and the closed record)."""

    REQUESTED, SUBMITTED, DECLINED = "requested", "submitted", "declined"
    STATES = [(REQUESTED, "Requested"), (SUBMITTED, "Given"), (DECLINED, "Declined")]

    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE,
                                related_name="feedback_requests")
    colleague = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="feedback_asked")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    statement_ids = models.JSONField(default=list)
    message = models.TextField(max_length=1000, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=REQUESTED)
    # statement id → {"comment": text, "evidence": [frozen evidence items of the colleague]}
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["checkin", "colleague"],
                                               name="one_feedback_request_per_colleague")]
        indexes = [models.Index(fields=["colleague", "state"])]

    def __str__(self) -> str:
        return f"feedback from {self.colleague} on check-in {self.checkin_id}"


class AssistantSettings(models.Model):
    """One row: whether the evidence assistant learns from the links people make (the people
    team's switch; on by default). `revision` detects two people editing at once."""

    learning = models.BooleanField(default=True)
    revision = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "assistant settings"


class LearnedLink(models.Model):
    """What the evidence assistant learned from one link of evidence to a statement: the
    evidence's vector (never its text) and the statement, made by the background task
    (checkins/learning.py). It goes with the link: unlinking, deleting the evidence or the
    check-in, and erasing or anonymising its owner remove it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="+")
    family_slug = models.SlugField(max_length=100)
    statement_id = models.CharField(max_length=200)
    text_digest = models.CharField(max_length=32)  # of the text embedded: an edit re-embeds
    vector = models.BinaryField()  # 384 float32 numbers
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "evidence"],
                                               name="one_learned_link_per_link")]
        indexes = [models.Index(fields=["family_slug", "id"])]
