"""The "triage" stage: intent -> topic, team and suggested templates; urgency, sentiment and
security findings -> priority. Rules are data (TriageRule rows), with shipped defaults."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptodesk.core.memo import remembered
from cryptodesk.customers.models import Customer
from cryptodesk.nlu.models import TriageRule
from cryptodesk.tickets.models import PRIORITY_RANK, Priority
from cryptodesk.tickets.pipeline import Guarded, InboundMessage, Triage, Understanding

DEFAULT_RULES_CSV = Path(__file__).resolve().parent / "data" / "intent_topics.csv"


@dataclass(frozen=True)
class Rule:
    topic: str
    team_slug: str | None
    priority: str
    suggested_templates: tuple[str, ...] = ()


@cache
def shipped_rules() -> dict[str, Rule]:
    if not DEFAULT_RULES_CSV.exists():
        return {}
    with DEFAULT_RULES_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["intent"]: Rule(
                topic=row["topic"],
                team_slug=row["team"] or None,
                priority=row["priority_hint"] if row["priority_hint"] in Priority.values else "",
            )
            for row in csv.DictReader(handle)
        }


def rule_for(intent: str) -> Rule | None:
    if not intent or intent == "unknown":
        return None
    return remembered(("nlu.triage_rule", intent), lambda: load_rule(intent))


def load_rule(intent: str) -> Rule | None:
    row = TriageRule.objects.select_related("team").filter(intent=intent).first()
    if row is not None:
        if not row.active:
            return None
        return Rule(
            topic=row.topic,
            team_slug=row.team.slug if row.team else None,
            priority=row.priority,
            suggested_templates=tuple(row.suggested_templates),
        )
    return shipped_rules().get(intent)


def highest_priority(*candidates: str | None) -> str:
    valid = [Priority(c) for c in candidates if c in Priority.values]
    if not valid:
        return Priority.NORMAL
    return max(valid, key=lambda p: PRIORITY_RANK[p])


def triage_by_rules(
    message: InboundMessage, understanding: Understanding, guarded: Guarded, customer: Customer
) -> Triage:
    rule = rule_for(understanding.intent)
    at_risk = guarded.is_security_case or understanding.funds_at_risk
    priority = highest_priority(
        message.requested_priority,
        rule.priority if rule else None,
        # Only a raised urgency counts: "normal" is the assessment's baseline, not a signal.
        understanding.urgency
        if understanding.urgency in (Priority.URGENT, Priority.HIGH)
        else None,
        Priority.URGENT if at_risk else None,
        Priority.HIGH if understanding.anger else None,
    )
    tags = list(message.tags)
    if guarded.is_security_case:
        tags.append("security-case")
    return Triage(
        priority=priority,
        team_slug=(rule.team_slug if rule else None) or ("security" if at_risk else None),
        topic=rule.topic if rule else "",
        tags=tuple(dict.fromkeys(tags)),
    )
