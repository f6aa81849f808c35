"""The console's WebSocket through a real ASGI server (uvicorn, Channels): authentication,
events caused by API calls, team visibility, replay after a reconnect, deduplication, and
delivery across two server processes sharing Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.tickets.actions import TicketChanges, check_update_ticket, do_ingest_message
from cryptodesk.tickets.models import Ticket, TicketEvent
from cryptodesk.tickets.queries import latest_event_id
from tests.conftest import AgentFactory, inbound
from tests.live import free_port, session_cookie_for, websocket_url
from tests.live import live_asgi_server as live_asgi_server  # noqa: F401

TIMEOUT = 10.0
Json = dict[str, Any]


def open_console_socket(base_url: str, user: AbstractBaseUser | None = None) -> ClientConnection:
    headers = {"Cookie": session_cookie_for(user)} if user is not None else {}
    return connect(
        websocket_url(base_url),
        origin=Origin(base_url),
        additional_headers=headers,
        proxy=None,
        open_timeout=TIMEOUT,
        close_timeout=2,
    )


def receive(socket: ClientConnection) -> Json:
    message: Json = json.loads(socket.recv(timeout=TIMEOUT))
    return message


def receive_n(socket: ClientConnection, count: int) -> list[Json]:
    return [receive(socket) for _ in range(count)]


def subscribe(socket: ClientConnection, streams: list[str], last_event_id: int) -> list[Json]:
    """Subscribe and return every reply up to and including ``synced``. Once ``synced`` has
    arrived the server has joined the groups, so later events cannot be missed."""
    socket.send(
        json.dumps({"type": "subscribe", "streams": streams, "last_event_id": last_event_id})
    )
    replies = [receive(socket)]
    while replies[-1]["type"] != "synced":
        replies.append(receive(socket))
    return replies


def synced(last_event_id: int, more: bool = False) -> Json:
    return {"type": "synced", "last_event_id": last_event_id, "more": more}


def as_sent(event: TicketEvent) -> Json:
    return {"type": "event", "id": event.pk, "ticket": event.ticket_id, "kind": event.kind}


def events_of(ticket_number: int, after: int = 0) -> list[Json]:
    events = TicketEvent.objects.filter(ticket_id=ticket_number, id__gt=after).order_by("id")
    return [as_sent(event) for event in events]


def api_client(base_url: str, api_for: Callable[..., Any], agent: Agent) -> httpx.Client:
    token = api_for(agent).raw_token
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
        trust_env=False,
    )


def create_ticket(api: httpx.Client, subject: str, email: str = "wei@example.com") -> int:
    response = api.post(
        "/api/v1/tickets",
        json={"customer_email": email, "subject": subject, "body": f"{subject}, please help."},
    )
    assert response.status_code == 201, response.text
    number: int = response.json()["number"]
    return number


def reply(api: httpx.Client, number: int, body: str) -> None:
    response = api.post(f"/api/v1/tickets/{number}/messages", json={"body": body})
    assert response.status_code == 201, response.text


def ticket_of_team(supervisor: Agent, team: Team, subject: str) -> Ticket:
    """A ticket routed to ``team``, made in the test thread: only while no socket listens."""
    ticket = do_ingest_message(inbound(subject, subject=subject, email="li@example.com")).ticket
    check_update_ticket(supervisor, ticket, TicketChanges(team_slug=team.slug))
    return ticket


def test_socket_without_login_is_closed_with_4401(live_asgi_server: str) -> None:
    with open_console_socket(live_asgi_server) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


def test_user_without_agent_profile_is_closed_with_4403(
    live_asgi_server: str, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("visitor", password="unused-password-1")
    with open_console_socket(live_asgi_server, user) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=TIMEOUT)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


def test_socket_from_a_foreign_origin_is_refused(live_asgi_server: str, agent: Agent) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(
            websocket_url(live_asgi_server),
            origin=Origin("https://evil.example.com"),
            additional_headers={"Cookie": session_cookie_for(agent.user)},
            proxy=None,
            open_timeout=TIMEOUT,
        )
    assert refused.value.response.status_code == 403


def test_queue_subscriber_receives_events_of_a_ticket_created_through_the_api(
    live_asgi_server: str, agent: Agent, api_for: Callable[..., Any]
) -> None:
    api = api_client(live_asgi_server, api_for, agent)
    start = latest_event_id()
    with open_console_socket(live_asgi_server, agent.user) as socket:
        assert subscribe(socket, ["queue"], start) == [synced(start)]
        socket.send(json.dumps({"type": "ping"}))
        assert receive(socket) == {"type": "pong"}

        number = create_ticket(api, "Withdrawal stuck")

        expected = events_of(number)
        assert [event["kind"] for event in expected] == ["created", "message"]
        assert receive_n(socket, 2) == expected


def test_agent_of_another_team_gets_no_events_of_its_tickets(
    live_asgi_server: str,
    make_agent: AgentFactory,
    team: Team,
    other_team: Team,
    supervisor: Agent,
    api_for: Callable[..., Any],
) -> None:
    funds_agent = make_agent(Role.AGENT, [team])
    security_agent = make_agent(Role.AGENT, [other_team])
    funds_ticket = ticket_of_team(supervisor, team, "Deposit missing")
    start = latest_event_id()
    with (
        open_console_socket(live_asgi_server, funds_agent.user) as funds_socket,
        open_console_socket(live_asgi_server, security_agent.user) as security_socket,
    ):
        assert subscribe(funds_socket, ["queue"], start) == [synced(start)]
        assert subscribe(security_socket, ["queue", f"ticket:{funds_ticket.pk}"], start) == [
            {"type": "error", "message": f"No access to ticket:{funds_ticket.pk}."},
            synced(start),
        ]

        reply(api_client(live_asgi_server, api_for, funds_agent), funds_ticket.pk, "On it.")
        funds_events = events_of(funds_ticket.pk, after=start)
        assert [event["kind"] for event in funds_events] == ["message", "status"]
        assert receive_n(funds_socket, 2) == funds_events

        # A ticket every agent may see: the first thing the other team hears about.
        shared = create_ticket(api_client(live_asgi_server, api_for, supervisor), "Login help")
        shared_events = events_of(shared)
        assert receive_n(security_socket, 2) == shared_events
        assert receive_n(funds_socket, 2) == shared_events


def test_reconnect_replays_exactly_the_missed_visible_events_in_order(
    live_asgi_server: str,
    agent: Agent,
    other_team: Team,
    supervisor: Agent,
    api_for: Callable[..., Any],
) -> None:
    hidden = ticket_of_team(supervisor, other_team, "Account frozen")
    agent_api = api_client(live_asgi_server, api_for, agent)
    supervisor_api = api_client(live_asgi_server, api_for, supervisor)
    start = latest_event_id()
    with open_console_socket(live_asgi_server, agent.user) as socket:
        assert subscribe(socket, ["queue"], start) == [synced(start)]
        number = create_ticket(agent_api, "Withdrawal stuck")
        seen = receive_n(socket, 2)
        assert seen == events_of(number)
    last_seen = seen[-1]["id"]

    # While the page is disconnected: one visible ticket changes twice, a hidden one once.
    reply(agent_api, number, "We are checking the transaction.")
    reply(supervisor_api, hidden.pk, "Escalated to security.")
    first = create_ticket(agent_api, "Second question", email="ana@example.com")
    missed = events_of(number, after=last_seen) + events_of(first)
    missed.sort(key=lambda event: event["id"])
    assert [event["kind"] for event in missed] == ["message", "status", "created", "message"]
    assert events_of(hidden.pk, after=last_seen), "the hidden ticket changed as well"

    with open_console_socket(live_asgi_server, agent.user) as socket:
        replayed = subscribe(socket, ["queue"], last_seen)
    assert replayed == [*missed, synced(missed[-1]["id"])]


def test_long_replay_comes_in_batches(
    live_asgi_server: str, agent: Agent, api_for: Callable[..., Any], monkeypatch: Any
) -> None:
    from cryptodesk.tickets import consumers

    monkeypatch.setattr(consumers, "REPLAY_BATCH", 3)
    start = latest_event_id()
    api = api_client(live_asgi_server, api_for, agent)
    first = create_ticket(api, "First")
    second = create_ticket(api, "Second", email="ana@example.com")
    missed = sorted(events_of(first) + events_of(second), key=lambda event: event["id"])
    assert len(missed) == 4
    with open_console_socket(live_asgi_server, agent.user) as socket:
        batch = subscribe(socket, ["queue"], start)
        assert batch == [*missed[:3], synced(missed[2]["id"], more=True)]
        rest = subscribe(socket, ["queue"], missed[2]["id"])
        assert rest == [missed[3], synced(missed[3]["id"])]


def test_event_on_both_subscribed_streams_is_forwarded_once(
    live_asgi_server: str, agent: Agent, api_for: Callable[..., Any]
) -> None:

    start = latest_event_id()
    number = do_ingest_message(inbound("My deposit has not arrived.")).ticket.pk
    api = api_client(live_asgi_server, api_for, agent)
    with open_console_socket(live_asgi_server, agent.user) as socket:
        # Replay: the ticket's events match both streams and are sent once each.
        created = events_of(number)
        assert subscribe(socket, ["queue", f"ticket:{number}"], start) == [
            *created,
            synced(created[-1]["id"]),
        ]

        reply(api, number, "Looking into it.")
        # A second ticket (queue stream only) closes the window in which duplicates would come.
        other = create_ticket(api, "Another question", email="ana@example.com")
        expected = events_of(number, after=created[-1]["id"]) + events_of(other)
        assert len(expected) == 4
        assert receive_n(socket, 4) == expected


# --- two server processes on one Redis ---------------------------------------------------------


def database_url_of_test_database() -> str:
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        credentials = quote(config["USER"] or "", safe="")
        if config["PASSWORD"]:
            credentials += ":" + quote(config["PASSWORD"], safe="")
        host = config["HOST"] or "127.0.0.1"
        port = config["PORT"] or "5432"
        return f"postgres://{credentials}@{host}:{port}/{quote(config['NAME'], safe='')}"
    pytest.fail(f"No DATABASE_URL recipe for {connection.vendor}")


def serve_command() -> list[str]:
    script = Path(sys.executable).with_name("cryptodesk")
    if script.exists():
        return [str(script), "serve"]
    return [sys.executable, "-m", "cryptodesk.cli", "serve"]


class ServeProcess:
    def __init__(self, port: int, env: dict[str, str], log: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [*serve_command(), "--port", str(port)],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, deadline: float) -> None:

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"cryptodesk serve exited early:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1, trust_env=False).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        pytest.fail(f"cryptodesk serve did not answer on {self.url}:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def serve_processes(
    transactional_db: None, redis_url: str, tmp_path: Path
) -> Iterator[Callable[[int], list[ServeProcess]]]:
    """Start ``cryptodesk serve`` processes on the test database and Redis; stop them before
    the test database is emptied."""

    env = os.environ | {
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url_of_test_database(),
        "CRYPTODESK_VAR_DIR": str(settings.VAR_DIR),
        "CRYPTODESK_SECRET_KEY": settings.SECRET_KEY,
        "CRYPTODESK_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "cryptodesk.settings",
    }
    started: list[ServeProcess] = []

    def start(count: int) -> list[ServeProcess]:
        batch = [
            ServeProcess(free_port(), env, tmp_path / f"serve-{len(started) + n}.log")
            for n in range(count)
        ]
        started.extend(batch)
        deadline = time.monotonic() + 30
        for process in batch:
            process.wait_ready(deadline)
        return batch

    yield start
    for process in started:
        process.stop()


def test_event_crosses_server_processes_through_redis(
    serve_processes: Callable[[int], list[ServeProcess]],
    agent: Agent,
    api_for: Callable[..., Any],
) -> None:
    process_a, process_b = serve_processes(2)
    start = latest_event_id()
    with open_console_socket(process_a.url, agent.user) as socket:
        assert subscribe(socket, ["queue"], start) == [synced(start)]

        number = create_ticket(api_client(process_b.url, api_for, agent), "Deposit missing")

        expected = events_of(number)
        assert [event["kind"] for event in expected] == ["created", "message"]
        # Redis pub/sub ignores database numbers: skip what another test run may publish.
        received: list[Json] = []
        while len(received) < len(expected):
            message = receive(socket)
            if message in expected:
                received.append(message)
        assert received == expected
