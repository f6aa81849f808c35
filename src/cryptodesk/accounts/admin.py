from django.contrib import admin

from cryptodesk.accounts.models import Agent, ApiToken, Notification, Skill, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("kind", "code", "name")
    list_filter = ("kind",)


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("display_name", "user", "role", "capacity", "ui_language")
    list_filter = ("role", "teams")
    filter_horizontal = ("teams", "skills")
    search_fields = ("display_name", "user__username", "user__email")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "agent", "prefix", "scope", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "token_hash", "created_at", "last_used_at")
    list_filter = ("scope",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("agent", "kind", "text", "created_at", "read_at")
    raw_id_fields = ("ticket", "source_event")
