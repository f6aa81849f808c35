"""Writes for customers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cryptodesk.core.errors import ValidationFailed
from cryptodesk.customers.models import Customer, Identity

MAX_IDENTITY_LENGTH = 320


def normalize_identity(kind: str, value: str) -> str:
    value = value.strip()
    if kind == Identity.Kind.EMAIL:
        return value.lower()
    if kind == Identity.Kind.PHONE:
        return "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return value


def validate_identity(kind: str, value: str) -> str:
    if kind not in Identity.Kind.values:
        raise ValidationFailed(
            _("Unknown identity kind '%(kind)s'.") % {"kind": kind}, field="sender"
        )
    normalized = normalize_identity(kind, value)
    if not normalized or len(normalized) > MAX_IDENTITY_LENGTH:
        raise ValidationFailed(_("The sender address is empty or too long."), field="sender")
    if kind == Identity.Kind.EMAIL:
        local, _at, domain = normalized.rpartition("@")
        if not local or "." not in domain or any(ch.isspace() for ch in normalized):
            raise ValidationFailed(
                _("'%(value)s' is not an email address.") % {"value": value}, field="email"
            )
    return normalized


def do_get_or_create_customer(
    kind: str, value: str, *, name: str = "", language: str = ""
) -> Customer:
    """Return the customer behind an identity, creating both when the identity is new.

    Safe when several processes see the same new address at once: the unique constraint on
    (kind, value) decides, and the loser reads the winner's row.
    """
    normalized = validate_identity(kind, value)
    identity = Identity.objects.select_related("customer").filter(kind=kind, value=normalized)
    found = identity.first()
    if found is not None:
        return found.customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(name=name.strip()[:200], language=language)
            Identity.objects.create(customer=customer, kind=kind, value=normalized)
            return customer
    except IntegrityError:
        return identity.get().customer
