"""Realtime fan-out of ticket events over the channel layer.

Events are published only after the transaction that wrote them commits. The channel layer may
drop messages (a full channel, a Redis hiccup); that is tolerated because the database is the
source of truth: every payload carries the event id, and clients fill gaps from the database.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from cryptodesk.tickets.models import Ticket, TicketEvent

logger = logging.getLogger(__name__)

QUEUE_GROUP = "tickets.queue"
_held: ContextVar[list[dict[str, Any]] | None] = ContextVar("held_broadcasts", default=None)


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


async def _send_all(payloads: list[dict[str, Any]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for payload in payloads:
        await layer.group_send(QUEUE_GROUP, payload)
        await layer.group_send(ticket_group(payload["ticket"]), payload)


def broadcast(payloads: list[dict[str, Any]]) -> None:
    try:
        async_to_sync(_send_all)(payloads)
    except Exception:  # realtime is best effort; clients catch up from the database
        logger.exception("Could not publish %d ticket events", len(payloads))


def publish_on_commit(ticket: Ticket, events: Iterable[TicketEvent]) -> None:
    payloads = [event_payload(event, ticket) for event in events]
    if not payloads:
        return
    held = _held.get()
    if held is None:
        transaction.on_commit(lambda: broadcast(payloads))
    else:
        transaction.on_commit(lambda: held.extend(payloads))


@contextmanager
def grouped_broadcasts() -> Iterator[None]:
    """Publish the events of every transaction in the block together when it ends (one trip
    to the channel layer for a batch instead of one per ticket). Entered inside a transaction
    it holds nothing: events then wait for that transaction's commit as usual."""
    if _held.get() is not None or transaction.get_connection().in_atomic_block:
        yield
        return
    held: list[dict[str, Any]] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
        if held:
            broadcast(held)
