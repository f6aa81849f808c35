"""Public pages for customers: submit a request, follow it through a signed link."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cryptodesk.core.errors import CryptodeskError, NotFound
from cryptodesk.core.ratelimit import within_limit
from cryptodesk.kb.actions import do_record_suggestion_event
from cryptodesk.kb.models import SuggestionEvent
from cryptodesk.kb.text import ui_language
from cryptodesk.portal.forms import ReplyForm, RequestForm
from cryptodesk.tickets.actions import do_ingest_message
from cryptodesk.tickets.models import Channel
from cryptodesk.tickets.pipeline import InboundAttachment, InboundMessage, Sender
from cryptodesk.tickets.queries import (
    access_ticket_by_portal_token,
    portal_link_token,
    ticket_messages,
)

SUBMISSIONS_PER_HOUR = 20


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def form_idempotency_key(owner: str, form_key: str) -> str:
    digest = hashlib.sha256(f"{owner}\n{form_key}".encode()).hexdigest()[:40]
    return f"form:{digest}"


def over_rate_limit(request: HttpRequest) -> bool:
    return not within_limit(
        f"portal-submissions:{client_address(request)}", SUBMISSIONS_PER_HOUR, 3600
    )


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = RequestForm(initial={"form_key": uuid.uuid4().hex})
        return render(request, "portal/new.html", {"form": form})
    form = RequestForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "portal/new.html", {"form": form}, status=400)
    if form.cleaned_data["website"]:
        return render(request, "portal/new.html", {"form": form}, status=400)
    if over_rate_limit(request):
        form.add_error(None, _("Too many requests from your network. Try again in an hour."))
        return render(request, "portal/new.html", {"form": form}, status=429)
    # One byte past the limit is enough for the message path to refuse a file; never hold a
    # huge upload in memory.
    attachments = tuple(
        InboundAttachment(
            upload.name or "attachment",
            upload.content_type or "",
            upload.read(settings.CRYPTODESK_MAX_ATTACHMENT_BYTES + 1),
        )
        for upload in request.FILES.getlist("attachments")
    )
    try:
        result = do_ingest_message(
            InboundMessage(
                channel=Channel.WEB,
                sender=Sender(
                    kind="email", value=form.cleaned_data["email"], name=form.cleaned_data["name"]
                ),
                subject=form.cleaned_data["subject"],
                text=form.cleaned_data["description"],
                attachments=attachments,
                # Tied to the sender: a replayed form key from someone else opens their own
                # ticket instead of returning another customer's link.
                idempotency_key=form_idempotency_key(
                    form.cleaned_data["email"].lower(), form.cleaned_data["form_key"]
                ),
                language_hint="",
                external_ids={"ui_language": ui_language()},
            )
        )
    except CryptodeskError as error:
        form.add_error(None, error.message)
        return render(request, "portal/new.html", {"form": form}, status=400)
    # The request was sent: articles suggested on this form did not deflect it.
    do_record_suggestion_event(form.cleaned_data["form_key"], SuggestionEvent.Kind.SUBMITTED)
    token = portal_link_token(result.ticket)
    return redirect("portal:follow", token=token)


@require_http_methods(["GET", "POST"])
def follow_request(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = access_ticket_by_portal_token(token)
    except NotFound as error:
        raise Http404(error.message) from error
    form = ReplyForm(initial={"form_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            identity = ticket.customer.identities.order_by("id").first()
            if identity is None:
                raise Http404(_("This request can no longer be answered here."))
            try:
                result = do_ingest_message(
                    InboundMessage(
                        channel=Channel.WEB,
                        sender=Sender(kind=identity.kind, value=identity.value),
                        subject=ticket.subject,
                        text=form.cleaned_data["body"],
                        ticket_number=ticket.pk,
                        idempotency_key=form_idempotency_key(
                            f"ticket-{ticket.pk}", form.cleaned_data["form_key"]
                        ),
                    )
                )
            except CryptodeskError as error:
                form.add_error(None, error.message)
                status = 400
            else:
                return redirect("portal:follow", token=portal_link_token(result.ticket))
        else:
            status = 400
    public_messages = ticket_messages(ticket, include_internal=False)
    return render(
        request,
        "portal/follow.html",
        {"ticket": ticket, "messages_list": public_messages, "form": form},
        status=status,
    )
