"""REST: reply templates. Search and read for every agent; create and change for supervisors;
apply to a ticket (renders the text in the ticket's language and applies the actions)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from cryptodesk.accounts.models import Agent
from cryptodesk.core.http import json_response
from cryptodesk.macros.actions import (
    MacroData,
    check_delete_macro,
    check_save_macro,
    do_apply_macro,
    macro_data,
)
from cryptodesk.macros.models import Macro
from cryptodesk.macros.queries import access_macro_by_id, search_macros
from cryptodesk.tickets.queries import access_ticket_by_number

router = Router(tags=["macros"])

LanguageName = Literal["en", "zh-hans", "zh-hant"]
CategoryName = Literal["deposits", "withdrawals", "account", "security", "complaints", "general"]
StatusName = Literal["", "new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["", "urgent", "high", "normal", "low"]


class StrictSchema(Schema):
    model_config = ConfigDict(extra="forbid")


class MacroIn(StrictSchema):
    name: str = Field(..., min_length=1, max_length=100)
    category: CategoryName = "general"
    bodies: dict[LanguageName, str] = Field(
        ..., description="Text per language; 'en' is required. Variables: {{ customer.name }} …"
    )
    set_status: StatusName = ""
    set_priority: PriorityName = ""
    add_tags: list[str] = Field(default_factory=list, max_length=20)
    remove_tags: list[str] = Field(default_factory=list, max_length=20)
    team: str | None = None
    active: bool = True


class MacroPatchIn(StrictSchema):
    name: str | None = Field(None, min_length=1, max_length=100)
    category: CategoryName | None = None
    bodies: dict[LanguageName, str] | None = None
    set_status: StatusName | None = None
    set_priority: PriorityName | None = None
    add_tags: list[str] | None = Field(None, max_length=20)
    remove_tags: list[str] | None = Field(None, max_length=20)
    team: str | None = None
    active: bool | None = None


class MacroOut(Schema):
    id: int
    name: str
    category: str
    bodies: dict[str, str]
    set_status: str
    set_priority: str
    add_tags: list[str]
    remove_tags: list[str]
    team: str | None
    active: bool
    usage_count: int
    last_used_at: datetime | None


class MacroListOut(Schema):
    count: int
    results: list[MacroOut]


class ApplyIn(StrictSchema):
    ticket: int = Field(..., description="The ticket number")


class ApplyOut(Schema):
    macro: int
    ticket: int
    language: str = Field(..., description="The language of the version used")
    text: str = Field(..., description="The rendered text, to edit and send as a reply")
    applied: list[dict[str, Any]] = Field(..., description="The ticket changes made")


class SearchFilters(Schema):
    q: str = Field("", max_length=100)
    lang: LanguageName | Literal[""] = ""


def macro_json(macro: Macro) -> dict[str, Any]:
    return {
        "id": macro.pk,
        "name": macro.name,
        "category": macro.category,
        "bodies": {t.language: t.body for t in macro.translations.all()},
        "set_status": macro.set_status,
        "set_priority": macro.set_priority,
        "add_tags": macro.add_tags,
        "remove_tags": macro.remove_tags,
        "team": macro.team.slug if macro.team else None,
        "active": macro.active,
        "usage_count": macro.usage_count,
        "last_used_at": macro.last_used_at,
    }


@router.get("", response=MacroListOut, summary="Search templates by name or text")
def list_macros(request: HttpRequest, filters: Query[SearchFilters]) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    macros = search_macros(agent, filters.q, filters.lang)
    return json_response({"count": len(macros), "results": [macro_json(m) for m in macros]})


@router.post("", response={201: MacroOut}, summary="Create a template (supervisors)")
def create_macro(request: HttpRequest, payload: MacroIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    macro = check_save_macro(
        agent,
        None,
        MacroData(
            name=payload.name,
            category=payload.category,
            bodies={str(k): v for k, v in payload.bodies.items()},
            set_status=payload.set_status,
            set_priority=payload.set_priority,
            add_tags=payload.add_tags,
            remove_tags=payload.remove_tags,
            team_slug=payload.team,
            active=payload.active,
        ),
    )
    return json_response(macro_json(access_macro_by_id(agent, macro.pk)), status=201)


@router.get("/{macro_id}", response=MacroOut, summary="One template with all its languages")
def get_macro(request: HttpRequest, macro_id: int) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    return json_response(macro_json(access_macro_by_id(agent, macro_id)))


@router.patch("/{macro_id}", response=MacroOut, summary="Change a template (supervisors)")
def update_macro(request: HttpRequest, macro_id: int, payload: MacroPatchIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    macro = access_macro_by_id(agent, macro_id)
    data = macro_data(macro)
    given = payload.model_fields_set
    for name in ("name", "category", "set_status", "set_priority", "add_tags", "remove_tags"):
        if name in given and getattr(payload, name) is not None:
            setattr(data, name, getattr(payload, name))
    if "bodies" in given and payload.bodies is not None:
        data.bodies = {**data.bodies, **{str(k): v for k, v in payload.bodies.items()}}
    if "team" in given:
        data.team_slug = payload.team
    if "active" in given and payload.active is not None:
        data.active = payload.active
    check_save_macro(agent, macro, data)
    return json_response(macro_json(access_macro_by_id(agent, macro_id)))


@router.delete("/{macro_id}", response={204: None}, summary="Delete a template (supervisors)")
def delete_macro(request: HttpRequest, macro_id: int) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    check_delete_macro(agent, access_macro_by_id(agent, macro_id))
    return HttpResponse(status=204)


@router.post(
    "/{macro_id}/apply",
    response=ApplyOut,
    summary="Use a template on a ticket",
    description=(
        "Renders the template in the ticket's language (English when that language has no "
        "version), applies its actions (status, priority, tags) to the ticket at once and "
        "counts the use. The text is returned for the agent to edit and send as a reply; "
        "nothing is sent to the customer by this call."
    ),
)
def apply_macro(request: HttpRequest, macro_id: int, payload: ApplyIn) -> HttpResponse:
    agent: Agent = request.auth  # type: ignore[attr-defined]
    macro = access_macro_by_id(agent, macro_id)
    ticket = access_ticket_by_number(agent, payload.ticket)
    applied = do_apply_macro(agent, macro, ticket)
    return json_response(
        {
            "macro": macro.pk,
            "ticket": ticket.pk,
            "language": applied.language,
            "text": applied.text,
            "applied": [{"kind": e.kind, **e.data} for e in applied.events],
        }
    )
