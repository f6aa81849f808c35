"""The shipped pipeline end to end: guard, NLU understanding and rule-based triage, through
the public surfaces (API and console)."""

from __future__ import annotations

from typing import Any

import pytest

from cryptodesk.accounts.models import Team
from cryptodesk.nlu.models import TriageRule
from cryptodesk.tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("full_pipeline")

HACKED = (
    "HACKED!!! someone withdrew all my BTC, I did not do this. tx "
    "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"
)


@pytest.fixture
def teams(db: None) -> dict[str, Team]:
    return {
        slug: Team.objects.create(slug=slug, name=slug.title())
        for slug in ("funds", "security", "trading")
    }


def create(api: Any, body: str, subject: str = "Help", **extra: Any) -> dict[str, Any]:
    response = api.post(
        "/api/v1/tickets",
        {"customer_email": "c@example.com", "subject": subject, "body": body, **extra},
    )
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_funds_at_risk_becomes_urgent_for_the_security_team(
    supervisor: Any, api_for: Any, teams: dict[str, Team]
) -> None:
    body = create(api_for(supervisor), HACKED, subject="Account hacked")
    assert body["priority"] == "urgent"
    assert body["team"]["slug"] == "security"
    assert body["language"] == "en"
    ticket = Ticket.objects.get(pk=body["number"])
    assert ticket.intent == "account_hacked_unauthorized_withdrawal"
    understanding = ticket.messages.get().analysis["understanding"]
    assert understanding["funds_at_risk"] is True
    assert understanding["anger"] is True
    assert understanding["entities"] == [
        {
            "kind": "txid:evm",
            "value": "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
        }
    ]
    assert not ticket.is_security_case  # a transaction hash is not a secret


def test_chinese_deposit_question_is_routed_to_funds(
    supervisor: Any, api_for: Any, teams: dict[str, Team]
) -> None:
    body = create(
        api_for(supervisor),
        "我的USDT充值两个小时还没有到账，地址 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 请帮忙查询",
        subject="充值未到账",
    )
    assert body["language"] == "zh-hans"
    assert body["team"]["slug"] == "funds"
    assert body["priority"] == "high"  # the shipped rule's floor for deposit_not_arrived
    ticket = Ticket.objects.get(pk=body["number"])
    assert ticket.intent == "deposit_not_arrived"
    assert ticket.topic == "deposits"


def test_admin_rule_overrides_the_shipped_default(
    supervisor: Any, api_for: Any, teams: dict[str, Team]
) -> None:
    TriageRule.objects.create(
        intent="change_email", topic="account", team=teams["trading"], priority="low"
    )
    body = create(api_for(supervisor), "How do I change the email on my account?")
    assert body["team"]["slug"] == "trading"
    assert body["priority"] == "low"
    TriageRule.objects.filter(intent="change_email").update(active=False)
    second = create(
        api_for(supervisor), "How can I change my account email address?", subject="Email"
    )
    assert second["team"] is None
    assert second["priority"] == "normal"


def test_out_of_scope_message_gets_no_intent(supervisor: Any, api_for: Any) -> None:
    body = create(api_for(supervisor), "what's the weather like in paris tomorrow")
    ticket = Ticket.objects.get(pk=body["number"])
    assert ticket.intent == "unknown"
    assert body["team"] is None


def test_requested_priority_is_a_floor_not_a_ceiling(
    supervisor: Any, api_for: Any, teams: dict[str, Team]
) -> None:
    body = create(api_for(supervisor), HACKED, priority="low")
    assert body["priority"] == "urgent"


def test_console_shows_language_intent_entities_and_explorer_links(
    supervisor: Any, api_for: Any, console_for: Any, teams: dict[str, Team]
) -> None:
    number = create(api_for(supervisor), HACKED)["number"]
    html = console_for(supervisor).get(f"/tickets/{number}/").content.decode()
    assert "account_hacked_unauthorized_withdrawal" in html
    assert "Funds at risk" in html
    assert (
        'href="https://etherscan.io/tx/'
        '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060"' in html
    )
