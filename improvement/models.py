"""Improvement plans (issue 18): the actions an organisation commits to after a self-assessment,
carried into the next cycle and measured there (principle 7: learning and improving over time).

An action belongs to the organisation and to the self-assessment it came out of (the one
submitted, or assessed by CQC, when it was recorded). It names the criteria it improves by their
codes, with the rubric version those codes were chosen from: criteria are rows of one rubric
version, and the next cycle may be answered against another. Pages map the codes onto the
version they show by code, and say plainly when a code is no longer in the rubric; the action
is never lost.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisations.models import Organisation


class Action(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    OPEN = frozenset({Status.PLANNED, Status.IN_PROGRESS})

    class Source(models.TextChoices):
        ORGANISATION = "organisation", "Recorded by the organisation"
        CQC = "cqc", "From CQC's areas for improvement"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="improvement_actions"
    )
    # The self-assessment the action came out of (its cycle is the plan's cycle).
    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.PROTECT, related_name="+")
    # The version the criterion codes were chosen from: codes, not criterion rows, so that the
    # action survives a new rubric version (mapped by code where the code still exists).
    rubric_version = models.ForeignKey("principles.RubricVersion", on_delete=models.PROTECT, related_name="+")
    criterion_codes = models.JSONField(default=list)
    what = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    dropped_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField()
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.ORGANISATION)
    # For an action that came from CQC's areas for improvement: the principle, and CQC's words.
    principle_number = models.PositiveSmallIntegerField(null=True, blank=True)
    cqc_words = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set by the services (not a field default), so that seed_demo's clock dates it too.
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation", "due_on", "pk"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"], name="improvement_open_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["planned", "in_progress", "done", "dropped"]),
                name="improvement_action_status_is_known",
            ),
            # A dropped action says why.
            models.CheckConstraint(
                condition=~models.Q(status="dropped", dropped_reason=""),
                name="improvement_dropped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.what[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_finished(self) -> bool:
        return not self.is_open


class ProgressUpdate(models.Model):
    """A dated note of how an action is going, by whoever wrote it."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    body = models.TextField()
    # The status the action moved to with this update, if it moved ("" if it stayed).
    status_to = models.CharField(max_length=12, choices=Action.Status.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["action", "at", "pk"]

    def __str__(self) -> str:
        return f"Update on {self.action_id} at {self.at:%Y-%m-%d}"


class SuggestionDecision(models.Model):
    """What a lead did with one of CQC's areas for improvement (the finalised outcome's frozen
    JSON names them per principle): accepted as an action (in CQC's words or rewritten), or
    declined with a reason. Areas with no decision are the suggestions still waiting."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        REWRITTEN = "rewritten", "Accepted in our own words"
        DECLINED = "declined", "Declined"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey("assessments.Assessment", on_delete=models.PROTECT, related_name="+")
    principle_number = models.PositiveSmallIntegerField()
    # Which of the principle's areas (its position in the outcome's list), and its words then.
    position = models.PositiveSmallIntegerField()
    words = models.TextField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    action = models.OneToOneField(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="suggestion"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["assessment", "principle_number", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "principle_number", "position"], name="one_decision_per_area"
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="declined", reason=""), name="declined_area_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: principle {self.principle_number} area {self.position}"
