"""Console pages of the mail app: an email's raw source, and sending a failed email again."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cryptodesk.core.errors import CryptodeskError
from cryptodesk.mail.actions import do_retry_outbound
from cryptodesk.mail.models import EmailMessage
from cryptodesk.mail.queries import access_email_by_id
from cryptodesk.web.auth import console_view


def email_or_404(request: HttpRequest, pk: int) -> EmailMessage:
    try:
        return access_email_by_id(request.agent, pk)  # type: ignore[attr-defined]
    except CryptodeskError as error:
        raise Http404(error.message) from error


@require_GET
@console_view
def raw_source(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The exact bytes, as plain text (never rendered as HTML); ?download=1 for an .eml."""
    email = email_or_404(request, pk)
    raw = bytes(email.raw)
    if request.GET.get("download"):
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="email-{email.pk}.eml"'
        return response
    response = HttpResponse(raw, content_type="text/plain; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@console_view
def retry_send(request: HttpRequest, pk: int) -> HttpResponseBase:
    email = email_or_404(request, pk)
    if do_retry_outbound(email):
        flash.success(request, _("The email will be sent again."))
    else:
        flash.error(request, _("Only an email that could not be delivered can be sent again."))
    if email.ticket_id is None:
        return redirect("tickets:queue")
    return redirect("tickets:detail", number=email.ticket_id)
