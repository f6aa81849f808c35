"""Email details beside a ticket message: loaded once per rendered timeline (one query for
the ticket's emails, one for the bouncing addresses), never once per message."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from cryptodesk.mail.models import AddressStatus, EmailAddress, EmailMessage
from cryptodesk.tickets.models import Message

register = template.Library()

PROBLEM_LABELS = {
    "unparseable": _("the MIME structure could not be read; text taken from the raw bytes"),
    "mime_defect": _("the MIME structure is broken"),
    "charset_guessed": _("the character set was missing or wrong and had to be guessed"),
    "header_undecodable": _("a header could not be decoded exactly"),
    "no_sender": _("no usable sender address"),
    "empty_body": _("the email has no text"),
    "truncated": _("the text was too long and is shortened here"),
    "too_deep": _("too many nested parts; the rest is only in the raw source"),
}

# Reasons a part is kept only in the raw source, stored as codes; others are stored as the
# (already translated) validation message.
WITHHELD_LABELS = {
    "too_many": _("more attachments than a message may have"),
    "secret": _("the email carried a secret, and this part cannot be checked for it"),
}


@register.filter
def withheld_reason(reason: str) -> str:
    return str(WITHHELD_LABELS.get(reason, reason))


def ticket_emails(context: template.Context, ticket_id: int) -> dict[str, Any]:
    # Kept on the page's ticket object, which lives exactly as long as one rendering.
    holder = context.get("ticket")
    if holder is not None and getattr(holder, "pk", None) == ticket_id:
        cached = getattr(holder, "_mail_cache", None)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
    emails = {
        e.message_id: e
        for e in EmailMessage.objects.filter(ticket_id=ticket_id, message__isnull=False)
        .select_related("mailbox")
        .defer("raw")
    }
    addresses = {a for e in emails.values() for a in e.to_addresses}
    bouncing: set[str] = set()
    if addresses:
        bouncing = set(
            EmailAddress.objects.filter(
                address__in=addresses, status=AddressStatus.BOUNCING
            ).values_list("address", flat=True)
        )
    loaded = {"emails": emails, "bouncing": bouncing, "styled": False}
    if holder is not None and getattr(holder, "pk", None) == ticket_id:
        holder._mail_cache = loaded
    return loaded


@register.simple_tag(takes_context=True)
def mail_info(context: template.Context, message: Message) -> dict[str, Any]:
    """{"email", "visible", "quoted", "problems", "bouncing", "first"} for one message."""
    if message.channel != "email":
        # Nothing to load for other channels: their pages cost no query here.
        return {
            "email": None,
            "visible": message.text,
            "quoted": "",
            "problems": [],
            "raw_redacted": False,
            "bouncing": False,
            "first": False,
        }
    loaded = ticket_emails(context, message.ticket_id)
    email: EmailMessage | None = loaded["emails"].get(message.pk)
    text = message.text
    start = email.quote_start if email is not None else None
    if start is not None and 0 < start < len(text):
        visible, quoted = text[:start].rstrip(), text[start:]
    else:
        visible, quoted = text, ""
    first = not loaded["styled"]
    loaded["styled"] = True
    return {
        "email": email,
        "visible": visible,
        "quoted": quoted,
        "problems": [
            str(PROBLEM_LABELS.get(p, p))
            for p in (email.parse_problems if email else [])
            if p != "raw_redacted"
        ],
        "raw_redacted": bool(email and "raw_redacted" in email.parse_problems),
        "bouncing": bool(email and set(email.to_addresses) & loaded["bouncing"]),
        "first": first,
    }
