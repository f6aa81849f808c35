"""Customers and the identities (email, chat id, Telegram id, phone) that lead to them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """One person or company, whatever channel they write from."""

    name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=10, blank=True)
    # Tiers are data (SLA policies refer to them by code), not an enumeration in code.
    tier = models.CharField(max_length=50, default="standard")
    external_ref = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name or f"Customer {self.pk}"

    @property
    def primary_email(self) -> str:
        for identity in self.identities.all():
            if identity.kind == Identity.Kind.EMAIL:
                return identity.value
        return ""


class Identity(models.Model):
    """A way to reach a customer on one channel; the (kind, value) pair is unique."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        CHAT = "chat", _("Chat user")
        TELEGRAM = "telegram", _("Telegram")
        PHONE = "phone", _("Phone")
        X = "x", _("X")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    value = models.CharField(max_length=320)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_value")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
