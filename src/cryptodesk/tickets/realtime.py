"""Realtime fan-out of ticket events over the channel layer.

Events are published only after the transaction that wrote them commits. The channel layer may
drop messages (a full channel, a Redis hiccup); that is tolerated because the database is the
source of truth: every payload carries the event id, and clients fill gaps from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from cryptodesk.core.aftercommit import Bucket
from cryptodesk.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

QUEUE_GROUP = "tickets.queue"


def ticket_group(number: int) -> str:
    return f"tickets.ticket.{number}"


def event_payload(event: TicketEvent, ticket: Ticket) -> dict[str, Any]:
    return {
        "type": "ticket.event",
        "id": event.pk,
        "ticket": ticket.pk,
        "kind": event.kind,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
    }


async def _send_all(payloads: Sequence[dict[str, Any]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for payload in payloads:
        await layer.group_send(QUEUE_GROUP, payload)
        await layer.group_send(ticket_group(payload["ticket"]), payload)


def broadcast(payloads: Sequence[dict[str, Any]]) -> None:
    try:
        async_to_sync(_send_all)(payloads)
    except Exception:  # realtime is best effort; clients catch up from the database
        logger.exception("Could not publish %d ticket events", len(payloads))


EVENTS: Bucket[dict[str, Any]] = Bucket("held_broadcasts", broadcast)


def publish_on_commit(ticket: Ticket, events: Iterable[TicketEvent]) -> None:
    payloads = [event_payload(event, ticket) for event in events]
    if payloads:
        EVENTS.on_commit(payloads)


def grouped_broadcasts() -> AbstractContextManager[None]:
    """Publish the events of the block's transactions together when it ends (one trip to the
    channel layer for a batch instead of one per ticket)."""
    return EVENTS.holding()
