"""Console pages for reply templates: the supervisors' list and editor, and the picker beside
the reply box (htmx: search, then insert the rendered text into the reply)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cryptodesk.accounts.models import Team
from cryptodesk.core.errors import CryptodeskError, NotFound, PermissionDenied
from cryptodesk.macros.actions import (
    MacroData,
    check_delete_macro,
    check_save_macro,
    do_apply_macro,
    macro_data,
)
from cryptodesk.macros.models import Category, Language
from cryptodesk.macros.queries import access_macro_by_id, search_macros, visible_macros
from cryptodesk.macros.render import variable_names
from cryptodesk.tickets.models import Priority, Status
from cryptodesk.tickets.queries import access_ticket_by_number
from cryptodesk.web.auth import console_view


def require_supervisor(request: HttpRequest) -> None:
    if not request.agent.is_supervisor:  # type: ignore[attr-defined]
        raise PermissionDenied(_("Only supervisors can manage reply templates."))


@require_GET
@console_view
def macro_list(request: HttpRequest) -> HttpResponseBase:
    try:
        require_supervisor(request)
    except PermissionDenied as error:
        return render(request, "macros/denied.html", {"message": error.message}, status=403)
    macros = visible_macros(request.agent).order_by("category", "name")  # type: ignore[attr-defined]
    return render(
        request,
        "macros/list.html",
        {"macros": macros, "languages": Language.choices, "nav_section": "macros"},
    )


def posted_data(request: HttpRequest) -> MacroData:
    post = request.POST
    return MacroData(
        name=post.get("name", ""),
        category=post.get("category", Category.GENERAL),
        bodies={code: post.get(f"body_{code}", "") for code in Language.values},
        set_status=post.get("set_status", ""),
        set_priority=post.get("set_priority", ""),
        add_tags=post.get("add_tags", "").replace(",", " ").split(),
        remove_tags=post.get("remove_tags", "").replace(",", " ").split(),
        team_slug=post.get("team") or None,
        active=post.get("active") == "on",
    )


@require_http_methods(["GET", "POST"])
@console_view
def macro_edit(request: HttpRequest, pk: int | None = None) -> HttpResponseBase:
    agent = request.agent  # type: ignore[attr-defined]
    try:
        require_supervisor(request)
        macro = access_macro_by_id(agent, pk) if pk is not None else None
    except PermissionDenied as error:
        return render(request, "macros/denied.html", {"message": error.message}, status=403)
    except NotFound as error:
        raise Http404(error.message) from error
    data = macro_data(macro) if macro is not None else MacroData(name="")
    error_field, status = "", 200
    if request.method == "POST":
        data = posted_data(request)
        try:
            saved = check_save_macro(agent, macro, data)
        except CryptodeskError as error:
            flash.error(request, error.message)
            error_field, status = error.field or "", 422
        else:
            flash.success(request, _("Template saved."))
            return redirect("macros:edit", pk=saved.pk)
    context: dict[str, Any] = {
        "macro": macro,
        "data": data,
        "error_field": error_field,
        "languages": [(code, label, data.bodies.get(code, "")) for code, label in Language.choices],
        "categories": Category.choices,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": Team.objects.all(),
        "variables": variable_names(),
        "nav_section": "macros",
    }
    return render(request, "macros/edit.html", context, status=status)


@require_POST
@console_view
def macro_delete(request: HttpRequest, pk: int) -> HttpResponseBase:
    agent = request.agent  # type: ignore[attr-defined]
    try:
        require_supervisor(request)
        macro = access_macro_by_id(agent, pk)
        check_delete_macro(agent, macro)
    except PermissionDenied as error:
        return render(request, "macros/denied.html", {"message": error.message}, status=403)
    except NotFound as error:
        raise Http404(error.message) from error
    flash.success(request, _("Template '%(name)s' deleted.") % {"name": macro.name})
    return redirect("macros:list")


@require_GET
@console_view
def picker(request: HttpRequest, number: int) -> HttpResponseBase:
    """Search results for the picker of one ticket, in that ticket's language."""
    agent = request.agent  # type: ignore[attr-defined]
    try:
        ticket = access_ticket_by_number(agent, number)
    except CryptodeskError as error:
        raise Http404(error.message) from error
    query = request.GET.get("q", "")
    macros = search_macros(agent, query, ticket.language)
    return render(
        request, "macros/_results.html", {"macros": macros, "ticket": ticket, "query": query}
    )


@require_POST
@console_view
def use(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    """Apply a template to a ticket and answer with the reply box's text area, the rendered
    text appended to what the agent had written."""
    agent = request.agent  # type: ignore[attr-defined]
    try:
        ticket = access_ticket_by_number(agent, number)
        macro = access_macro_by_id(agent, pk)
        applied = do_apply_macro(agent, macro, ticket)
    except NotFound as error:
        raise Http404(error.message) from error
    except CryptodeskError as error:
        # The text area stays as the agent left it; the reason shows under the search field.
        response = render(request, "macros/_error.html", {"message": error.message})
        response["HX-Retarget"] = "#macro-results"
        response["HX-Reswap"] = "innerHTML"
        return response
    written = request.POST.get("body", "").rstrip()
    text = f"{written}\n\n{applied.text}" if written else applied.text
    response = render(request, "macros/_reply_body.html", {"text": text, "macro": macro})
    response["HX-Trigger"] = "cd:refresh"
    return response
