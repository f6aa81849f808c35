"""Background jobs of the mail app. ``send_email`` is idempotent: a sent or failed email is
never sent again by a repeated job, and each failure schedules the next attempt itself
(django-tasks has no retries of its own) with growing delays."""

from __future__ import annotations

import hashlib
import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django_tasks import task

from cryptodesk.core import clock
from cryptodesk.mail.models import DeliveryStatus, EmailMessage
from cryptodesk.tickets.models import EventKind

logger = logging.getLogger(__name__)

SEND_TIMEOUT = 30.0


@task()
def send_email(email_id: int) -> str:
    """Send one outbound email; returns its delivery status afterwards."""
    from cryptodesk.mail.outbound import build_email, connection_for
    from cryptodesk.tickets.actions import do_record_channel_event

    with transaction.atomic():
        record = (
            EmailMessage.objects.select_for_update(of=("self",))
            .select_related("message", "mailbox")
            .filter(pk=email_id)
            .first()
        )
        if record is None or record.delivery_status not in (
            DeliveryStatus.QUEUED,
            DeliveryStatus.RETRYING,
        ):
            return record.delivery_status if record else "missing"
        record.attempts += 1
        record.save(update_fields=["attempts"])
    error = ""
    raw = b""
    if not record.to_addresses:
        error = "The customer has no email address."
    else:
        try:
            email = build_email(record, connection_for(record.mailbox, SEND_TIMEOUT))
            raw = email.message().as_bytes()
            email.send(fail_silently=False)
        except (smtplib.SMTPException, OSError, ValueError) as failure:
            error = f"{type(failure).__name__}: {failure}"[:2000]
    delays = settings.CRYPTODESK_EMAIL_RETRY_DELAYS
    now = clock.now()
    with transaction.atomic():
        record = EmailMessage.objects.select_for_update().get(pk=email_id)
        if raw:
            record.raw = raw
            record.raw_size = len(raw)
            record.raw_sha256 = hashlib.sha256(raw).hexdigest()
        if not error:
            record.delivery_status = DeliveryStatus.SENT
            record.sent_at = now
            record.last_error = ""
            record.next_attempt_at = None
        elif record.attempts <= len(delays) and record.to_addresses:
            record.delivery_status = DeliveryStatus.RETRYING
            record.last_error = error
            record.next_attempt_at = now + timedelta(seconds=delays[record.attempts - 1])
            run_after = record.next_attempt_at
            transaction.on_commit(lambda: send_email.using(run_after=run_after).enqueue(email_id))
        else:
            record.delivery_status = DeliveryStatus.FAILED
            record.last_error = error
            record.next_attempt_at = None
            if record.ticket_id is not None:
                do_record_channel_event(
                    record.ticket_id,
                    EventKind.EMAIL,
                    {
                        "event": "delivery_failed",
                        "address": ", ".join(record.to_addresses),
                        "diagnostic": error[:300],
                        "email": record.pk,
                    },
                )
        record.save()
    if error:
        logger.warning("Email %s attempt %d failed: %s", email_id, record.attempts, error)
    return str(record.delivery_status)
