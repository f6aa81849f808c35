"""Per-sender rate limit of inbound mail (a loop between two auto-responders, a flood).

A fixed one-minute window in the cache (Redis in the scale-out mode, so every listener and
poller shares it). Over the limit the SMTP listener answers 451 4.7.1 (the sender's server
retries later) and the IMAP poller leaves the message unseen for its next round. When the cache
cannot be reached the limit is skipped (and logged): mail keeps flowing.
"""

from __future__ import annotations

from django.conf import settings

from cryptodesk.core.ratelimit import within_limit


def allow_sender(address: str) -> bool:
    limit = settings.CRYPTODESK_EMAIL_RATE_LIMIT
    if limit <= 0 or not address:
        return True
    return within_limit(f"mail-sender:{address.lower()[:200]}", limit, 60)
