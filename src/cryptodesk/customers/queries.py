"""Reads of customers, with the permission check built in: supervisors see every customer, an
agent sees the customers of tickets visible to them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent
from cryptodesk.core.errors import NotFound
from cryptodesk.core.ids import is_valid_id
from cryptodesk.customers.models import Customer
from cryptodesk.tickets.queries import visible_tickets


def access_customer_by_id(agent: Agent, customer_id: int) -> Customer:
    customers = Customer.objects.prefetch_related("identities")
    if not agent.is_supervisor:
        customers = customers.filter(pk__in=visible_tickets(agent).values("customer_id"))
    customer = customers.filter(pk=customer_id).first() if is_valid_id(customer_id) else None
    if customer is None:
        raise NotFound(
            _("Customer %(id)s does not exist or is not visible to you.") % {"id": customer_id}
        )
    return customer
