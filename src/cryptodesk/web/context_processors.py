from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cryptodesk import __version__
from cryptodesk.tickets.queries import queue_counts


def console(request: HttpRequest) -> dict[str, Any]:
    agent = getattr(request, "agent", None)
    if agent is None:
        return {"cryptodesk_version": __version__}
    return {
        "current_agent": agent,
        "unread_notifications": agent.notifications.filter(read_at__isnull=True).count(),
        "counts": queue_counts(agent),
        "cryptodesk_version": __version__,
    }
