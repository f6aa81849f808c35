from django.contrib import admin

from cryptodesk.nlu.models import TriageRule


@admin.register(TriageRule)
class TriageRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("intent", "topic", "team", "priority", "active")
    list_filter = ("topic", "team", "priority", "active")
    search_fields = ("intent",)
