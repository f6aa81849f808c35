"""Tables of the mail app: the support mailboxes, every email we received or sent (with its raw
source), and the delivery health of customer addresses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptodesk.accounts.models import Team
from cryptodesk.tickets.models import Message, Ticket


class Mailbox(models.Model):
    """A support address we receive mail for (SMTP listener and/or an IMAP account) and send
    replies from. Without ``smtp_url`` replies go out through the global ``EMAIL_*`` settings.

    The IMAP password is read from the environment variable named in ``imap_password_env``
    when set (preferred), else from ``imap_password``.
    """

    address = models.EmailField(max_length=254, unique=True)
    display_name = models.CharField(max_length=100, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes"
    )
    active = models.BooleanField(default=True)
    imap_host = models.CharField(max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(default=993)
    imap_ssl = models.BooleanField(default=True)
    imap_username = models.CharField(max_length=255, blank=True)
    imap_password = models.CharField(max_length=255, blank=True)
    imap_password_env = models.CharField(max_length=100, blank=True)
    imap_folder = models.CharField(max_length=255, default="INBOX")
    # Where a committed message is moved; empty: it is only flagged \Seen.
    imap_move_to = models.CharField(max_length=255, blank=True)
    # smtp://user:password@host:587 (starttls) or smtps://...:465; empty: settings.EMAIL_*.
    smtp_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["address"]
        verbose_name_plural = "mailboxes"

    def __str__(self) -> str:
        return self.address

    @property
    def uses_imap(self) -> bool:
        return bool(self.imap_host and self.imap_username)


class Direction(models.TextChoices):
    INBOUND = "in", _("Received")
    OUTBOUND = "out", _("Sent")


class MailKind(models.TextChoices):
    NORMAL = "normal", _("Email")
    AUTO_REPLY = "auto_reply", _("Automatic reply")
    BOUNCE = "bounce", _("Delivery failure report")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("Not applicable")
    QUEUED = "queued", _("Queued")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailMessage(models.Model):
    """One email, received or sent, and the ticket message it became.

    ``raw`` keeps the exact bytes (audit, re-parsing, parts we withheld such as executables).
    It lives in the database, so it commits or rolls back together with the message.
    ``message`` is empty only for a delivery report we could not match to any ticket.
    """

    message = models.OneToOneField(
        Message, null=True, blank=True, on_delete=models.CASCADE, related_name="email"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    direction = models.CharField(max_length=3, choices=Direction.choices)
    kind = models.CharField(max_length=20, choices=MailKind.choices, default=MailKind.NORMAL)
    # Inbound only: "mid:<Message-ID>" or "sha256:<hash of the raw bytes>"; unique, so the
    # same email delivered twice (two mailboxes, an SMTP retry) is stored once.
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    msgid = models.CharField(max_length=255, db_index=True)  # the Message-ID header, <...>
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    from_address = models.CharField(max_length=320, blank=True)
    to_addresses = models.JSONField(default=list, blank=True)
    raw = models.BinaryField(blank=True)
    raw_sha256 = models.CharField(max_length=64, db_index=True)
    raw_size = models.PositiveIntegerField(default=0)
    # Machine-readable codes of what could not be read cleanly (see mail.parser.PROBLEMS).
    parse_problems = models.JSONField(default=list, blank=True)
    # Where the quoted history starts in ``message.text``; None when there is none.
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    # Parts kept only in the raw source: [{"filename", "content_type", "size", "reason"}].
    withheld_parts = models.JSONField(default=list, blank=True)
    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.NONE, blank=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "direction"], name="email_ticket_direction")]

    def __str__(self) -> str:
        return f"{self.direction} {self.msgid}"


class AddressStatus(models.TextChoices):
    OK = "ok", _("Delivering")
    BOUNCING = "bouncing", _("Bouncing")


class EmailAddress(models.Model):
    """Delivery health of one customer address, updated by delivery reports (DSN)."""

    address = models.CharField(max_length=320, unique=True)
    status = models.CharField(
        max_length=10, choices=AddressStatus.choices, default=AddressStatus.OK
    )
    bounce_count = models.PositiveIntegerField(default=0)
    last_status_code = models.CharField(max_length=20, blank=True)
    last_diagnostic = models.TextField(blank=True)
    last_bounce_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["address"]
        verbose_name_plural = "email addresses"

    def __str__(self) -> str:
        return f"{self.address} ({self.status})"
