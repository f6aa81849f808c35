from django.contrib import admin

from cryptodesk.customers.models import Customer, Identity


class IdentityInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Identity
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "tier", "language", "created_at")
    list_filter = ("tier", "language")
    search_fields = ("name", "identities__value", "external_ref")
    inlines = [IdentityInline]
