"""Demo data of the complaint workflow: one complaint in each stage, through the same actions
the product uses, on existing demo tickets in the three languages. Also loads the reply
templates (the demo's one entry point for issue 3's templates and complaints)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from cryptodesk.accounts.models import Agent
from cryptodesk.complaints.actions import (
    ComplaintFacts,
    check_answer_follow_up,
    check_decide_remedy,
    check_propose_remedy,
    check_record_complaint,
    do_send_follow_up,
    follow_up_token,
)
from cryptodesk.complaints.models import Complaint, Remedy
from cryptodesk.macros.demo import load_demo_macros
from cryptodesk.tickets.actions import TicketChanges, check_update_ticket
from cryptodesk.tickets.models import Message, Status, Ticket


@dataclass(frozen=True)
class DemoComplaint:
    stage: str
    what: str
    product: str
    asset: str
    amount: str | None
    emotion: str
    # The demo ticket it goes on: the first free one with this tag, else this topic.
    tag: str
    topic: str
    fund_security: bool = False


CASES = [
    DemoComplaint("recorded", "Withdrawal fee charged twice on one transfer.", "Withdrawals",
                  "USDT", "1.00", "frustrated", tag="withdrawal", topic="fees"),
    DemoComplaint("fund_security", "Funds left the account after a login from an unknown "
                  "device; the customer did not make these withdrawals.", "Account", "BTC",
                  "0.35", "distressed", tag="account-takeover", topic="account",
                  fund_security=True),
    DemoComplaint("remedy_proposed", "Deposit credited four days late, missed a trade.",
                  "Deposits", "USDT", "250", "angry", tag="deposit", topic="deposits"),
    DemoComplaint("remedy_approved", "Agent gave wrong network advice; recovery fee charged.",
                  "Deposits", "USDT", "15", "frustrated", tag="wrong-network", topic="deposits"),
    DemoComplaint("remedy_rejected", "Asks for compensation for market loss during downtime.",
                  "Spot trading", "USDT", "3000", "angry", tag="slippage", topic="trading"),
    DemoComplaint("resolved", "KYC review took three weeks without updates.", "Verification",
                  "", None, "worried", tag="kyc", topic="kyc"),
    DemoComplaint("follow_up_sent", "VIP fee discount not applied for a month of trading.",
                  "Trading fees", "USDT", "42.80", "frustrated", tag="vip-tier", topic="fees"),
    DemoComplaint("satisfied", "2FA reset took a week; the customer could not trade.",
                  "Account security", "", None, "calm", tag="2fa-reset", topic="2fa"),
    DemoComplaint("reopened", "Account frozen without explanation for five days.", "Account",
                  "", None, "angry", tag="account-frozen", topic="account"),
]  # fmt: skip
REMEDY_KIND = {"remedy_rejected": Remedy.Kind.COMPENSATION}


def load_demo_complaints() -> int:
    """Create the demo complaints once; returns how many messages to customers that wrote."""
    load_demo_macros()
    if Complaint.objects.exists():
        return 0
    agents = {a.user.username: a for a in Agent.objects.select_related("user")}
    proposer, supervisor = agents.get("alice"), agents.get("mei")
    if proposer is None or supervisor is None:
        return 0
    now = timezone.now()
    candidates = list(
        Ticket.objects.filter(status__in=(Status.OPEN, Status.PENDING), is_security_case=False)
        .prefetch_related("tags")
        .order_by("updated_at", "pk")
    )
    messages_before = Message.objects.count()
    languages = ["en", "zh-hans", "zh-hant"]
    for index, case in enumerate(CASES):
        ticket = ticket_for(case, candidates, languages[index % len(languages)])
        if ticket is None:
            continue
        candidates.remove(ticket)
        create_case(case, ticket, proposer, supervisor, now)
    return Message.objects.count() - messages_before


def ticket_for(case: DemoComplaint, candidates: list[Ticket], language: str) -> Ticket | None:
    """The ticket a complaint like this would be raised on: its tag, else its topic; in the
    language whose turn it is when there is a choice, so the demo shows all three."""

    def matching(test: Callable[[Ticket], bool]) -> list[Ticket]:
        return [t for t in candidates if test(t)]

    for found in (
        matching(lambda t: case.tag in {tag.name for tag in t.tags.all()}),
        matching(lambda t: t.topic == case.topic),
        candidates,
    ):
        if found:
            return next((t for t in found if t.language == language), found[0])
    return None


def create_case(
    case: DemoComplaint, ticket: Ticket, proposer: Agent, supervisor: Agent, now: datetime
) -> None:
    step = iter(ticket.updated_at + timedelta(hours=2 * n) for n in range(1, 20))

    def at() -> datetime:
        return min(next(step), now)

    complaint = check_record_complaint(
        proposer,
        ticket,
        ComplaintFacts(
            what_happened=case.what,
            occurred_at=ticket.created_at,
            product=case.product,
            asset=case.asset,
            amount=case.amount,
            emotion=case.emotion,
            fund_security=case.fund_security,
        ),
        at=at(),
    )
    if case.stage in ("recorded", "fund_security"):
        return
    if case.stage in ("remedy_proposed", "remedy_approved", "remedy_rejected"):
        amount = Decimal(case.amount or "10") / 10
        remedy = check_propose_remedy(
            proposer,
            complaint,
            kind=REMEDY_KIND.get(case.stage, Remedy.Kind.REFUND),
            asset=case.asset or "USDT",
            amount=amount,
            reason="We made a mistake here and want to make it right.",
            at=at(),
        )
        if case.stage == "remedy_approved":
            check_decide_remedy(supervisor, remedy, approve=True, note="Within policy.", at=at())
        elif case.stage == "remedy_rejected":
            check_decide_remedy(
                supervisor,
                remedy,
                approve=False,
                note="Market losses are not covered; offer a fee waiver instead.",
                at=at(),
            )
        return
    solved_at = max(now - timedelta(hours=6), ticket.updated_at + timedelta(hours=1))
    if case.stage != "resolved":
        solved_at = ticket.updated_at + timedelta(hours=4)
    check_update_ticket(proposer, ticket, TicketChanges(status=Status.SOLVED), at=solved_at)
    if case.stage == "resolved":
        return
    complaint.refresh_from_db()
    assert complaint.resolved_at is not None
    asked = min(solved_at + timedelta(days=3), now)
    do_send_follow_up(complaint.pk, complaint.resolved_at.isoformat(), at=asked)
    if case.stage == "follow_up_sent":
        return
    check_answer_follow_up(
        follow_up_token(complaint),
        satisfied=case.stage == "satisfied",
        at=min(asked + timedelta(hours=5), now),
    )
