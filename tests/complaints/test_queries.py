"""Hot pages and endpoints keep a fixed number of queries however many rows they show."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.complaints.conftest import facts

pytestmark = pytest.mark.django_db


def queries_for(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_complaint_queue_and_api_do_not_grow_with_rows(
    api_for: Any, console_for: Any, agent: Any, supervisor: Any, complaint_ticket: Any
) -> None:
    api = api_for(agent)
    for n in range(2):
        ticket = complaint_ticket(email=f"c{n}@example.com")
        api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
        api.post(
            f"/api/v1/tickets/{ticket.pk}/complaint/remedies",
            {"kind": "refund", "asset": "USDT", "amount": "1", "reason": "x"},
        )
    client, boss = console_for(supervisor), api_for(supervisor)
    boss.get("/api/v1/complaints")  # the token records its first use once
    page_few = queries_for(lambda: client.get("/complaints/", {"tab": "all"}))
    api_few = queries_for(lambda: boss.get("/api/v1/complaints", tab="all"))
    for n in range(2, 8):
        ticket = complaint_ticket(email=f"c{n}@example.com")
        api.post(f"/api/v1/tickets/{ticket.pk}/complaint", facts())
        api.post(
            f"/api/v1/tickets/{ticket.pk}/complaint/remedies",
            {"kind": "refund", "asset": "USDT", "amount": "1", "reason": "x"},
        )
    assert queries_for(lambda: client.get("/complaints/", {"tab": "all"})) == page_few
    assert queries_for(lambda: boss.get("/api/v1/complaints", tab="all")) == api_few
