"""The shape of an inbound message and of what each named stage of the message path returns.

Every channel adapter builds an :class:`InboundMessage` and hands it to
``tickets.actions.do_ingest_message``. The stages ``guard``, ``understand`` and ``triage`` are
looked up by name in ``settings.CRYPTODESK_PIPELINE`` so later capabilities replace them
without touching the path itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from cryptodesk.customers.models import Customer


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Sender:
    """Who wrote: an identity kind (``email``, ``chat`` ...), its value and a display name."""

    kind: str
    value: str
    name: str = ""


@dataclass(frozen=True)
class InboundMessage:
    channel: str
    sender: Sender
    text: str
    html: str = ""
    subject: str = ""
    # Unique per channel: an email Message-ID, a client's message id, an API caller's key.
    idempotency_key: str | None = None
    external_ids: dict[str, str] = field(default_factory=dict)
    attachments: tuple[InboundAttachment, ...] = ()
    # The ticket the channel already knows this belongs to (signed portal link, subject tag).
    ticket_number: int | None = None
    requested_priority: str | None = None
    tags: tuple[str, ...] = ()
    language_hint: str = ""
    received_at: datetime | None = None
    # Written by a machine (auto-reply, mailer-daemon, bulk): never auto-acknowledged.
    automated: bool = False

    def with_changes(self, **changes: Any) -> InboundMessage:
        return replace(self, **changes)


@dataclass(frozen=True)
class Finding:
    """Something the guard removed: its kind and where it stood in the original text."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Guarded:
    message: InboundMessage
    findings: tuple[Finding, ...] = ()

    @property
    def is_security_case(self) -> bool:
        return bool(self.findings)


@dataclass(frozen=True)
class Entity:
    kind: str
    value: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class Understanding:
    language: str = ""
    intent: str = ""
    intent_confidence: float = 0.0
    entities: tuple[Entity, ...] = ()
    sentiment: str = "neutral"
    anger: bool = False
    funds_at_risk: bool = False
    urgency: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "intent": self.intent,
            "intent_confidence": self.intent_confidence,
            "entities": [
                {"kind": e.kind, "value": e.value}
                | ({"amount": str(e.amount)} if e.amount is not None else {})
                for e in self.entities
            ],
            "sentiment": self.sentiment,
            "anger": self.anger,
            "funds_at_risk": self.funds_at_risk,
            "urgency": self.urgency,
        }


@dataclass(frozen=True)
class Triage:
    priority: str
    team_slug: str | None = None
    topic: str = ""
    tags: tuple[str, ...] = ()


GuardStage = Callable[[InboundMessage], Guarded]
UnderstandStage = Callable[[InboundMessage], Understanding]
TriageStage = Callable[[InboundMessage, Understanding, Guarded, Customer], Triage]


def guard_stage() -> GuardStage:
    stage: GuardStage = import_string(settings.CRYPTODESK_PIPELINE["guard"])
    return stage


def understand_stage() -> UnderstandStage:
    stage: UnderstandStage = import_string(settings.CRYPTODESK_PIPELINE["understand"])
    return stage


def understand_all(messages: Sequence[InboundMessage]) -> list[Understanding]:
    """Understand several messages: through the pipeline's ``understand_many`` stage when it
    has one (a batch is far cheaper per message), else one by one."""
    many_path = settings.CRYPTODESK_PIPELINE.get("understand_many")
    if not messages:
        return []
    if many_path:
        many: Callable[[Sequence[InboundMessage]], list[Understanding]] = import_string(many_path)
        return many(messages)
    stage = understand_stage()
    return [stage(message) for message in messages]


# A support message whose Chinese run is long enough to make the guard load its word model.
WARM_UP_MESSAGE = InboundMessage(
    channel="warm-up",
    sender=Sender(kind="email", value="warm-up@example.invalid"),
    subject="Deposit not credited",
    text="My USDT deposit has not arrived.\n我的充值一直没有到请帮我看一下是什么问题",
)


def warm_up() -> None:
    """Load every model the guard and understand stages use (about two seconds), so that a
    long-running ingester (and every process it forks) pays it at start and not on its first
    messages. Also loads the URL configuration, which storing a message may use."""
    from django.urls import get_resolver

    # Latin text that is not plain English loads the language identifier.
    spanish = WARM_UP_MESSAGE.with_changes(text="Mi depósito todavía no ha llegado, por favor.")
    guarded = [guard_stage()(message) for message in (WARM_UP_MESSAGE, spanish)]
    understand_all([g.message for g in guarded])
    get_resolver().url_patterns  # noqa: B018 - importing every app's URLs is the point


def triage_stage() -> TriageStage:
    stage: TriageStage = import_string(settings.CRYPTODESK_PIPELINE["triage"])
    return stage
