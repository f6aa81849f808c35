"""How a complaint's severity is decided. The rule, in order:

1. ``critical`` when the complaint touches fund security (the ticket is a security case, the
   analysis of a customer message found funds at risk, or the agent said so), or when the
   amount reaches the asset's critical threshold.
2. ``high`` when the amount reaches the asset's high threshold, or the customer is angry or
   distressed (recorded by the agent or detected in their messages).
3. ``medium`` when any amount is involved, or the customer is frustrated or worried.
4. ``low`` otherwise.

A VIP customer's complaint is one level higher (at most ``high`` unless a rule already made
it ``critical``). Thresholds are per asset, in units of the asset; an asset not listed uses no
amount threshold (any amount still means ``medium``). The reasons are stored with the
complaint so the console can say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cryptodesk.complaints.models import SEVERITY_RANK, Emotion, Severity

# asset -> (high from, critical from), in units of the asset.
AMOUNT_THRESHOLDS: dict[str, tuple[Decimal, Decimal]] = {
    "USDT": (Decimal("1000"), Decimal("10000")),
    "USDC": (Decimal("1000"), Decimal("10000")),
    "USD": (Decimal("1000"), Decimal("10000")),
    "EUR": (Decimal("1000"), Decimal("10000")),
    "BTC": (Decimal("0.02"), Decimal("0.2")),
    "ETH": (Decimal("0.5"), Decimal("5")),
    "BNB": (Decimal("2"), Decimal("20")),
    "SOL": (Decimal("10"), Decimal("100")),
    "TRX": (Decimal("8000"), Decimal("80000")),
    "XRP": (Decimal("2000"), Decimal("20000")),
}
ANGRY = {Emotion.ANGRY, Emotion.DISTRESSED}
UPSET = {Emotion.FRUSTRATED, Emotion.WORRIED}
VIP_TIERS = {"vip"}


@dataclass(frozen=True)
class SeverityFacts:
    fund_security: bool
    asset: str
    amount: Decimal | None
    emotions: frozenset[str]
    tier: str


def classify(facts: SeverityFacts) -> tuple[str, list[str]]:
    """(severity, reasons) for the facts of one complaint."""
    reasons: list[str] = []
    level = Severity.LOW
    high_from, critical_from = AMOUNT_THRESHOLDS.get(facts.asset.upper(), (None, None))

    def raise_to(candidate: Severity, reason: str) -> None:
        nonlocal level
        reasons.append(reason)
        if SEVERITY_RANK[candidate] > SEVERITY_RANK[level]:
            level = candidate

    if facts.fund_security:
        raise_to(Severity.CRITICAL, "fund_security")
    if facts.amount is not None:
        if critical_from is not None and facts.amount >= critical_from:
            raise_to(Severity.CRITICAL, "amount_critical")
        elif high_from is not None and facts.amount >= high_from:
            raise_to(Severity.HIGH, "amount_high")
        else:
            raise_to(Severity.MEDIUM, "amount")
    if facts.emotions & ANGRY:
        raise_to(Severity.HIGH, "anger")
    elif facts.emotions & UPSET:
        raise_to(Severity.MEDIUM, "upset")
    if facts.tier.lower() in VIP_TIERS:
        reasons.append("vip")
        if level == Severity.LOW:
            level = Severity.MEDIUM
        elif level == Severity.MEDIUM:
            level = Severity.HIGH
    return str(level), reasons
