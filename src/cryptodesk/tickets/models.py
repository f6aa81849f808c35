"""Tickets, their messages and attachments, and the event timeline that doubles as the
realtime event log (an event's id is what a reconnecting client resumes from)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cryptodesk.accounts.models import Agent, Team
from cryptodesk.customers.models import Customer


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


# Which status may follow which. Closed is final: a customer who writes again gets a new ticket.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.ON_HOLD, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.ON_HOLD, Status.SOLVED}),
    Status.ON_HOLD: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset(),
}
ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


PRIORITY_RANK = {Priority.URGENT: 4, Priority.HIGH: 3, Priority.NORMAL: 2, Priority.LOW: 1}


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X")
    PHONE = "phone", _("Phone")
    API = "api", _("API")


class Tag(models.Model):
    """A label on tickets; names are lower-case, without spaces."""

    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomField(models.Model):
    """An admin-defined ticket field; values live in ``Ticket.custom_fields`` under ``key``."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        CHECKBOX = "checkbox", _("Checkbox")

    key = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=20, choices=FieldType.choices)
    choices = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    """One customer issue, whatever channels it spans. The primary key is the ticket number.

    ``priority_rank`` mirrors ``priority`` as a number so the queue sorts on an index; only
    ``Ticket.set_priority`` (called by actions) changes either.
    """

    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    priority_rank = models.PositiveSmallIntegerField(default=PRIORITY_RANK[Priority.NORMAL])
    channel = models.CharField(max_length=20, choices=Channel.choices)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_tickets"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    language = models.CharField(max_length=10, blank=True)
    topic = models.CharField(max_length=50, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    # Set when the guard removed a recovery phrase or key: the wallet must be treated as exposed.
    is_security_case = models.BooleanField(default=False)
    intent = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    # SLA (issue 3; written only by cryptodesk.sla.tracking): the policy, the due time of each
    # running target, ``sla_due`` the nearest of them (None while paused: the queue sorts on
    # it), and whether any target was missed.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_due = models.DateTimeField(null=True, blank=True)
    next_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    sla_due = models.DateTimeField(null=True, blank=True)
    sla_warn_at = models.DateTimeField(null=True, blank=True)
    sla_breached = models.BooleanField(default=False)
    sla_paused_at = models.DateTimeField(null=True, blank=True)
    sla_escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority_rank", "created_at"]
        indexes = [
            models.Index(fields=["status", "-priority_rank", "created_at"], name="ticket_queue"),
            # The console queue and /api/v1/queue: urgency first, then SLA due time, then age.
            models.Index(
                F("priority_rank").desc(),
                # ASC is NULLS LAST on PostgreSQL, as the queue sorts (SQLite cannot say it).
                "sla_due",
                "created_at",
                "id",
                condition=Q(status__in=["new", "open", "pending", "on_hold"]),
                name="ticket_urgency",
            ),
            models.Index(
                fields=["sla_breached"], condition=Q(sla_breached=True), name="ticket_breached"
            ),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["team", "status"], name="ticket_team_status"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def number(self) -> int:
        return self.pk

    def set_priority(self, priority: str) -> None:
        self.priority = Priority(priority)
        self.priority_rank = PRIORITY_RANK[Priority(priority)]


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    BOT = "bot", _("Bot")
    SYSTEM = "system", _("System")


class Message(models.Model):
    """One message on a ticket. ``idempotency_key`` (channel-prefixed) makes ingestion repeatable:
    the same key never produces a second message."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=20, choices=AuthorKind.choices)
    author_agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    author_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    text = models.TextField()
    html = models.TextField(blank=True)
    is_internal = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    external_ids = models.JSONField(default=dict, blank=True)
    # What the understand/guard stages found (language, intent, entities, findings ...).
    analysis = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_time")]

    def __str__(self) -> str:
        return f"{self.author_kind} on #{self.ticket_id}"


class Attachment(models.Model):
    """A file sent with a message, kept in Django's storage."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    MESSAGE = "message", _("Message")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    ASSIGNEE = "assignee", _("Assignee changed")
    TEAM = "team", _("Team changed")
    TAGS = "tags", _("Tags changed")
    SUBJECT = "subject", _("Subject changed")
    CUSTOM_FIELDS = "custom_fields", _("Fields changed")
    SECURITY = "security", _("Security case")
    SLA = "sla", _("SLA")
    ESCALATION = "escalation", _("Escalated")
    COMPLAINT = "complaint", _("Complaint")
    REMEDY = "remedy", _("Remedy")
    FOLLOW_UP = "follow_up", _("Follow-up")
    EMAIL = "email", _("Email")


class TicketEvent(models.Model):
    """One entry of a ticket's timeline: who changed what, when. Append-only.

    The id is the realtime event id: live pages remember the last id they saw and ask for
    everything after it when they reconnect.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor_kind = models.CharField(max_length=20, choices=AuthorKind.choices)
    actor_agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="event_ticket_id")]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id}"
