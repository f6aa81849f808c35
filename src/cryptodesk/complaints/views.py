"""Console pages of the complaint workflow (queue, forms on the ticket page) and the public
page where a customer answers the follow-up question."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cryptodesk.complaints.actions import (
    ComplaintFacts,
    check_answer_follow_up,
    check_decide_remedy,
    check_propose_remedy,
    check_record_complaint,
)
from cryptodesk.complaints.customer_messages import customer_language
from cryptodesk.complaints.models import Stage
from cryptodesk.complaints.queries import (
    TABS,
    access_complaint_by_follow_up_token,
    access_complaint_by_ticket,
    access_remedy_by_id,
    complaints_in_tab,
    tab_counts,
)
from cryptodesk.core.errors import CryptodeskError, NotFound, ValidationFailed
from cryptodesk.tickets.queries import access_ticket_by_number, portal_link_token
from cryptodesk.web.auth import console_view

PAGE_SIZE = 50


@require_GET
@console_view
def queue(request: HttpRequest) -> HttpResponse:
    agent = request.agent  # type: ignore[attr-defined]
    tab = request.GET.get("tab", "open")
    tab = tab if tab in TABS else "open"
    complaints = complaints_in_tab(agent, tab)
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/queue.html",
        {"page": page, "tab": tab, "tab_counts": tab_counts(agent), "nav_section": "complaints"},
    )


def posted_time(raw: str) -> datetime | None:
    """A datetime-local value, read in the console's time zone."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as error:
        raise ValidationFailed(
            _("'%(value)s' is not a date and time.") % {"value": raw}, field="occurred_at"
        ) from error
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def act_then_back_to_ticket(
    request: HttpRequest, number: int, act: Callable[[], object], success: str
) -> HttpResponseBase:
    """Run a form's action and go back to the ticket page with what happened: a ticket,
    complaint or remedy the agent cannot see is a 404; any other refusal is shown there."""
    try:
        act()
    except NotFound as error:
        raise Http404(error.message) from error
    except CryptodeskError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, success)
    return redirect("tickets:detail", number=number)


@require_POST
@console_view
def record(request: HttpRequest, number: int) -> HttpResponseBase:
    agent = request.agent  # type: ignore[attr-defined]
    post = request.POST

    def act() -> None:
        check_record_complaint(
            agent,
            access_ticket_by_number(agent, number),
            ComplaintFacts(
                what_happened=post.get("what_happened", ""),
                occurred_at=posted_time(post.get("occurred_at", "")),
                product=post.get("product", ""),
                asset=post.get("asset", ""),
                amount=post.get("amount") or None,
                emotion=post.get("emotion", ""),
                fund_security=post.get("fund_security") == "on",
            ),
        )

    return act_then_back_to_ticket(request, number, act, _("Complaint recorded."))


@require_POST
@console_view
def propose(request: HttpRequest, number: int) -> HttpResponseBase:
    agent = request.agent  # type: ignore[attr-defined]
    post = request.POST

    def act() -> None:
        check_propose_remedy(
            agent,
            access_complaint_by_ticket(agent, number),
            kind=post.get("kind", ""),
            asset=post.get("asset", ""),
            amount=post.get("amount", ""),
            reason=post.get("reason", ""),
        )

    return act_then_back_to_ticket(
        request, number, act, _("Remedy proposed: a supervisor will decide it.")
    )


@require_POST
@console_view
def decide(request: HttpRequest, number: int, remedy_id: int) -> HttpResponseBase:
    agent = request.agent  # type: ignore[attr-defined]
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        flash.error(request, _("Choose whether to approve or reject the remedy."))
        return redirect("tickets:detail", number=number)
    approve = decision == "approve"

    def act() -> None:
        remedy = access_remedy_by_id(agent, number, remedy_id)
        check_decide_remedy(agent, remedy, approve=approve, note=request.POST.get("note", ""))

    success = (
        _("Remedy approved; the customer has been told.") if approve else _("Remedy rejected.")
    )
    return act_then_back_to_ticket(request, number, act, success)


@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, token: str) -> HttpResponse:
    """The customer confirms their answer with a button: a link alone changes nothing, so
    mail scanners that open links cannot answer for them."""
    try:
        complaint = access_complaint_by_follow_up_token(token)
    except CryptodeskError as error:
        return render(request, "complaints/follow_up.html", {"error": error.message}, status=404)
    with translation.override(customer_language(complaint)):
        context = {
            "complaint": complaint,
            "answer": request.GET.get("answer", ""),
            "portal_token": portal_link_token(complaint.ticket),
        }
        if request.method == "POST":
            answer = request.POST.get("answer", "")
            if answer not in ("yes", "no"):
                context["error"] = _("Choose yes or no.")
                return render(request, "complaints/follow_up.html", context, status=422)
            try:
                complaint = check_answer_follow_up(token, satisfied=answer == "yes")
            except CryptodeskError as error:
                context["error"] = error.message
                return render(request, "complaints/follow_up.html", context, status=error.status)
            context |= {"complaint": complaint, "done": answer}
        elif complaint.stage != Stage.FOLLOW_UP_SENT:
            context["done"] = "yes" if complaint.stage == Stage.SATISFIED else "already"
        return render(request, "complaints/follow_up.html", context)
