"""Every write to reply templates: saving them (supervisors) and using them on a ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from cryptodesk.accounts.models import Agent, Role, Team
from cryptodesk.core import clock
from cryptodesk.core.errors import PermissionDenied, ValidationFailed
from cryptodesk.macros.models import FALLBACK_LANGUAGE, Category, Language, Macro, MacroTranslation
from cryptodesk.macros.render import RenderContext, render_body, validate_body
from cryptodesk.tickets.actions import (
    TicketChanges,
    check_update_ticket,
    lock_ticket,
    normalize_tags,
)
from cryptodesk.tickets.models import Priority, Status, Ticket, TicketEvent


@dataclass
class MacroData:
    """What an editor submitted. ``bodies`` maps a language code to its text; an empty text
    removes that language (English can't be removed)."""

    name: str
    category: str = Category.GENERAL
    bodies: dict[str, str] = field(default_factory=dict)
    set_status: str = ""
    set_priority: str = ""
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    team_slug: str | None = None
    active: bool = True


@dataclass(frozen=True)
class AppliedMacro:
    macro: Macro
    language: str
    text: str
    events: list[TicketEvent]


def macro_data(macro: Macro) -> MacroData:
    """A saved template as editable data (the starting point of an edit or a partial update)."""
    return MacroData(
        name=macro.name,
        category=macro.category,
        bodies={t.language: t.body for t in macro.translations.all()},
        set_status=macro.set_status,
        set_priority=macro.set_priority,
        add_tags=list(macro.add_tags),
        remove_tags=list(macro.remove_tags),
        team_slug=macro.team.slug if macro.team else None,
        active=macro.active,
    )


def check_can_edit_macros(agent: Agent) -> None:
    if not agent.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only supervisors can create or change reply templates."))


def clean_macro_data(data: MacroData) -> tuple[MacroData, Team | None]:
    # NUL is not whitespace to split() and PostgreSQL refuses it in a text column.
    name = " ".join(data.name.replace("\x00", "").split())
    if not name or len(name) > 100:
        raise ValidationFailed(_("The name must have 1 to 100 characters."), field="name")
    if data.category not in Category.values:
        raise ValidationFailed(
            _("Category must be one of %(values)s.") % {"values": ", ".join(Category.values)},
            field="category",
        )
    unknown = set(data.bodies) - set(Language.values)
    if unknown:
        raise ValidationFailed(
            _("Language must be one of %(values)s.") % {"values": ", ".join(Language.values)},
            field=f"bodies.{sorted(unknown)[0]}",
        )
    if not (data.bodies.get(FALLBACK_LANGUAGE) or "").strip():
        raise ValidationFailed(
            _("The English text is required: it is used when a language has no version."),
            field=f"bodies.{FALLBACK_LANGUAGE}",
        )
    bodies = {
        language: validate_body(text, field=f"bodies.{language}")
        for language, text in data.bodies.items()
        if text.strip()
    }
    if data.set_status and data.set_status not in Status.values:
        raise ValidationFailed(
            _("Status must be one of %(values)s.") % {"values": ", ".join(Status.values)},
            field="set_status",
        )
    if data.set_priority and data.set_priority not in Priority.values:
        raise ValidationFailed(
            _("Priority must be one of %(values)s.") % {"values": ", ".join(Priority.values)},
            field="set_priority",
        )
    add_tags = normalize_tags(data.add_tags)
    remove_tags = normalize_tags(data.remove_tags)
    if set(add_tags) & set(remove_tags):
        raise ValidationFailed(_("A tag cannot be both added and removed."), field="remove_tags")
    team = None
    if data.team_slug:
        # A slug with NUL names no team (and PostgreSQL refuses NUL in a query).
        if "\x00" not in data.team_slug:
            team = Team.objects.filter(slug=data.team_slug).first()
        if team is None:
            raise ValidationFailed(
                _("There is no team '%(slug)s'.") % {"slug": data.team_slug}, field="team"
            )
    cleaned = MacroData(
        name=name,
        category=data.category,
        bodies=bodies,
        set_status=data.set_status,
        set_priority=data.set_priority,
        add_tags=add_tags,
        remove_tags=remove_tags,
        team_slug=data.team_slug,
        active=data.active,
    )
    return cleaned, team


def check_save_macro(agent: Agent, macro: Macro | None, data: MacroData) -> Macro:
    """Create (``macro`` None) or replace a template after validating all of it."""
    check_can_edit_macros(agent)
    cleaned, team = clean_macro_data(data)
    at = clock.now()
    try:
        with transaction.atomic():
            if macro is None:
                macro = Macro(created_by=agent, created_at=at)
            else:
                macro = Macro.objects.select_for_update().get(pk=macro.pk)
            macro.name = cleaned.name
            macro.category = cleaned.category
            macro.set_status = cleaned.set_status
            macro.set_priority = cleaned.set_priority
            macro.add_tags = cleaned.add_tags
            macro.remove_tags = cleaned.remove_tags
            macro.team = team
            macro.active = cleaned.active
            macro.updated_at = at
            macro.save()
            for language, body in cleaned.bodies.items():
                MacroTranslation.objects.update_or_create(
                    macro=macro, language=language, defaults={"body": body}
                )
            macro.translations.exclude(language__in=list(cleaned.bodies)).delete()
    except IntegrityError as error:
        raise ValidationFailed(
            _("A template named '%(name)s' exists already.") % {"name": cleaned.name},
            field="name",
        ) from error
    return macro


def check_delete_macro(agent: Agent, macro: Macro) -> None:
    """Remove a template for good (switching it off keeps it and its usage count)."""
    check_can_edit_macros(agent)
    Macro.objects.filter(pk=macro.pk).delete()


def pick_translation(macro: Macro, language: str) -> MacroTranslation:
    """The ticket's language, else English (which every template has)."""
    by_language = {t.language: t for t in macro.translations.all()}
    return by_language.get(language) or by_language[FALLBACK_LANGUAGE]


def render_macro(macro: Macro, ticket: Ticket, agent: Agent) -> tuple[str, str]:
    """(language used, rendered text) for this ticket, without changing anything."""
    language = ticket.language if ticket.language in Language.values else FALLBACK_LANGUAGE
    translation_row = pick_translation(macro, language)
    context = RenderContext(ticket=ticket, agent=agent, language=translation_row.language)
    with translation.override(translation_row.language):
        return translation_row.language, render_body(translation_row.body, context)


def do_apply_macro(
    agent: Agent, macro: Macro, ticket: Ticket, *, at: datetime | None = None
) -> AppliedMacro:
    """Use a template on a ticket: render its text and apply its ticket changes at once, in
    one transaction with the usage count. The text is returned for the agent to edit and send;
    sending stays a separate, explicit step."""
    if not macro.active:
        raise ValidationFailed(
            _("The template '%(name)s' is switched off.") % {"name": macro.name}, field="macro"
        )
    at = at or clock.now()
    with transaction.atomic():
        events: list[TicketEvent] = []
        if macro.has_actions:
            tags = None
            if macro.add_tags or macro.remove_tags:
                # Locked first, so a concurrent tag change is not overwritten.
                current = list(lock_ticket(ticket).tags.values_list("name", flat=True))
                tags = [t for t in current if t not in macro.remove_tags]
                tags += [t for t in macro.add_tags if t not in tags]
            changes = TicketChanges(
                status=macro.set_status or None,
                priority=macro.set_priority or None,
                tags=tags,
            )
            events = check_update_ticket(agent, ticket, changes, at=at)
            for event in events:
                event.data = {**event.data, "macro": macro.name}
                event.save(update_fields=["data"])
        Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1, last_used_at=at)
    ticket.refresh_from_db()
    language, text = render_macro(macro, ticket, agent)
    return AppliedMacro(macro=macro, language=language, text=text, events=events)


def do_load_starter_macros(
    macro_model: type[Macro] = Macro, translation_model: type[MacroTranslation] = MacroTranslation
) -> int:
    """Create the starter templates that are missing; returns how many were created.

    Idempotent and respectful of local edits: a starter template that exists (matched by its
    key) is left as the team changed it, and a deleted one comes back only if its name is free.
    The model classes are parameters so the data migration can pass its historical models.
    """
    from cryptodesk.macros.starter import STARTER_MACROS

    created = 0
    at = clock.now()
    for entry in STARTER_MACROS:
        with transaction.atomic():
            if macro_model.objects.filter(starter_key=entry["key"]).exists():
                continue
            if macro_model.objects.filter(name=entry["name"]).exists():
                continue
            macro = macro_model.objects.create(
                name=entry["name"],
                category=entry["category"],
                set_status=entry["set_status"],
                set_priority=entry["set_priority"],
                add_tags=entry["add_tags"],
                starter_key=entry["key"],
                created_at=at,
                updated_at=at,
            )
            translation_model.objects.bulk_create(
                translation_model(macro=macro, language=language, body=body)
                for language, body in entry["bodies"].items()
            )
            created += 1
    return created
