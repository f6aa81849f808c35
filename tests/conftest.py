"""Shared fixtures: agents of each role, API clients with real bearer tokens, tickets made
through the real message path, and access to the real services (PostgreSQL, Redis)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client

from cryptodesk.accounts.actions import do_create_agent, do_create_api_token
from cryptodesk.accounts.models import Agent, ApiToken, Role, Team
from cryptodesk.mail.actions import forget_mailboxes
from cryptodesk.tickets.actions import IngestResult, do_ingest_message
from cryptodesk.tickets.models import Ticket
from cryptodesk.tickets.pipeline import InboundMessage, Sender

REQUIRE_SERVICES = os.environ.get("CRYPTODESK_REQUIRE_SERVICES") == "1"
PASSWORD = "correct-horse-battery-staple"


def service_reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip a test whose service is down, unless CI demands the service (then fail)."""
    if service_reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(message)
    pytest.skip(message)


# Ticket-core tests pin simple, predictable understand and triage stages so their expectations
# (priority, team) don't move when the intent model is retrained; the real secret guard always
# runs. Tests of the full pipeline use the ``full_pipeline`` fixture.
CORE_PIPELINE = {
    "guard": "cryptodesk.guard.redact.guard_message",
    "understand": "cryptodesk.tickets.stages.understand_script",
    "triage": "cryptodesk.tickets.stages.triage_defaults",
}


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CRYPTODESK_PIPELINE = CORE_PIPELINE
    # Each test's database is rolled back: no mailbox read by an earlier test may linger.
    forget_mailboxes()


@pytest.fixture
def full_pipeline(settings: Any) -> None:
    """The pipeline as shipped: guard, NLU understanding and rule-based triage."""

    from cryptodesk import settings as shipped

    settings.CRYPTODESK_PIPELINE = dict(shipped.CRYPTODESK_PIPELINE)


@pytest.fixture
def team(db: None) -> Team:
    return Team.objects.create(slug="funds", name="Wallet & Funds")


@pytest.fixture
def other_team(db: None) -> Team:
    return Team.objects.create(slug="security", name="Account Security")


AgentFactory = Callable[..., Agent]


@pytest.fixture
def make_agent(db: None) -> AgentFactory:
    counter = {"n": 0}

    def make(role: str = Role.AGENT, teams: list[Team] | None = None, name: str = "") -> Agent:
        counter["n"] += 1
        username = f"{role}{counter['n']}"
        return do_create_agent(
            username=username,
            email=f"{username}@support.example.com",
            password=PASSWORD,
            display_name=name or username.title(),
            role=role,
            teams=teams or [],
            check_password=False,
        )

    return make


@pytest.fixture
def agent(make_agent: AgentFactory, team: Team) -> Agent:
    return make_agent(Role.AGENT, [team], name="Alice Agent")


@pytest.fixture
def supervisor(make_agent: AgentFactory) -> Agent:
    return make_agent(Role.SUPERVISOR, name="Sam Supervisor")


@pytest.fixture
def admin_agent(make_agent: AgentFactory) -> Agent:
    return make_agent(Role.ADMIN, name="Ada Admin")


class ApiClient:
    """Django's test client with a real bearer token for one agent."""

    def __init__(self, agent: Agent, scope: str = ApiToken.Scope.WRITE):
        _token, self.raw_token = do_create_api_token(agent, "tests", scope)
        self.agent = agent
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.raw_token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self._headers())

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            path, body, content_type="application/json", headers=self._headers()
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            path, body, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_for() -> Callable[..., ApiClient]:
    return ApiClient


@pytest.fixture
def console_for(db: None) -> Callable[[Agent], Client]:
    def login(agent: Agent) -> Client:
        client = Client()
        client.force_login(agent.user)
        return client

    return login


def inbound(
    text: str = "My USDT deposit has not arrived after two hours.",
    *,
    email: str = "wei@example.com",
    subject: str = "Deposit missing",
    channel: str = "web",
    **extra: Any,
) -> InboundMessage:
    return InboundMessage(
        channel=channel,
        sender=Sender(kind="email", value=email, name=extra.pop("name", "")),
        subject=subject,
        text=text,
        **extra,
    )


@pytest.fixture
def ingest(db: None) -> Callable[..., IngestResult]:
    def run(
        text: str = "My USDT deposit has not arrived after two hours.", **kwargs: Any
    ) -> IngestResult:
        return do_ingest_message(inbound(text, **kwargs))

    return run


@pytest.fixture
def redis_url() -> Iterator[str]:
    require_service("Redis", "127.0.0.1", 6379)
    return "redis://127.0.0.1:6379/15"


def ticket_state(number: int) -> dict[str, Any]:
    """Everything a write could change on one ticket, to compare before and after."""
    ticket = Ticket.objects.get(pk=number)
    fields = (
        "subject",
        "status",
        "priority",
        "priority_rank",
        "assignee_id",
        "team_id",
        "custom_fields",
        "updated_at",
        "first_response_at",
        "solved_at",
        "closed_at",
    )
    return {name: getattr(ticket, name) for name in fields} | {
        "tags": sorted(ticket.tags.values_list("name", flat=True)),
        "messages": ticket.messages.count(),
        "events": ticket.events.count(),
    }
