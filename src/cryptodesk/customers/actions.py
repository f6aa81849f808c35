"""Writes for customers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
    batch = _batch.get()
    if batch is not None and (known := batch.get((kind, normalized))) is not None:
        return known
    identity = Identity.objects.select_related("customer").filter(kind=kind, value=normalized)
    found = identity.first()
    if found is not None:
        return found.customer
    if batch is not None:
        # No savepoint of our own: a concurrent creation raises IntegrityError, which the
        # batch's savepoint for this message takes back (the message is then retried alone).
        customer = Customer.objects.create(name=name.strip()[:200], language=language)
        Identity.objects.create(customer=customer, kind=kind, value=normalized)
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(name=name.strip()[:200], language=language)
            Identity.objects.create(customer=customer, kind=kind, value=normalized)
            return customer
    except IntegrityError:
        return identity.get().customer


_batch: ContextVar[dict[tuple[str, str], Customer] | None] = ContextVar(
    "identity_batch", default=None
)


@contextmanager
def identity_batch(senders: Iterable[tuple[str, str]]) -> Iterator[None]:
    """For a caller that stores many messages in one transaction, a savepoint per message:
    the customers behind ``senders`` (kind, value) that exist already are read in one query,
    and a new customer is created without a savepoint of its own."""
    by_kind: dict[str, set[str]] = {}
    for kind, value in senders:
        try:
            by_kind.setdefault(kind, set()).add(validate_identity(kind, value))
        except ValidationFailed:
            continue  # the message itself will report it
    known: dict[tuple[str, str], Customer] = {}
    for kind, values in by_kind.items():
        rows = Identity.objects.select_related("customer").filter(kind=kind, value__in=values)
        known.update({(kind, row.value): row.customer for row in rows})
    token = _batch.set(known)
    try:
        yield
    finally:
        _batch.reset(token)
