"""Console page for one customer: identities and every ticket."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cryptodesk.core.errors import NotFound
from cryptodesk.customers.queries import access_customer_by_id
from cryptodesk.tickets.queries import customer_tickets
from cryptodesk.web.auth import console_view


@require_GET
@console_view
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    try:
        customer = access_customer_by_id(agent, pk)
    except NotFound as error:
        raise Http404(error.message) from error
    tickets = list(customer_tickets(agent, customer))
    return render(
        request,
        "customers/customer.html",
        {
            "customer": customer,
            "tickets": tickets,
            "open_count": sum(t.status not in ("solved", "closed") for t in tickets),
        },
    )
