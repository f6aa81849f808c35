from django.contrib import admin

from cryptodesk.tickets.models import CustomField, Tag


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "label", "field_type", "active")
    list_filter = ("field_type", "active")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ("name",)
