"""Triage rules: what an understood message means for routing. Admins edit them; the shipped
defaults (``data/intent_topics.csv``) apply to any intent without a row here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptodesk.accounts.models import Team
from cryptodesk.tickets.models import Priority


class TriageRule(models.Model):
    """For one intent: the topic, the team that owns it, a priority floor and the templates to
    suggest. An inactive rule means "no routing for this intent"."""

    intent = models.CharField(max_length=80, unique=True)
    topic = models.CharField(max_length=50, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL)
    priority = models.CharField(
        max_length=10,
        choices=Priority.choices,
        blank=True,
        help_text=_("The lowest priority a new ticket with this intent gets."),
    )
    suggested_templates = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["intent"]

    def __str__(self) -> str:
        return self.intent
