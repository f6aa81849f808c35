"""REST: customers."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from cryptodesk.core.http import json_response
from cryptodesk.customers.queries import access_customer_by_id
from cryptodesk.tickets.queries import customer_tickets

router = Router(tags=["customers"])


class IdentityOut(Schema):
    kind: str
    value: str
    verified: bool


class CustomerTicketOut(Schema):
    number: int
    subject: str
    status: str
    priority: str
    channel: str
    created_at: datetime


class CustomerOut(Schema):
    id: int
    name: str
    language: str
    tier: str
    created_at: datetime
    identities: list[IdentityOut]
    tickets: list[CustomerTicketOut]


@router.get(
    "/{customer_id}", response=CustomerOut, summary="A customer with identities and tickets"
)
def get_customer(request: HttpRequest, customer_id: int) -> HttpResponse:
    agent = request.auth  # type: ignore[attr-defined]
    customer = access_customer_by_id(agent, customer_id)
    tickets = customer_tickets(agent, customer)
    return json_response(
        {
            "id": customer.pk,
            "name": customer.name,
            "language": customer.language,
            "tier": customer.tier,
            "created_at": customer.created_at,
            "identities": [
                {"kind": i.kind, "value": i.value, "verified": i.verified}
                for i in customer.identities.all()
            ],
            "tickets": [
                {
                    "number": t.pk,
                    "subject": t.subject,
                    "status": t.status,
                    "priority": t.priority,
                    "channel": t.channel,
                    "created_at": t.created_at,
                }
                for t in tickets
            ],
        }
    )
