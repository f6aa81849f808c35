"""Complaints: a ticket with recorded facts, a severity, a stage, and the remedies proposed
and decided under the four-eyes rule."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptodesk.accounts.models import Agent
from cryptodesk.tickets.models import Ticket


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK = {Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1}


class Stage(models.TextChoices):
    RECORDED = "recorded", _("Recorded")
    REMEDY_PROPOSED = "remedy_proposed", _("Remedy proposed")
    REMEDY_APPROVED = "remedy_approved", _("Remedy approved")
    REMEDY_REJECTED = "remedy_rejected", _("Remedy rejected")
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP_SENT = "follow_up_sent", _("Follow-up sent")
    SATISFIED = "satisfied", _("Satisfied")
    REOPENED = "reopened", _("Reopened")


# Stages in which the complaint still needs work from the team.
OPEN_STAGES = (
    Stage.RECORDED,
    Stage.REMEDY_PROPOSED,
    Stage.REMEDY_APPROVED,
    Stage.REMEDY_REJECTED,
    Stage.REOPENED,
)
# Stages from which an agent may propose a remedy.
PROPOSABLE_STAGES = (Stage.RECORDED, Stage.REMEDY_REJECTED, Stage.REOPENED)


class Emotion(models.TextChoices):
    CALM = "calm", _("Calm")
    CONFUSED = "confused", _("Confused")
    WORRIED = "worried", _("Worried")
    FRUSTRATED = "frustrated", _("Frustrated")
    ANGRY = "angry", _("Angry")
    DISTRESSED = "distressed", _("Distressed")


class Complaint(models.Model):
    """A ticket the team treats as a complaint (at most one per ticket).

    The facts are what the agent recorded. ``emotion_recorded`` is the agent's judgement;
    ``emotion_detected`` comes from the language analysis of the customer's messages and moves
    up to ``angry`` when a later message shows anger. ``severity`` is set by the rules in
    ``severity.py`` when the complaint is recorded and raised (never lowered) by later facts.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="complaint")
    what_happened = models.TextField()
    occurred_at = models.DateTimeField()
    product = models.CharField(max_length=100, blank=True)
    asset = models.CharField(max_length=20, blank=True)
    amount = models.DecimalField(max_digits=38, decimal_places=18, null=True, blank=True)
    emotion_recorded = models.CharField(max_length=20, choices=Emotion.choices, blank=True)
    emotion_detected = models.CharField(max_length=20, choices=Emotion.choices, blank=True)
    fund_security = models.BooleanField(default=False)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    severity_reasons = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECORDED)
    recorded_by = models.ForeignKey(
        Agent, null=True, on_delete=models.SET_NULL, related_name="recorded_complaints"
    )
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["stage", "-created_at"], name="complaint_stage"),
            models.Index(fields=["fund_security", "stage"], name="complaint_fund_security"),
        ]

    def __str__(self) -> str:
        return f"Complaint on #{self.ticket_id}"

    @property
    def emotion(self) -> str:
        """What the console shows: the agent's judgement, else what the analysis found."""
        return self.emotion_recorded or self.emotion_detected


class Remedy(models.Model):
    """A refund or compensation proposed by one agent and decided by a different supervisor.
    At most one remedy per complaint waits for a decision at a time."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        COMPENSATION = "compensation", _("Compensation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    asset = models.CharField(max_length=20)
    amount = models.DecimalField(max_digits=38, decimal_places=18)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(Agent, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(status="proposed"),
                name="remedy_one_pending_per_complaint",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="remedy_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.asset}"
