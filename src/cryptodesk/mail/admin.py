from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from cryptodesk.mail.actions import forget_mailboxes
from cryptodesk.mail.models import EmailAddress, EmailMessage, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("address", "display_name", "team", "active", "imap_host")
    list_filter = ("active", "team")
    search_fields = ("address", "display_name")

    # Inbound mail caches mailboxes per process; an edit here takes effect at once in this one.
    def save_model(self, request: HttpRequest, obj: Mailbox, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        forget_mailboxes()

    def delete_model(self, request: HttpRequest, obj: Mailbox) -> None:
        super().delete_model(request, obj)
        forget_mailboxes()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        super().delete_queryset(request, queryset)
        forget_mailboxes()


@admin.register(EmailMessage)
class EmailMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("msgid", "direction", "kind", "ticket", "delivery_status", "created_at")
    list_filter = ("direction", "kind", "delivery_status")
    search_fields = ("msgid", "from_address", "subject")
    raw_id_fields = ("message", "ticket")
    exclude = ("raw",)
    readonly_fields = ("raw_size", "raw_sha256", "parse_problems", "withheld_parts")


@admin.register(EmailAddress)
class EmailAddressAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("address", "status", "bounce_count", "last_status_code", "last_bounce_at")
    list_filter = ("status",)
    search_fields = ("address",)
