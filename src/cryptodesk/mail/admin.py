from django.contrib import admin

from cryptodesk.mail.models import EmailAddress, EmailMessage, Mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("address", "display_name", "team", "active", "imap_host")
    list_filter = ("active", "team")
    search_fields = ("address", "display_name")


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
