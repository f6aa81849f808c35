"""The console's WebSocket: live ticket events for the queue and for open ticket pages.

Protocol (JSON):
  client -> {"type": "subscribe", "streams": ["queue", "ticket:42"], "last_event_id": 1234}
  server -> {"type": "event", "id": 1240, "ticket": 42, "kind": "message"}   (each, in id order)
  server -> {"type": "synced", "last_event_id": 1240, "more": false}   after the replay;
            with "more": true the client subscribes again from that id for the next batch
  client -> {"type": "ping"}  /  server -> {"type": "pong"}
A client that reconnects sends the last id it saw and receives what it missed from the database;
live events can be dropped by the channel layer, never by the database.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import NotFound
from cryptodesk.core.ids import parse_id
from cryptodesk.tickets.queries import access_ticket_by_number, events_after
from cryptodesk.tickets.realtime import QUEUE_GROUP, ticket_group

MAX_STREAMS = 20
REPLAY_BATCH = 500
REMEMBERED_IDS = 2000


def load_agent(user_id: int) -> tuple[Agent, set[int]] | None:
    agent = Agent.objects.filter(user_id=user_id, user__is_active=True).first()
    if agent is None:
        return None
    return agent, set(agent.teams.values_list("id", flat=True))


def check_ticket_access(agent: Agent, number: int) -> bool:
    try:
        access_ticket_by_number(agent, number)
    except NotFound:
        return False
    return True


def missed_events(
    agent: Agent, last_event_id: int, streams: set[str]
) -> tuple[list[dict[str, Any]], bool]:
    """What the client missed on all its streams in one ordered query, and whether there is
    more than one batch (the client then asks again from the last id it got)."""
    numbers = None if "queue" in streams else [int(s.split(":", 1)[1]) for s in streams]
    events = events_after(agent, last_event_id, numbers, limit=REPLAY_BATCH)
    payloads = [
        {"type": "event", "id": e.pk, "ticket": e.ticket_id, "kind": e.kind} for e in events
    ]
    return payloads, len(events) == REPLAY_BATCH


class ConsoleConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    agent: Agent
    team_ids: set[int]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(4401)
            return
        loaded = await database_sync_to_async(load_agent)(user.pk)
        if loaded is None:
            await self.refuse(4403)
            return
        self.agent, self.team_ids = loaded
        self.streams: set[str] = set()
        self.recent_ids: deque[int] = deque(maxlen=REMEMBERED_IDS)
        self.recent_set: set[int] = set()
        await self.accept()

    async def refuse(self, code: int) -> None:
        # Closing before accept() makes the server answer the handshake with HTTP 403 and the
        # client never sees the code; accept first so it learns why (4401 log in, 4403 no agent).
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        for stream in getattr(self, "streams", set()):
            await self.channel_layer.group_discard(self.group_for(stream), self.channel_name)

    @staticmethod
    def group_for(stream: str) -> str:
        if stream == "queue":
            return QUEUE_GROUP
        return ticket_group(int(stream.split(":", 1)[1]))

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": "Send a JSON object."})
            return
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "subscribe":
            await self.subscribe(content.get("streams"), content.get("last_event_id"))
        else:
            await self.send_json({"type": "error", "message": f"Unknown message type {kind!r}."})

    async def subscribe(self, streams: Any, last_event_id: Any) -> None:
        if not isinstance(streams, list) or len(streams) > MAX_STREAMS:
            await self.send_json({"type": "error", "message": "streams must be a short list."})
            return
        accepted: set[str] = set()
        for stream in streams:
            if stream == "queue":
                accepted.add(stream)
            elif isinstance(stream, str) and stream.startswith("ticket:") and parse_id(stream[7:]):
                number = parse_id(stream[7:]) or 0
                if await database_sync_to_async(check_ticket_access)(self.agent, number):
                    accepted.add(stream)
                else:
                    await self.send_json({"type": "error", "message": f"No access to {stream}."})
            else:
                await self.send_json({"type": "error", "message": f"Unknown stream {stream!r}."})
        # Join the groups first, then read the database: an event committed in between is seen
        # twice at worst (and deduplicated), never missed.
        for stream in accepted - self.streams:
            await self.channel_layer.group_add(self.group_for(stream), self.channel_name)
        self.streams |= accepted
        if isinstance(last_event_id, int) and not isinstance(last_event_id, bool):
            events, more = await database_sync_to_async(missed_events)(
                self.agent, last_event_id, self.streams
            )
            for event in events:
                await self.forward(event)
            newest = events[-1]["id"] if events else last_event_id
            await self.send_json({"type": "synced", "last_event_id": newest, "more": more})

    def may_see(self, event: dict[str, Any]) -> bool:
        if self.agent.is_supervisor:
            return True
        team = event.get("team")
        return team is None or team in self.team_ids or event.get("assignee") == self.agent.pk

    async def forward(self, event: dict[str, Any]) -> None:
        event_id = event["id"]
        if event_id in self.recent_set:
            return
        if len(self.recent_ids) == self.recent_ids.maxlen:
            self.recent_set.discard(self.recent_ids[0])
        self.recent_ids.append(event_id)
        self.recent_set.add(event_id)
        await self.send_json(
            {"type": "event", "id": event_id, "ticket": event["ticket"], "kind": event["kind"]}
        )

    async def ticket_event(self, event: dict[str, Any]) -> None:
        if self.may_see(event):
            await self.forward(event)
