"""Agents, their teams and skills, and the API tokens they hold."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    KB_EDITOR = "kb_editor", _("Knowledge-base editor")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Admin")


# An agent who also writes help-center articles ranks between agents and supervisors.
ROLE_RANK = {Role.AGENT: 1, Role.KB_EDITOR: 2, Role.SUPERVISOR: 3, Role.ADMIN: 4}


class Team(models.Model):
    """A group of agents that owns a share of the tickets (for example 'Wallet & Funds')."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    """Something an agent can handle: a language (``language:zh-hant``) or a topic."""

    class Kind(models.TextChoices):
        LANGUAGE = "language", _("Language")
        TOPIC = "topic", _("Topic")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["kind", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="skill_unique_code")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class Presence(models.TextChoices):
    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")
    OFFLINE = "offline", _("Offline")


class Agent(models.Model):
    """The support side of a Django user: role, teams, skills and how many tickets they can hold.

    Every staff user of the console has exactly one Agent row; ``role`` decides what they may do.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    display_name = models.CharField(max_length=100)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    teams = models.ManyToManyField(Team, blank=True, related_name="agents")
    skills = models.ManyToManyField(Skill, blank=True, related_name="agents")
    capacity = models.PositiveIntegerField(default=10)
    # Empty means "follow the browser".
    ui_language = models.CharField(max_length=10, blank=True, choices=settings.LANGUAGES)
    # Automatic assignment only picks agents who are online (issue 3, routing).
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    presence_changed_at = models.DateTimeField(null=True, blank=True)
    # Round-robin among equally loaded agents: the one assigned longest ago goes first.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def has_role(self, minimum: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(minimum)]

    @property
    def is_supervisor(self) -> bool:
        return self.has_role(Role.SUPERVISOR)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token that acts as its agent, limited by its scope. Only a hash is stored."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.WRITE)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def generate() -> tuple[str, str]:
        """Return (prefix, raw token); the raw token is shown once and never stored."""
        prefix = secrets.token_hex(4)
        return prefix, f"cdk_{prefix}_{secrets.token_urlsafe(32)}"


class Notification(models.Model):
    """Something an agent should look at: a customer replied on their ticket, a ticket was
    assigned to them. Written by background tasks, read in the console."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="notifications")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30)
    text = models.CharField(max_length=300)
    # The event that caused it: a retried task finds its earlier row instead of adding one.
    source_event = models.ForeignKey(
        "tickets.TicketEvent", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "source_event"], name="notification_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.text
