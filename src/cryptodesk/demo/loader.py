"""Builds the demo help desk through the same actions the product uses: teams, agents,
customers, and tickets over the last 60 days in English, Simplified and Traditional Chinese."""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from mnemonic import Mnemonic

from cryptodesk.accounts.actions import do_create_agent
from cryptodesk.accounts.models import Agent, Role, Skill, Team
from cryptodesk.complaints.demo import load_demo_complaints
from cryptodesk.customers.actions import do_get_or_create_customer
from cryptodesk.customers.models import Customer, Identity
from cryptodesk.demo.content import LanguageContent, Scenario, available_languages, load_language
from cryptodesk.kb.demo import load_help_center
from cryptodesk.mail.demo import load_demo_mail
from cryptodesk.sla.demo import load_demo_sla
from cryptodesk.tickets.actions import (
    TicketChanges,
    check_update_ticket,
    do_add_agent_message,
    do_ingest_message,
)
from cryptodesk.tickets.models import CustomField, Status, Ticket
from cryptodesk.tickets.pipeline import InboundMessage, Sender

DEMO_PASSWORD = "cryptodesk-demo"  # noqa: S105 - printed for the demo on purpose
TEAMS = [
    ("funds", "Wallet & Funds", "Deposits, withdrawals and network fees."),
    ("security", "Account Security", "Logins, 2FA, identity checks, scams and hacked accounts."),
    ("trading", "Trading & API", "Orders, fees, liquidations and API keys."),
]
TOPIC_TEAM = {
    "deposits": "funds", "withdrawals": "funds", "fees": "trading", "trading": "trading",
    "api": "trading", "2fa": "security", "password": "security", "account": "security",
    "kyc": "security", "scams": "security",
}  # fmt: skip
# username, display name, role, teams, languages
AGENTS = [
    ("admin", "Admin", Role.ADMIN, [], ["en"]),
    ("mei", "Mei Lin", Role.SUPERVISOR, ["funds", "security", "trading"],
     ["en", "zh-hans", "zh-hant"]),
    ("alice", "Alice Moreau", Role.AGENT, ["funds"], ["en"]),
    ("wangbo", "王波", Role.AGENT, ["funds"], ["zh-hans", "en"]),
    ("yichun", "陳怡君", Role.AGENT, ["security"], ["zh-hant", "zh-hans"]),
    ("david", "David Okafor", Role.AGENT, ["security"], ["en"]),
    ("emma", "Emma Schulz", Role.AGENT, ["trading"], ["en"]),
    ("lina", "李娜", Role.AGENT, ["trading", "funds"], ["zh-hans", "en"]),
]  # fmt: skip
LANGUAGE_WEIGHTS = {"en": 5, "zh-hans": 3, "zh-hant": 2}
CHANNEL_WEIGHTS = {"email": 40, "web": 20, "chat": 25, "telegram": 10, "api": 5}
ASSETS = [
    ("USDT", "TRC20"),
    ("USDT", "ERC20"),
    ("USDT", "BEP20"),
    ("BTC", "Bitcoin"),
    ("ETH", "ERC20"),
    ("SOL", "Solana"),
    ("XRP", "XRP Ledger"),
    ("TON", "TON"),
]
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]


@dataclass
class DemoSummary:
    agents: int
    customers: int
    tickets: int
    messages: int


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def placeholder_values(rng: random.Random, customer: Customer, agent: Agent) -> dict[str, str]:
    asset, network = rng.choice(ASSETS)
    amount = {"BTC": f"{rng.uniform(0.005, 1.5):.4f}", "ETH": f"{rng.uniform(0.05, 8):.3f}"}.get(
        asset, f"{rng.randint(20, 25000)}"
    )
    if network == "Bitcoin":
        address = "bc1q" + "".join(
            rng.choice("023456789acdefghjklmnpqrstuvwxyz") for _ in range(38)
        )
    else:
        address = "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(40))
    return {
        "customer_name": customer.name,
        "agent_name": agent.display_name,
        "asset": asset,
        "amount": amount,
        "network": network,
        "txid": "0x" + "".join(rng.choice("0123456789abcdef") for _ in range(64)),
        "address": address,
    }


def create_staff() -> dict[str, Agent]:
    teams = {}
    for slug, name, description in TEAMS:
        teams[slug], _ = Team.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )
    skills = {}
    for code, name in (("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")):
        skills[code], _ = Skill.objects.get_or_create(
            kind=Skill.Kind.LANGUAGE, code=code, defaults={"name": name}
        )
    for topic in sorted(TOPIC_TEAM):
        Skill.objects.get_or_create(kind=Skill.Kind.TOPIC, code=topic, defaults={"name": topic})
    agents = {}
    for username, display, role, team_slugs, languages in AGENTS:
        agent = Agent.objects.filter(user__username=username).first()
        if agent is None:
            agent = do_create_agent(
                username=username,
                email=f"{username}@support.example.com",
                password=DEMO_PASSWORD,
                display_name=display,
                role=role,
                teams=[teams[s] for s in team_slugs],
                check_password=False,
            )
        agent.skills.add(*[skills[code] for code in languages])
        agents[username] = agent
    CustomField.objects.get_or_create(
        key="uid", defaults={"label": "Exchange UID", "field_type": CustomField.FieldType.TEXT}
    )
    CustomField.objects.get_or_create(
        key="kyc_level",
        defaults={
            "label": "KYC level",
            "field_type": CustomField.FieldType.CHOICE,
            "choices": ["none", "basic", "advanced", "institutional"],
        },
    )
    return agents


def create_customers(
    rng: random.Random, count: int, contents: dict[str, LanguageContent]
) -> list[Customer]:
    customers = []
    languages = list(contents)
    weights = [LANGUAGE_WEIGHTS[lang] for lang in languages]
    for index in range(count):
        language = rng.choices(languages, weights)[0]
        content = contents[language]
        given, family = rng.choice(content.given_names), rng.choice(content.family_names)
        name = f"{given} {family}" if language == "en" else f"{family}{given}"
        email = f"customer{index + 1:03d}.{secrets.token_hex(2)}@{rng.choice(EMAIL_DOMAINS)}"
        customer = do_get_or_create_customer("email", email, name=name, language=language)
        Identity.objects.get_or_create(
            kind="chat", value=f"web-{customer.pk:05d}", defaults={"customer": customer}
        )
        if rng.random() < 0.35:
            Identity.objects.get_or_create(
                kind="telegram", value=str(500000000 + customer.pk), defaults={"customer": customer}
            )
        if rng.random() < 0.15:
            Customer.objects.filter(pk=customer.pk).update(tier="vip")
        customers.append(customer)
    return customers


def sender_for(customer: Customer, channel: str) -> Sender:
    kind = {"chat": "chat", "telegram": "telegram"}.get(channel, "email")
    identity = customer.identities.filter(kind=kind).first() or customer.identities.get(
        kind="email"
    )
    return Sender(kind=identity.kind, value=identity.value, name=customer.name)


def final_status(rng: random.Random, age_days: float) -> str:
    if age_days > 14:
        return rng.choices([Status.CLOSED, Status.SOLVED, Status.PENDING], [6, 3, 1])[0]
    if age_days > 3:
        return rng.choices(
            [Status.SOLVED, Status.PENDING, Status.OPEN, Status.ON_HOLD], [4, 3, 2, 1]
        )[0]
    return rng.choices(
        [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD, Status.SOLVED], [4, 4, 2, 1, 1]
    )[0]


def create_ticket(
    rng: random.Random,
    scenario: Scenario,
    customer: Customer,
    agents: dict[str, Agent],
    created_at: datetime,
    status: str,
) -> tuple[Ticket, int]:
    channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
    team = TOPIC_TEAM[scenario.topic]
    language = customer.language
    candidates = [
        a
        for u, a in agents.items()
        if any(t.slug == team for t in a.teams.all()) and a.role == Role.AGENT
    ] or [agents["mei"]]
    speakers = [a for a in candidates if language in {s.code for s in a.skills.all()}] or candidates
    agent = rng.choice(speakers)
    values = placeholder_values(rng, customer, agent)
    sender = sender_for(customer, channel)
    supervisor = agents["mei"]
    at = created_at
    first_author, first_text = scenario.messages[0]
    result = do_ingest_message(
        InboundMessage(
            channel=channel,
            sender=sender,
            subject=fill(scenario.subject, values),
            text=fill(first_text, values),
            requested_priority=scenario.priority,
            tags=scenario.tags,
            language_hint=language,
            received_at=at,
            idempotency_key=f"demo-{secrets.token_hex(8)}",
        )
    )
    ticket = result.ticket
    count = 1
    if status == Status.NEW:
        return ticket, count
    at += timedelta(minutes=rng.randint(3, 240))
    check_update_ticket(
        supervisor, ticket, TicketChanges(assignee_id=agent.pk, team_slug=team), at=at
    )
    for author, text in scenario.messages[1:]:
        at += timedelta(minutes=rng.randint(5, 600))
        if at >= timezone.now():
            break
        body = fill(text, values)
        if author == "customer":
            do_ingest_message(
                InboundMessage(
                    channel=channel,
                    sender=sender,
                    text=body,
                    ticket_number=ticket.pk,
                    received_at=at,
                    language_hint=language,
                )
            )
        else:
            do_add_agent_message(agent, ticket, body, internal=author == "note", at=at)
        count += 1
    ticket.refresh_from_db()
    at = min(at + timedelta(minutes=rng.randint(10, 900)), timezone.now())
    if status != ticket.status:
        path = [status]
        if status == Status.CLOSED:
            path = [Status.SOLVED, Status.CLOSED]
        if ticket.status == Status.NEW and status not in (Status.OPEN,):
            path = [Status.OPEN, *path]
        for step in path:
            if step != ticket.status:
                check_update_ticket(agent, ticket, TicketChanges(status=step), at=at)
    return ticket, count


def load_demo(
    *,
    customers: int = 200,
    tickets: int = 500,
    days: int = 60,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Create the demo data; ``progress`` is called after each ticket."""
    rng = random.Random(seed)
    contents = {lang: load_language(lang) for lang in available_languages()}
    with transaction.atomic():
        agents = create_staff()
        people = create_customers(rng, customers, contents)
    by_language: dict[str, list[Customer]] = {}
    for person in people:
        by_language.setdefault(person.language, []).append(person)
    now = timezone.now()
    messages = 0
    starts = sorted(now - timedelta(days=days) * (rng.random() ** 1.6) for _ in range(tickets))
    for start in starts:
        language = rng.choices(list(by_language), [LANGUAGE_WEIGHTS[k] for k in by_language])[0]
        customer = rng.choice(by_language[language])
        scenario = rng.choice(contents[language].scenarios)
        status = final_status(rng, (now - start).total_seconds() / 86400)
        with transaction.atomic():
            _ticket, count = create_ticket(rng, scenario, customer, agents, start, status)
        messages += count
        if progress is not None:
            progress(1)
    messages += create_security_cases(rng, by_language)
    load_help_center()
    messages += load_demo_complaints()
    messages += load_demo_sla()
    messages += load_demo_mail()
    return DemoSummary(
        agents=len(agents),
        customers=len(people),
        tickets=Ticket.objects.count(),
        messages=messages,
    )


def create_security_cases(rng: random.Random, by_language: dict[str, list[Customer]]) -> int:
    """Two panicked customers paste a recovery phrase: the guard shows what it does. The
    phrases are made from random entropy here; the stored tickets only hold the marker."""
    cases = [
        (
            "en",
            "english",
            "Is my wallet safe??",
            "Support on Telegram told me to verify my "
            "wallet by sending the words. Here they are:\n{phrase}\nDid I do something wrong?",
        ),
        (
            "zh-hans",
            "chinese_simplified",
            "钱包是不是被盗了",
            "有个自称客服的人让我发助记词验证钱包，我发了：{phrase} 现在余额不见了，怎么办？",
        ),
    ]
    for language, wordlist, subject, text in cases:
        phrase = Mnemonic(wordlist).to_mnemonic(rng.randbytes(16))
        do_ingest_message(
            InboundMessage(
                channel="web",
                sender=sender_for(rng.choice(by_language[language]), "web"),
                subject=subject,
                text=text.format(phrase=phrase),
                received_at=timezone.now() - timedelta(minutes=rng.randint(5, 90)),
            )
        )
    return 2 * len(cases)  # each message and the warning the guard adds
