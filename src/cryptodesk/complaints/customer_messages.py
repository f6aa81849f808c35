"""What the customer reads about their complaint, in the ticket's language."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from cryptodesk.complaints.models import Complaint, Remedy
from cryptodesk.nlu.language import support_language


def customer_language(complaint: Complaint) -> str:
    ticket = complaint.ticket
    for candidate in (ticket.language, ticket.customer.language):
        if (code := support_language(candidate)) is not None:
            return code
    return "en"


def format_amount(amount: Decimal) -> str:
    """1.500000000000000000 -> "1.5"; never scientific notation."""
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def remedy_approved_text(remedy: Remedy) -> str:
    complaint = remedy.complaint
    with translation.override(customer_language(complaint)):
        kind = str(Remedy.Kind(remedy.kind).label).lower()
        greeting = _("Dear %(name)s,") % {"name": complaint.ticket.customer.name or _("customer")}
        body = _(
            "We have reviewed your complaint (ticket #%(number)s) and we are sorry for what "
            "happened. We will credit a %(kind)s of %(amount)s %(asset)s to your account."
        ) % {
            "number": complaint.ticket_id,
            "kind": kind,
            "amount": format_amount(remedy.amount),
            "asset": remedy.asset,
        }
        explanation = _("Our explanation: %(reason)s") % {"reason": remedy.reason}
        closing = _(
            "You will see it in your account history once it is credited. Reply to this "
            "message if anything is unclear."
        )
        return "\n\n".join([greeting, body, explanation, closing])


def follow_up_text(complaint: Complaint, yes_url: str, no_url: str) -> str:
    with translation.override(customer_language(complaint)):
        greeting = _("Dear %(name)s,") % {"name": complaint.ticket.customer.name or _("customer")}
        question = _(
            "We recently resolved your complaint (ticket #%(number)s). Are you satisfied with "
            "how we resolved it?"
        ) % {"number": complaint.ticket_id}
        answers = "\n".join(
            [
                _("Yes, I am satisfied: %(url)s") % {"url": yes_url},
                _("No, I am not satisfied: %(url)s") % {"url": no_url},
            ]
        )
        closing = _("If you answer no, we will reopen your complaint and contact you again.")
        return "\n\n".join([greeting, question, answers, closing])
