"""Reply templates (macros): a named text with variables, one version per language, and
optional changes to the ticket (status, priority, tags) applied when an agent uses it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cryptodesk.accounts.models import Agent, Team


class Language(models.TextChoices):
    EN = "en", _("English")
    ZH_HANS = "zh-hans", _("Simplified Chinese")
    ZH_HANT = "zh-hant", _("Traditional Chinese")


FALLBACK_LANGUAGE = Language.EN


class Category(models.TextChoices):
    DEPOSITS = "deposits", _("Deposits")
    WITHDRAWALS = "withdrawals", _("Withdrawals")
    ACCOUNT = "account", _("Account and KYC")
    SECURITY = "security", _("Security")
    COMPLAINTS = "complaints", _("Complaints")
    GENERAL = "general", _("General")


class Macro(models.Model):
    """A reply template. The English version is required; a ticket in another language uses
    that language's version when there is one and the English one otherwise.

    ``team`` limits who sees it (None: every agent). ``usage_count`` only grows through an
    ``F()`` update, so concurrent uses are all counted. ``starter_key`` marks the templates we
    ship, so loading the starter set again never duplicates or overwrites them.
    """

    name = models.CharField(max_length=100, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.GENERAL)
    set_status = models.CharField(max_length=20, blank=True)
    set_priority = models.CharField(max_length=10, blank=True)
    add_tags = models.JSONField(default=list, blank=True)
    remove_tags = models.JSONField(default=list, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="macros"
    )
    active = models.BooleanField(default=True)
    usage_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)
    starter_key = models.SlugField(max_length=60, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["category", "name"]
        indexes = [models.Index(fields=["active", "-usage_count"], name="macro_active_usage")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_actions(self) -> bool:
        return bool(self.set_status or self.set_priority or self.add_tags or self.remove_tags)


class MacroTranslation(models.Model):
    """The text of a macro in one language, with ``{{ variable }}`` placeholders."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=Language.choices)
    body = models.TextField()

    class Meta:
        ordering = ["macro", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["macro", "language"], name="macro_one_body_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.macro.name} ({self.language})"
