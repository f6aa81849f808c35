"""Outbound email: the message a customer receives, built from a ticket message, and sent by
SMTP from the mailbox the ticket came in on (or the global ``EMAIL_*`` settings)."""

from __future__ import annotations

from email.utils import formataddr
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.html import escape, linebreaks

from cryptodesk.mail.models import EmailMessage, Mailbox


def deliver_message(message_id: int) -> None:
    """Called after commit for every message meant for a customer on an email ticket
    (``settings.CRYPTODESK_OUTBOUND``): record the email and enqueue its sending."""
    from cryptodesk.mail.actions import do_queue_outbound

    do_queue_outbound(message_id)


def connection_for(mailbox: Mailbox | None, timeout: float) -> BaseEmailBackend:
    """An SMTP connection from the mailbox's ``smtp_url``, else Django's configured backend."""
    if mailbox is None or not mailbox.smtp_url:
        return get_connection(timeout=timeout)
    url = urlsplit(mailbox.smtp_url)
    options: dict[str, Any] = {
        "host": url.hostname or "localhost",
        "port": url.port or (465 if url.scheme == "smtps" else 25),
        "username": unquote(url.username or ""),
        "password": unquote(url.password or ""),
        "use_ssl": url.scheme == "smtps",
        "use_tls": url.scheme == "smtp+starttls" or "starttls" in url.query,
        "timeout": timeout,
    }
    return get_connection("django.core.mail.backends.smtp.EmailBackend", **options)


def build_email(
    record: EmailMessage, connection: BaseEmailBackend | None = None
) -> EmailMultiAlternatives:
    """The MIME message for an outbound record: text and HTML parts, attachments, and the
    headers that let the customer's reply find its ticket again."""
    message = record.message
    assert message is not None
    mailbox = record.mailbox
    sender = mailbox.address if mailbox else settings.DEFAULT_FROM_EMAIL
    if mailbox is not None and mailbox.display_name:
        sender = formataddr((mailbox.display_name, mailbox.address))
    headers = {"Message-ID": record.msgid, "Auto-Submitted": "no"}
    if message.author_kind != "agent":
        # A system message (security warning, acknowledgement): no auto-reply should answer it.
        headers["Auto-Submitted"] = "auto-generated"
    if record.in_reply_to:
        headers["In-Reply-To"] = record.in_reply_to
    if record.references:
        headers["References"] = " ".join(record.references)
    email = EmailMultiAlternatives(
        subject=record.subject,
        body=message.text,
        from_email=sender,
        to=list(record.to_addresses),
        headers=headers,
        connection=connection,
    )
    email.attach_alternative(html_version(message.text, message.html), "text/html")
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def html_version(text: str, html: str) -> str:
    if html.strip():
        return html
    return f'<div style="font-family:sans-serif;font-size:14px">{linebreaks(escape(text))}</div>'
